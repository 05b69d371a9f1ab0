package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyEngineException.MalformedDecision;
import io.meshgate.policy.PolicyEngineException.Unavailable;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.json.DecisionParser;
import io.meshgate.policy.json.PolicyInputJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks OPA's data API for one decision per statement: {@code POST
 * {baseUri}/v1/data/{decisionPath}} with {@code {"input": …}}. Blocking and thread-safe; call it
 * off the network event loop. Every failure is a {@link PolicyEngineException}: an unreachable,
 * slow or failing OPA is {@link Unavailable}, an undefined or off-contract decision is {@link
 * MalformedDecision}. Exception messages carry no policy input and no OPA error text (which can
 * quote input); the details go to the log.
 */
public final class OpaRestPolicyEngine implements PolicyEngine {

  private static final Logger LOG = LoggerFactory.getLogger(OpaRestPolicyEngine.class);
  private static final ObjectMapper ERROR_READER = new ObjectMapper();
  private static final int LOGGED_ERROR_CHARACTERS = 2_000;

  private final OpaRestConfig config;
  private final Supplier<String> revision;
  private final URI decisionUri;
  private final HttpClient client;

  /** An engine whose {@link #revision()} is {@code "unknown"}. */
  public OpaRestPolicyEngine(OpaRestConfig config) {
    this(config, () -> "unknown");
  }

  /**
   * @param revision tells which policy revision OPA serves, for caches and audit; called once per
   *     decision by caching engines, so it must be cheap (e.g. a field that a reload updates)
   */
  public OpaRestPolicyEngine(OpaRestConfig config, Supplier<String> revision) {
    this.config = requireNonNull(config, "config is null");
    this.revision = requireNonNull(revision, "revision is null");
    this.decisionUri = config.decisionUri();
    // HTTP/1.1: OPA speaks it everywhere; upgrading plain connections to h2c only costs a
    // round trip.
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public Decision decide(PolicyInput input) throws PolicyEngineException {
    requireNonNull(input, "input is null");
    byte[] body;
    try {
      body = PolicyInputJson.opaRequestBody(input);
    } catch (IllegalArgumentException e) {
      throw new Unavailable("policy input could not be encoded: " + e.getMessage(), e);
    }
    HttpResponse<byte[]> response = send(request(body));
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      logErrorResponse(response);
      throw new Unavailable(
          "OPA answered HTTP " + status + errorCode(response.body()) + " for " + config.decisionReference(),
          null);
    }
    JsonNode result = DecisionParser.resultOf(response.body());
    if (result == null) {
      throw new MalformedDecision(
          DecisionParser.UNDEFINED
              + " at "
              + config.decisionReference()
              + ": check that the policies OPA loaded define this rule for every input");
    }
    return DecisionParser.parse(result);
  }

  @Override
  public String revision() {
    return revision.get();
  }

  /** The configuration this engine was built with. */
  public OpaRestConfig config() {
    return config;
  }

  @Override
  public void close() {
    client.shutdownNow();
  }

  private HttpRequest request(byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(decisionUri)
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    config.bearerToken().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    return request.build();
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws Unavailable {
    // The request timeout only covers waiting for the response headers; waiting on the future
    // bounds the whole exchange, body included.
    CompletableFuture<HttpResponse<byte[]>> exchange =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
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
  private static String errorCode(byte[] body) {
    try {
      JsonNode code = ERROR_READER.readTree(body).path("code");
      return code.isTextual() && code.textValue().matches("[a-z_]{1,64}") ? " (" + code.textValue() + ")" : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private void logErrorResponse(HttpResponse<byte[]> response) {
    if (LOG.isWarnEnabled()) {
      String text = new String(response.body(), StandardCharsets.UTF_8);
      LOG.warn(
          "OPA answered HTTP {} for {}: {}",
          response.statusCode(),
          config.decisionReference(),
          text.length() > LOGGED_ERROR_CHARACTERS ? text.substring(0, LOGGED_ERROR_CHARACTERS) + "…" : text);
    }
  }
}
