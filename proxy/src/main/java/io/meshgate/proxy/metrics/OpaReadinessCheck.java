package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.opa.ManagedOpaProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * OPA answers: a managed OPA process is alive and its {@code /health} endpoint answers 200, or
 * the remote OPA's {@code /health} answers 200. Without OPA every governed statement is refused
 * (fail closed), so the instance is not ready.
 */
public final class OpaReadinessCheck implements ReadinessCheck, AutoCloseable {
  static final String COMPONENT = "opa";

  private final Optional<ManagedOpaProcess> managed;
  private final Supplier<URI> baseUri;
  private final Optional<String> bearerToken;
  private final Duration timeout;
  private final HttpClient client;

  private OpaReadinessCheck(
      Optional<ManagedOpaProcess> managed, Supplier<URI> baseUri, Optional<String> bearerToken, Duration timeout) {
    this.managed = managed;
    this.baseUri = baseUri;
    this.bearerToken = requireNonNull(bearerToken, "bearerToken is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** The OPA process this Meshgate runs. */
  public static OpaReadinessCheck managed(ManagedOpaProcess opa, Duration timeout) {
    requireNonNull(opa, "opa is null");
    // The port is fixed from the first start on, so asking each time costs nothing.
    return new OpaReadinessCheck(Optional.of(opa), opa::baseUri, Optional.empty(), timeout);
  }

  /** An OPA server run by someone else; the token is sent as OPA may require it for /health too. */
  public static OpaReadinessCheck remote(URI url, Optional<String> bearerToken, Duration timeout) {
    requireNonNull(url, "url is null");
    return new OpaReadinessCheck(Optional.empty(), () -> url, bearerToken, timeout);
  }

  @Override
  public ComponentReadiness check() {
    if (managed.isPresent() && !managed.get().isAlive()) {
      return ComponentReadiness.notReady(COMPONENT, "the managed OPA process is not running");
    }
    URI health = healthUri(baseUri.get());
    HttpRequest.Builder request = HttpRequest.newBuilder(health).timeout(timeout).GET();
    bearerToken.ifPresent(token -> request.header("Authorization", "Bearer " + token));
    try {
      HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200
          ? ComponentReadiness.ready(COMPONENT, "OPA answers at " + health)
          : ComponentReadiness.notReady(COMPONENT, "OPA at " + health + " answered HTTP " + response.statusCode());
    } catch (HttpTimeoutException e) {
      return ComponentReadiness.notReady(COMPONENT, "OPA at " + health + " did not answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return ComponentReadiness.notReady(COMPONENT, "cannot reach OPA at " + health + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ComponentReadiness.notReady(COMPONENT, "interrupted while asking OPA at " + health);
    }
  }

  static URI healthUri(URI base) {
    String text = base.toString();
    return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + "/health");
  }

  /** The JDK's HTTP client often says nothing more than the exception's class (ConnectException). */
  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    client.shutdownNow();
  }
}
