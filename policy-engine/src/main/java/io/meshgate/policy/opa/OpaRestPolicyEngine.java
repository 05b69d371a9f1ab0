package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyEngineException.MalformedDecision;
import io.meshgate.policy.PolicyEngineException.Unavailable;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.json.DecisionParser;
import io.meshgate.policy.json.PolicyInputJson;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
  private static final int LOGGED_ERROR_CHARACTERS = 2_000;

  private final OpaRestConfig config;
  private final Supplier<String> revision;
  private final URI decisionUri;
  private final OpaHttp http;

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
    this.http = new OpaHttp(config);
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
    HttpResponse<byte[]> response = http.postJson(decisionUri, body);
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      logErrorResponse(response);
      throw new Unavailable(
          "OPA answered HTTP " + status + OpaHttp.errorCode(response.body()) + " for " + config.decisionReference(),
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
    http.close();
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
