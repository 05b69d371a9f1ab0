package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.PolicyEngineException.Unavailable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP side of talking to OPA, shared by everything that asks it something: one client per
 * configuration, JSON POSTs with the bearer token, and a bound on the whole exchange. Every
 * failure is {@link Unavailable}, with a message that names OPA's address, never a body.
 */
final class OpaHttp implements AutoCloseable {
  private static final ObjectMapper ERROR_READER = new ObjectMapper();

  private final OpaRestConfig config;
  private final HttpClient client;

  OpaHttp(OpaRestConfig config) {
    this.config = requireNonNull(config, "config is null");
    // HTTP/1.1: OPA speaks it everywhere; upgrading plain connections to h2c only costs a
    // round trip.
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** An address of OPA's API below the configured base, e.g. {@code v1/query}. */
  URI api(String path) {
    String base = config.baseUri().toString();
    return URI.create((base.endsWith("/") ? base : base + "/") + path);
  }

  /** POSTs a JSON body to {@code uri}, bounded by the configured timeout. */
  HttpResponse<byte[]> postJson(URI uri, byte[] body) throws Unavailable {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    config.bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return send(request.build());
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws Unavailable {
    if (!config.serverRunning().getAsBoolean()) {
      throw new Unavailable("the managed OPA is not running, so nothing is asked at " + config.baseUri()
          + " (another process may listen there now); see the log for why it stopped, and restart Meshgate", null);
    }
    // The request timeout only covers waiting for the response headers; waiting on the task
    // bounds the whole exchange, body included. Not sendAsync: its future completes through
    // ForkJoinPool.commonPool(), so anything else in the JVM that blocks that pool (one thread
    // on a 2-core machine) would turn every decision into a timeout. The blocking send on a
    // virtual thread of its own depends on nothing shared.
    FutureTask<HttpResponse<byte[]>> exchange =
        new FutureTask<>(() -> client.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    Thread.ofVirtual().name("opa-request").start(exchange);
    try {
      return exchange.get(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new Unavailable(
          "OPA did not answer within " + config.timeout().toMillis() + " ms (" + config.baseUri() + ")", e);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while waiting for OPA (" + config.baseUri() + ")", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw new Unavailable(
            "OPA did not answer within " + config.timeout().toMillis() + " ms (" + config.baseUri() + ")",
            cause);
      }
      if (cause instanceof IOException) {
        throw new Unavailable(
            "OPA could not be reached at " + config.baseUri() + " (" + cause.getClass().getSimpleName() + ")",
            cause);
      }
      throw new Unavailable("OPA request failed (" + config.baseUri() + ")", cause);
    }
  }

  /** OPA's error {@code code} (e.g. {@code internal_error}), which names a class of error, never input. */
  static String errorCode(byte[] body) {
    try {
      JsonNode code = ERROR_READER.readTree(body).path("code");
      return code.isTextual() && code.textValue().matches("[a-z_]{1,64}") ? " (" + code.textValue() + ")" : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  @Override
  public void close() {
    client.shutdownNow();
  }
}
