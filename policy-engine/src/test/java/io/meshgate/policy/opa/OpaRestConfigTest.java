package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpaRestConfigTest {

  private static final URI OPA = URI.create("http://127.0.0.1:8181");

  @Test
  void defaults() {
    OpaRestConfig config = OpaRestConfig.of(OPA);

    assertEquals("meshgate/decision", config.decisionPath());
    assertEquals(Duration.ofSeconds(2), config.timeout());
    assertEquals(Optional.empty(), config.bearerToken());
    assertEquals(
        URI.create("http://127.0.0.1:8181/v1/data/meshgate/decision?strict-builtin-errors=true"),
        config.decisionUri());
    assertEquals("data.meshgate.decision", config.decisionReference());
  }

  @Test
  void acceptsDottedDecisionPaths() {
    assertEquals("meshgate/decision", OpaRestConfig.of(OPA).withDecisionPath("data.meshgate.decision").decisionPath());
    assertEquals("meshgate/decision", OpaRestConfig.of(OPA).withDecisionPath("meshgate.decision").decisionPath());
    assertEquals("a/b_2/c", OpaRestConfig.of(OPA).withDecisionPath("/a/b_2/c").decisionPath());
  }

  @Test
  void keepsAPathPrefixOfTheBaseUri() {
    OpaRestConfig config = OpaRestConfig.of(URI.create("https://policies.example:8443/opa/"));

    assertEquals(
        URI.create("https://policies.example:8443/opa/v1/data/meshgate/decision?strict-builtin-errors=true"),
        config.decisionUri());
  }

  @Test
  void rejectsWhatCannotWork() {
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(URI.create("ftp://127.0.0.1:8181")));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(URI.create("127.0.0.1:8181")));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(URI.create("http://127.0.0.1:8181/?x=1")));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(OPA).withDecisionPath(""));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(OPA).withDecisionPath("data"));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(OPA).withDecisionPath("meshgate/../x"));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(OPA).withDecisionPath("meshgate/decision?pretty"));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(OPA).withTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(OPA).withBearerToken("two words"));
    assertThrows(IllegalArgumentException.class, () -> OpaRestConfig.of(OPA).withBearerToken("line\nbreak"));
  }

  @Test
  void toStringHidesTheToken() {
    String text = OpaRestConfig.of(OPA).withBearerToken("s3cr3t-token").toString();

    assertFalse(text.contains("s3cr3t-token"), text);
  }
}
