package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How bearer tokens are accepted as passwords.
 *
 * @param issuer the exact {@code iss} a token must carry
 * @param audience a value the token's {@code aud} must contain
 * @param allowedAlgorithms JWS algorithms accepted (default RS256 and ES256); {@code none} is
 *     never accepted, HS256/384/512 only together with a {@code sharedSecret}
 * @param sharedSecret the HMAC key, only for HS algorithms
 * @param jwks where the public keys come from; required unless only HS algorithms are allowed
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat} (default 60 s, at most
 *     5 minutes)
 * @param userClaim the claim that must equal the startup user name (default {@code sub})
 * @param groupsClaim the claim holding the groups, a list of strings or a space-separated
 *     string (default {@code groups})
 * @param attributeClaims the claims copied into {@code subject.attributes}; empty means every
 *     claim except the registered ones (iss, sub, aud, exp, nbf, iat, jti), the user claim and
 *     the groups claim
 * @param jwksCacheTimeToLive how long a fetched key set is used before it is fetched again
 *     (default 5 minutes)
 * @param jwksMinimumRefreshInterval the least time between two fetches, so tokens with made-up
 *     key ids cannot make Meshgate hammer the identity provider (default 30 s)
 */
public record JwtSettings(
    String issuer,
    String audience,
    Set<String> allowedAlgorithms,
    Optional<JwtSharedSecret> sharedSecret,
    Optional<JwksLocation> jwks,
    Duration clockSkew,
    String userClaim,
    String groupsClaim,
    Optional<Set<String>> attributeClaims,
    Duration jwksCacheTimeToLive,
    Duration jwksMinimumRefreshInterval) {
  public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "ES256");
  public static final Set<String> ASYMMETRIC_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");
  public static final Set<String> HMAC_ALGORITHMS = Set.of("HS256", "HS384", "HS512");
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  public static final Duration MAXIMUM_CLOCK_SKEW = Duration.ofMinutes(5);
  public static final String DEFAULT_USER_CLAIM = "sub";
  public static final String DEFAULT_GROUPS_CLAIM = "groups";
  public static final Duration DEFAULT_JWKS_CACHE_TIME_TO_LIVE = Duration.ofMinutes(5);
  public static final Duration DEFAULT_JWKS_MINIMUM_REFRESH_INTERVAL = Duration.ofSeconds(30);

  public JwtSettings {
    requireNonEmpty(issuer, "issuer");
    requireNonEmpty(audience, "audience");
    allowedAlgorithms = Set.copyOf(requireNonNull(allowedAlgorithms, "allowedAlgorithms is null"));
    requireNonNull(sharedSecret, "sharedSecret is null");
    requireNonNull(jwks, "jwks is null");
    requireNonNull(clockSkew, "clockSkew is null");
    requireNonEmpty(userClaim, "userClaim");
    requireNonEmpty(groupsClaim, "groupsClaim");
    attributeClaims = requireNonNull(attributeClaims, "attributeClaims is null").map(Set::copyOf);
    requireNonNull(jwksCacheTimeToLive, "jwksCacheTimeToLive is null");
    requireNonNull(jwksMinimumRefreshInterval, "jwksMinimumRefreshInterval is null");
    validateAlgorithms(allowedAlgorithms, sharedSecret, jwks);
    if (clockSkew.isNegative() || clockSkew.compareTo(MAXIMUM_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException("clockSkew must be between 0 and " + MAXIMUM_CLOCK_SKEW + ", is " + clockSkew);
    }
    if (userClaim.equals(groupsClaim)) {
      throw new IllegalArgumentException("userClaim and groupsClaim must differ, both are \"" + userClaim + "\"");
    }
    if (jwksCacheTimeToLive.isNegative() || jwksCacheTimeToLive.isZero()) {
      throw new IllegalArgumentException("jwksCacheTimeToLive must be positive");
    }
    if (jwksMinimumRefreshInterval.isNegative()) {
      throw new IllegalArgumentException("jwksMinimumRefreshInterval must not be negative");
    }
  }

  /** Settings with every default, verifying with the keys at {@code jwks}. */
  public static JwtSettings of(String issuer, String audience, JwksLocation jwks) {
    return builder(issuer, audience).jwks(jwks).build();
  }

  public static Builder builder(String issuer, String audience) {
    return new Builder(issuer, audience);
  }

  private static void validateAlgorithms(
      Set<String> algorithms, Optional<JwtSharedSecret> sharedSecret, Optional<JwksLocation> jwks) {
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("allowedAlgorithms must not be empty");
    }
    for (String algorithm : algorithms) {
      if (algorithm.equalsIgnoreCase("none")) {
        throw new IllegalArgumentException("the JWS algorithm \"none\" (unsigned tokens) is never allowed");
      }
      if (HMAC_ALGORITHMS.contains(algorithm) && sharedSecret.isEmpty()) {
        throw new IllegalArgumentException(
            algorithm + " is only allowed with a shared secret; without one, an attacker could sign with the public key");
      }
      if (!HMAC_ALGORITHMS.contains(algorithm) && !ASYMMETRIC_ALGORITHMS.contains(algorithm)) {
        throw new IllegalArgumentException("unsupported JWS algorithm \"" + algorithm + "\"; supported: "
            + ASYMMETRIC_ALGORITHMS + " and, with a shared secret, " + HMAC_ALGORITHMS);
      }
    }
    boolean anyHmac = algorithms.stream().anyMatch(HMAC_ALGORITHMS::contains);
    if (sharedSecret.isPresent() && !anyHmac) {
      throw new IllegalArgumentException("a shared secret is configured but no HS algorithm is allowed");
    }
    boolean anyAsymmetric = algorithms.stream().anyMatch(ASYMMETRIC_ALGORITHMS::contains);
    if (anyAsymmetric && jwks.isEmpty()) {
      throw new IllegalArgumentException("a JWKS file or URL is required for " + algorithms);
    }
  }

  private static void requireNonEmpty(String value, String name) {
    requireNonNull(value, name + " is null");
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }

  /** Collects settings; every setter is optional except where {@link JwtSettings} says. */
  public static final class Builder {
    private final String issuer;
    private final String audience;
    private Set<String> allowedAlgorithms = DEFAULT_ALGORITHMS;
    private Optional<JwtSharedSecret> sharedSecret = Optional.empty();
    private Optional<JwksLocation> jwks = Optional.empty();
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private String userClaim = DEFAULT_USER_CLAIM;
    private String groupsClaim = DEFAULT_GROUPS_CLAIM;
    private Optional<Set<String>> attributeClaims = Optional.empty();
    private Duration jwksCacheTimeToLive = DEFAULT_JWKS_CACHE_TIME_TO_LIVE;
    private Duration jwksMinimumRefreshInterval = DEFAULT_JWKS_MINIMUM_REFRESH_INTERVAL;

    private Builder(String issuer, String audience) {
      this.issuer = issuer;
      this.audience = audience;
    }

    public Builder allowedAlgorithms(Set<String> allowedAlgorithms) {
      this.allowedAlgorithms = allowedAlgorithms;
      return this;
    }

    public Builder sharedSecret(JwtSharedSecret sharedSecret) {
      this.sharedSecret = Optional.of(sharedSecret);
      return this;
    }

    public Builder jwks(JwksLocation jwks) {
      this.jwks = Optional.of(jwks);
      return this;
    }

    public Builder clockSkew(Duration clockSkew) {
      this.clockSkew = clockSkew;
      return this;
    }

    public Builder userClaim(String userClaim) {
      this.userClaim = userClaim;
      return this;
    }

    public Builder groupsClaim(String groupsClaim) {
      this.groupsClaim = groupsClaim;
      return this;
    }

    public Builder attributeClaims(Set<String> attributeClaims) {
      this.attributeClaims = Optional.of(attributeClaims);
      return this;
    }

    public Builder jwksCacheTimeToLive(Duration jwksCacheTimeToLive) {
      this.jwksCacheTimeToLive = jwksCacheTimeToLive;
      return this;
    }

    public Builder jwksMinimumRefreshInterval(Duration jwksMinimumRefreshInterval) {
      this.jwksMinimumRefreshInterval = jwksMinimumRefreshInterval;
      return this;
    }

    public JwtSettings build() {
      return new JwtSettings(
          issuer,
          audience,
          allowedAlgorithms,
          sharedSecret,
          jwks,
          clockSkew,
          userClaim,
          groupsClaim,
          attributeClaims,
          jwksCacheTimeToLive,
          jwksMinimumRefreshInterval);
    }
  }
}
