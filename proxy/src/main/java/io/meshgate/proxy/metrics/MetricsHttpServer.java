package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The operator endpoint on its own port: {@code /metrics} in the Prometheus text format,
 * {@code /health/live} (200 while the process serves HTTP at all) and {@code /health/ready} (200
 * when OPA, the backend and the audit sink are ready, else 503 with a JSON body naming what is
 * not). One JDK HTTP server holds all three, so a load balancer and Prometheus need one port.
 */
public final class MetricsHttpServer implements AutoCloseable {
  static final String LIVE_PATH = "/health/live";
  static final String READY_PATH = "/health/ready";

  private final HTTPServer server;

  public MetricsHttpServer(String host, int port, ProxyMetrics metrics, Readiness readiness) throws IOException {
    requireNonNull(host, "host is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(readiness, "readiness is null");
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    // Contexts match by longest prefix, so these win over the "/" that serves metrics.
    http.createContext(LIVE_PATH, new JsonHandler(() -> new Answer(200, "{\"status\":\"live\"}")));
    http.createContext(READY_PATH, new JsonHandler(() -> {
      ReadinessReport report = readiness.report();
      return new Answer(report.ready() ? 200 : 503, report.toJson());
    }));
    try {
      // The builder adds /metrics (and "/") to the server, gives it a daemon thread pool and starts it.
      this.server = new HTTPServer.Builder()
          .withHttpServer(http)
          .withRegistry(metrics.registry())
          .withDaemonThreads(true)
          .build();
    } catch (IOException | RuntimeException e) {
      http.stop(0);
      throw e;
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }

  private record Answer(int status, String json) {}

  /** GET and HEAD of one JSON document; the body is computed per request. */
  private static final class JsonHandler implements HttpHandler {
    private final Supplier<Answer> answer;

    JsonHandler(Supplier<Answer> answer) {
      this.answer = answer;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String method = exchange.getRequestMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        Answer current = answer.get();
        byte[] body = (current.json() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        // A probe must see the state now, never a cached copy.
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (head) {
          exchange.sendResponseHeaders(current.status(), -1);
          return;
        }
        exchange.sendResponseHeaders(current.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }
}
