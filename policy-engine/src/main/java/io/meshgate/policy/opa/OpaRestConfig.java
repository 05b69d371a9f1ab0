package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Where and how to ask OPA for decisions.
 *
 * @param baseUri OPA's address, {@code http://…} or {@code https://…}, possibly with a path
 *     prefix (behind a reverse proxy); no query or fragment
 * @param decisionPath the rule to evaluate, as a data API path ({@code meshgate/decision}); the
 *     dotted form {@code data.meshgate.decision} is accepted and normalized
 * @param timeout the bound on connecting and on a whole request, response body included
 * @param bearerToken sent as {@code Authorization: Bearer …} when OPA runs with token
 *     authentication
 * @param serverRunning asked before every request: whether the OPA meant is running. For a
 *     managed OPA, its process: once it exited, whatever listens on its loopback port is some
 *     other process, which must not be asked for decisions. A remote OPA is assumed running.
 */
public record OpaRestConfig(
    URI baseUri, String decisionPath, Duration timeout, Optional<String> bearerToken,
    BooleanSupplier serverRunning) {

  public static final String DEFAULT_DECISION_PATH = "meshgate/decision";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public OpaRestConfig {
    requireNonNull(baseUri, "baseUri is null");
    requireNonNull(decisionPath, "decisionPath is null");
    requireNonNull(timeout, "timeout is null");
    requireNonNull(bearerToken, "bearerToken is null");
    requireNonNull(serverRunning, "serverRunning is null");
    String scheme = baseUri.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || baseUri.getHost() == null) {
      throw new IllegalArgumentException(
          "OPA base URI must be http://host:port or https://host:port, e.g. http://127.0.0.1:8181");
    }
    if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
      throw new IllegalArgumentException("OPA base URI must not have a query or fragment");
    }
    decisionPath = normalizeDecisionPath(decisionPath);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("OPA timeout must be positive");
    }
    bearerToken.ifPresent(
        token -> {
          if (token.isBlank() || token.chars().anyMatch(character -> character < 0x21 || character > 0x7e)) {
            throw new IllegalArgumentException(
                "OPA bearer token must be non-empty printable ASCII without spaces");
          }
        });
  }

  /** A remote OPA, assumed running. */
  public OpaRestConfig(URI baseUri, String decisionPath, Duration timeout, Optional<String> bearerToken) {
    this(baseUri, decisionPath, timeout, bearerToken, () -> true);
  }

  /** The defaults: decision path {@value #DEFAULT_DECISION_PATH}, 2 s timeout, no token. */
  public static OpaRestConfig of(URI baseUri) {
    return new OpaRestConfig(baseUri, DEFAULT_DECISION_PATH, DEFAULT_TIMEOUT, Optional.empty());
  }

  public OpaRestConfig withDecisionPath(String newDecisionPath) {
    return new OpaRestConfig(baseUri, newDecisionPath, timeout, bearerToken, serverRunning);
  }

  public OpaRestConfig withTimeout(Duration newTimeout) {
    return new OpaRestConfig(baseUri, decisionPath, newTimeout, bearerToken, serverRunning);
  }

  public OpaRestConfig withBearerToken(String token) {
    return new OpaRestConfig(baseUri, decisionPath, timeout, Optional.of(token), serverRunning);
  }

  /** The same, asking {@code running} before every request (a managed OPA's process). */
  public OpaRestConfig withServerRunning(BooleanSupplier running) {
    return new OpaRestConfig(baseUri, decisionPath, timeout, bearerToken, running);
  }

  /**
   * The data API address of the decision. {@code strict-builtin-errors} makes a failing built-in
   * (say, sprintf over a value of the wrong type) an error response instead of silently
   * undefined: an undefined expression inside a deny rule would otherwise drop that denial.
   */
  public URI decisionUri() {
    String base = baseUri.toString();
    String withoutSlash = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return URI.create(withoutSlash + "/v1/data/" + decisionPath + "?strict-builtin-errors=true");
  }

  /** The decision path as Rego names it, e.g. {@code data.meshgate.decision}. */
  public String decisionReference() {
    return "data." + decisionPath.replace('/', '.');
  }

  @Override
  public String toString() {
    // The token must not reach logs.
    return "OpaRestConfig[baseUri="
        + baseUri
        + ", decisionPath="
        + decisionPath
        + ", timeout="
        + timeout
        + ", bearerToken="
        + (bearerToken.isPresent() ? "(set)" : "(none)")
        + "]";
  }

  private static String normalizeDecisionPath(String path) {
    String slashed = path.strip();
    if (slashed.startsWith("data.") || slashed.equals("data")) {
      slashed = slashed.substring("data".length()).replace('.', '/');
    } else if (!slashed.contains("/")) {
      slashed = slashed.replace('.', '/');
    }
    while (slashed.startsWith("/")) {
      slashed = slashed.substring(1);
    }
    if (slashed.isEmpty()) {
      throw new IllegalArgumentException(
          "OPA decision path must name a rule, e.g. " + DEFAULT_DECISION_PATH);
    }
    for (String segment : slashed.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            "OPA decision path must be package and rule names separated by / or ., e.g. "
                + DEFAULT_DECISION_PATH);
      }
    }
    return slashed;
  }
}
