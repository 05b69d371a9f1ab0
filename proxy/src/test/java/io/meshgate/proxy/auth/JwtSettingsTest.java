package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtSettingsTest {
  private static final JwksLocation JWKS = new JwksLocation.LocalFile(Path.of("jwks.json"));
  private static final JwtSharedSecret SECRET = JwtSharedSecret.ofUtf8("0123456789abcdef0123456789abcdef");

  private static JwtSettings.Builder builder() {
    return JwtSettings.builder("https://idp.example.com", "meshgate").jwks(JWKS);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    JwtSettings settings = JwtSettings.of("https://idp.example.com", "meshgate", JWKS);
    assertEquals(Set.of("RS256", "ES256"), settings.allowedAlgorithms());
    assertEquals(Duration.ofSeconds(60), settings.clockSkew());
    assertEquals("sub", settings.userClaim());
    assertEquals("groups", settings.groupsClaim());
    assertEquals(Optional.empty(), settings.attributeClaims());
    assertEquals(Optional.empty(), settings.sharedSecret());
  }

  @Test
  void noneIsNeverAllowed() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> builder().allowedAlgorithms(Set.of("RS256", "none")).build());
    assertTrue(error.getMessage().contains("none"));
  }

  @Test
  void hmacNeedsAnExplicitSecretAndASecretNeedsHmac() {
    assertThrows(IllegalArgumentException.class, () -> builder().allowedAlgorithms(Set.of("HS256")).build());
    assertThrows(IllegalArgumentException.class, () -> builder().sharedSecret(SECRET).build());
    JwtSettings hmacOnly = JwtSettings.builder("https://idp.example.com", "meshgate")
        .allowedAlgorithms(Set.of("HS256"))
        .sharedSecret(SECRET)
        .build();
    assertEquals(Optional.empty(), hmacOnly.jwks());
  }

  @Test
  void asymmetricAlgorithmsNeedAJwks() {
    assertThrows(IllegalArgumentException.class,
        () -> JwtSettings.builder("https://idp.example.com", "meshgate").build());
  }

  @Test
  void rejectsUnsupportedAlgorithmsAndUnboundedSkew() {
    assertThrows(IllegalArgumentException.class, () -> builder().allowedAlgorithms(Set.of("EdDSA")).build());
    assertThrows(IllegalArgumentException.class, () -> builder().allowedAlgorithms(Set.of()).build());
    assertThrows(IllegalArgumentException.class, () -> builder().clockSkew(Duration.ofMinutes(6)).build());
    assertThrows(IllegalArgumentException.class, () -> builder().clockSkew(Duration.ofSeconds(-1)).build());
    assertThrows(IllegalArgumentException.class, () -> builder().userClaim("groups").build());
    assertThrows(IllegalArgumentException.class, () -> builder().jwksCacheTimeToLive(Duration.ZERO).build());
    assertThrows(IllegalArgumentException.class, () -> JwtSettings.builder("", "meshgate").jwks(JWKS).build());
  }

  @Test
  void secretIsLongEnoughAndNeverPrinted() {
    assertThrows(IllegalArgumentException.class, () -> JwtSharedSecret.ofUtf8("too short"));
    JwtSettings settings = JwtSettings.builder("https://idp.example.com", "meshgate")
        .allowedAlgorithms(Set.of("HS256"))
        .sharedSecret(SECRET)
        .build();
    assertFalse(settings.toString().contains("0123456789abcdef"), settings.toString());
  }

  @Test
  void locationsParseAsUrlOrFile() {
    assertEquals(new JwksLocation.Url(URI.create("https://idp.example.com/certs")),
        JwksLocation.parse("https://idp.example.com/certs"));
    assertEquals(new JwksLocation.LocalFile(Path.of("/etc/meshgate/jwks.json")),
        JwksLocation.parse("/etc/meshgate/jwks.json"));
    assertThrows(IllegalArgumentException.class, () -> new JwksLocation.Url(URI.create("ftp://idp.example.com/certs")));
  }
}
