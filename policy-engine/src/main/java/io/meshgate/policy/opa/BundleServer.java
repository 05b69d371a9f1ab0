package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundle service that a managed OPA downloads its policies from: one bundle at {@link
 * #RESOURCE} on a loopback port, with an {@code ETag} (the bundle's revision) and HTTP long
 * polling, OPA's own protocol for it. OPA asks with {@code If-None-Match: <the revision it has>}
 * and {@code Prefer: wait=<seconds>}; while nothing new is published the request is held, and
 * {@link #publish} answers every held request at once, so OPA has a new bundle within
 * milliseconds without polling. A held request that times out gets {@code 304}.
 *
 * <p>Every response carries {@code Content-Type: application/vnd.openpolicyagent.bundles}, 304s
 * included: that header is how OPA learns the server supports long polling, and OPA falls back to
 * periodic polling for good after one response without it.
 */
final class BundleServer implements AutoCloseable {

  /** The bundle's path below the service URL. */
  static final String RESOURCE = "bundles/meshgate.tar.gz";

  static final String LONG_POLLING_CONTENT_TYPE = "application/vnd.openpolicyagent.bundles";

  /** The longest a request is held, whatever OPA asks for. */
  private static final Duration MAXIMUM_WAIT = Duration.ofSeconds(60);

  private static final Pattern WAIT = Pattern.compile("(?:^|[;,\\s])wait=(\\d{1,6})(?:$|[;,\\s])");

  private final HttpServer server;
  private final ExecutorService executor;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private PolicyBundle current;
  private boolean closed;

  private BundleServer(HttpServer server, ExecutorService executor, PolicyBundle initial) {
    this.server = server;
    this.executor = executor;
    this.current = initial;
  }

  /** Starts serving {@code initial} on a free loopback port. */
  static BundleServer start(PolicyBundle initial) throws IOException {
    requireNonNull(initial, "initial is null");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // Held long-poll requests each park a thread; virtual threads make that free.
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    BundleServer bundles = new BundleServer(server, executor, initial);
    server.createContext("/", bundles::handle);
    // The server's dispatcher thread inherits the daemon status of the thread that starts it, and
    // a non-daemon dispatcher would keep the JVM alive after main ends if nobody closed OPA.
    Thread starter = Thread.ofPlatform().daemon().name("bundle-server-start").unstarted(server::start);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.stop(0);
      executor.shutdownNow();
      throw new IOException("interrupted while starting the bundle server", e);
    }
    return bundles;
  }

  /** The service URL to configure in OPA. */
  URI serviceUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** What OPA gets from now on; held requests are answered at once. */
  void publish(PolicyBundle bundle) {
    requireNonNull(bundle, "bundle is null");
    lock.lock();
    try {
      current = bundle;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  PolicyBundle current() {
    lock.lock();
    try {
      return current;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/" + RESOURCE)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String held = exchange.getRequestHeaders().getFirst("If-None-Match");
      PolicyBundle bundle;
      try {
        bundle = awaitOtherThan(held, requestedWait(exchange.getRequestHeaders().getFirst("Prefer")));
      } catch (InterruptedException e) {
        // The server is closing.
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      String etag = etag(bundle);
      exchange.getResponseHeaders().set("Content-Type", LONG_POLLING_CONTENT_TYPE);
      exchange.getResponseHeaders().set("ETag", etag);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (etag.equals(held)) {
        exchange.sendResponseHeaders(304, -1);
        return;
      }
      byte[] content = bundle.contentForServing();
      exchange.sendResponseHeaders(200, content.length);
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(content);
      }
    }
  }

  /** The current bundle as soon as its ETag differs from {@code held}, or when the wait is over. */
  private PolicyBundle awaitOtherThan(String held, Duration wait) throws InterruptedException {
    long remaining = wait.toNanos();
    lock.lock();
    try {
      while (!closed && held != null && held.equals(etag(current)) && remaining > 0) {
        remaining = changed.awaitNanos(remaining);
      }
      return current;
    } finally {
      lock.unlock();
    }
  }

  static String etag(PolicyBundle bundle) {
    return "\"" + bundle.revision() + "\"";
  }

  /** {@code Prefer: wait=N} (RFC 7240) in seconds, bounded; zero when absent or unreadable. */
  static Duration requestedWait(String prefer) {
    if (prefer == null) {
      return Duration.ZERO;
    }
    Matcher wait = WAIT.matcher(prefer);
    if (!wait.find()) {
      return Duration.ZERO;
    }
    Duration asked = Duration.ofSeconds(Long.parseLong(wait.group(1)));
    return asked.compareTo(MAXIMUM_WAIT) > 0 ? MAXIMUM_WAIT : asked;
  }
}
