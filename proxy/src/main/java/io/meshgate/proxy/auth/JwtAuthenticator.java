package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import io.meshgate.policy.Subject;
import java.io.IOException;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a JSON Web Token sent as the password: a JWS whose algorithm is one of the allowed
 * ones, signed by a key of the configured JWKS (picked by {@code kid}) or, for HS algorithms
 * only, by the configured shared secret; issued by the configured issuer for the configured
 * audience; with an {@code exp}; valid now within the clock skew; typed, if at all, as a JWT or
 * an access token (not, e.g., a logout token); and whose user claim equals
 * the startup user name, so a token for bob never logs in as alice.
 *
 * <p>Keys embedded in the token ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are never
 * used. An unknown {@code kid} makes the key set be fetched again (rate-limited), which is how
 * key rotation at the identity provider reaches Meshgate.
 *
 * <p>{@link #authenticate} and {@link #verify} may fetch the key set over the network: call them
 * off the Netty event loop. Thread-safe.
 */
public final class JwtAuthenticator {
  /** Registered claims (RFC 7519) that describe the token rather than the user. */
  public static final Set<String> REGISTERED_CLAIMS = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti");

  private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
  /** Far above any real token; bounds the parsing work a client can cause. */
  private static final int MAXIMUM_TOKEN_LENGTH = 16 * 1024;
  /** {@code typ} values of tokens that log in: a plain JWT, and an OAuth access token (RFC 9068). */
  private static final Set<String> LOGIN_TOKEN_TYPES = Set.of("jwt", "at+jwt");
  private static final String APPLICATION_PREFIX = "application/";

  private final JwtSettings settings;
  private final InstantSource clock;
  private final Optional<JwksCache> keys;
  private final DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier;
  private final DefaultJWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();

  public JwtAuthenticator(JwtSettings settings) {
    this(settings, InstantSource.system());
  }

  /** With an explicit clock, for tests of expiry and key-set caching. */
  public JwtAuthenticator(JwtSettings settings, InstantSource clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.keys = settings.jwks().map(location -> new JwksCache(
        location, settings.jwksCacheTimeToLive(), settings.jwksMinimumRefreshInterval(), clock));
    this.claimsVerifier = new DefaultJWTClaimsVerifier<>(
        Set.of(settings.audience()),
        new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
        Set.of("exp"),
        Set.of()) {
      @Override
      protected Date currentTime() {
        return Date.from(clock.instant());
      }
    };
    claimsVerifier.setMaxClockSkew(Math.toIntExact(settings.clockSkew().toSeconds()));
  }

  /**
   * The subject if {@code token} is valid for {@code startupUser}; empty otherwise, with the
   * reason logged (the client only learns that authentication failed).
   */
  public Optional<Subject> authenticate(String startupUser, String token) {
    return switch (verify(startupUser, token)) {
      case JwtVerification.Accepted accepted -> Optional.of(accepted.subject());
      case JwtVerification.Rejected rejected -> {
        LOG.info("JWT authentication failed for user {}: {}",
            LoggedText.quoted(startupUser), LoggedText.oneLine(rejected.reason()));
        yield Optional.empty();
      }
    };
  }

  /** Checks {@code token} for {@code startupUser} and says why it was rejected. */
  public JwtVerification verify(String startupUser, String token) {
    requireNonNull(startupUser, "startupUser is null");
    requireNonNull(token, "token is null");
    try {
      return new JwtVerification.Accepted(check(startupUser, token));
    } catch (RejectedToken e) {
      return new JwtVerification.Rejected(e.getMessage());
    }
  }

  /**
   * Fetches the key set now, so a wrong JWKS path or URL is reported at start-up rather than at
   * the first login. Nothing to do when only a shared secret is configured.
   */
  public void loadKeys() throws IOException {
    if (keys.isPresent()) {
      keys.get().keys();
    }
  }

  private Subject check(String startupUser, String token) throws RejectedToken {
    if (token.length() > MAXIMUM_TOKEN_LENGTH) {
      throw new RejectedToken("token is longer than " + MAXIMUM_TOKEN_LENGTH + " characters");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new RejectedToken("not a signed JWT (" + e.getMessage() + ")");
    }
    JWSHeader header = jwt.getHeader();
    String algorithm = header.getAlgorithm().getName();
    if (!settings.allowedAlgorithms().contains(algorithm)) {
      throw new RejectedToken("algorithm " + algorithm + " is not allowed (allowed: " + settings.allowedAlgorithms() + ")");
    }
    checkType(header);
    JWSVerifier verifier = verifierFor(header);
    try {
      if (!jwt.verify(verifier)) {
        throw new RejectedToken("signature does not verify");
      }
    } catch (JOSEException e) {
      throw new RejectedToken("signature cannot be verified (" + e.getMessage() + ")");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new RejectedToken("claims are not a JSON object (" + e.getMessage() + ")");
    }
    checkTimesAndAudience(claims);
    String user = user(claims, startupUser);
    return new Subject(user, groups(claims), attributes(claims));
  }

  /**
   * Identity providers sign other tokens with the same keys, for the same audience and
   * subject: logout tokens, security events, DPoP proofs. Where they say so in {@code typ},
   * such a token is not a login (RFC 8725 section 3.11). Media types compare case-insensitively
   * and may omit {@code application/} (RFC 7515 section 4.1.9).
   */
  private static void checkType(JWSHeader header) throws RejectedToken {
    JOSEObjectType type = header.getType();
    if (type == null) {
      return;
    }
    String mediaType = type.getType().toLowerCase(Locale.ROOT);
    if (mediaType.startsWith(APPLICATION_PREFIX)) {
      mediaType = mediaType.substring(APPLICATION_PREFIX.length());
    }
    if (!LOGIN_TOKEN_TYPES.contains(mediaType)) {
      throw new RejectedToken("token type \"" + type.getType() + "\" is not an access or ID token (typ must be absent, "
          + LOGIN_TOKEN_TYPES + ")");
    }
  }

  private JWSVerifier verifierFor(JWSHeader header) throws RejectedToken {
    JWSAlgorithm algorithm = header.getAlgorithm();
    try {
      if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
        // Allowed only with a configured secret (JwtSettings enforces it); never a JWKS key.
        JwtSharedSecret secret = settings.sharedSecret()
            .orElseThrow(() -> new RejectedToken("HMAC token but no shared secret is configured"));
        return new MACVerifier(secret.bytes());
      }
      return verifierFactory.createJWSVerifier(header, publicKey(header));
    } catch (JOSEException e) {
      throw new RejectedToken("no verifier for " + algorithm + " (" + e.getMessage() + ")");
    }
  }

  private PublicKey publicKey(JWSHeader header) throws RejectedToken, JOSEException {
    String keyId = header.getKeyID();
    if (keyId == null) {
      throw new RejectedToken("token has no kid header");
    }
    JwksCache cache = keys.orElseThrow(() -> new RejectedToken("no JWKS configured"));
    JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
    try {
      JWKSet current = cache.keys();
      List<JWK> matches = selector.select(current);
      if (matches.isEmpty() && current.getKeyByKeyId(keyId) == null) {
        matches = selector.select(cache.keysAfterUnknownKeyId(keyId));
      }
      if (matches.isEmpty()) {
        throw new RejectedToken("no key with kid \"" + keyId + "\" usable for " + header.getAlgorithm() + " in the JWKS");
      }
      if (!(matches.getFirst() instanceof AsymmetricJWK key)) {
        throw new RejectedToken("key \"" + keyId + "\" is not a public key");
      }
      return key.toPublicKey();
    } catch (IOException e) {
      throw new RejectedToken("JWKS unavailable (" + e.getMessage() + ")");
    }
  }

  private void checkTimesAndAudience(JWTClaimsSet claims) throws RejectedToken {
    try {
      claimsVerifier.verify(claims, null);
    } catch (BadJWTException e) {
      throw new RejectedToken("claims rejected (" + e.getMessage() + ")");
    }
    Date issuedAt = claims.getIssueTime();
    if (issuedAt != null && issuedAt.toInstant().isAfter(clock.instant().plus(settings.clockSkew()))) {
      throw new RejectedToken("issued in the future (iat " + issuedAt.toInstant() + ")");
    }
  }

  private String user(JWTClaimsSet claims, String startupUser) throws RejectedToken {
    Object value = claims.getClaim(settings.userClaim());
    if (!(value instanceof String user) || user.isEmpty()) {
      throw new RejectedToken("user claim \"" + settings.userClaim() + "\" is missing or not a string");
    }
    if (!user.equals(startupUser)) {
      throw new RejectedToken("token is for \"" + user + "\", not for the startup user");
    }
    return user;
  }

  /** Groups as a list of strings or one space-separated string; anything else is refused. */
  private List<String> groups(JWTClaimsSet claims) throws RejectedToken {
    Object value = claims.getClaim(settings.groupsClaim());
    return switch (value) {
      case null -> List.of();
      case String text -> Arrays.stream(text.trim().split("\\s+")).filter(group -> !group.isEmpty()).toList();
      case List<?> list -> {
        List<String> groups = new ArrayList<>(list.size());
        for (Object element : list) {
          if (!(element instanceof String group)) {
            // A policy may deny by group; silently dropping one could widen access.
            throw new RejectedToken("groups claim \"" + settings.groupsClaim() + "\" holds a non-string");
          }
          groups.add(group);
        }
        yield List.copyOf(groups);
      }
      default -> throw new RejectedToken(
          "groups claim \"" + settings.groupsClaim() + "\" is neither a list of strings nor a string");
    };
  }

  private Map<String, Object> attributes(JWTClaimsSet claims) {
    Map<String, Object> all = claims.getClaims();
    Map<String, Object> selected = new LinkedHashMap<>();
    for (Map.Entry<String, Object> claim : all.entrySet()) {
      if (isAttribute(claim.getKey())) {
        selected.put(claim.getKey(), claim.getValue());
      }
    }
    return ClaimValues.toMap(selected);
  }

  private boolean isAttribute(String claim) {
    return settings.attributeClaims()
        .map(configured -> configured.contains(claim))
        .orElseGet(() -> !REGISTERED_CLAIMS.contains(claim)
            && !claim.equals(settings.userClaim())
            && !claim.equals(settings.groupsClaim()));
  }

  /** Internal control flow: the reason a token is refused. */
  private static final class RejectedToken extends Exception {
    RejectedToken(String reason) {
      super(reason, null, false, false);
    }
  }
}
