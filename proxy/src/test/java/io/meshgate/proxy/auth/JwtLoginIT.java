package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededMesh;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JWT bearer tokens as passwords, end to end: auth.method=password with jwt.* settings, a JWKS
 * file, pgjdbc sending the token; verified claims become the policy subject.
 */
class JwtLoginIT {
  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withRepositoryPolicies()
      .beforeMeshgate(backend -> TestTokens.writeJwks(backend.directory().resolve("jwks.json"), List.of(TestTokens.RSA)))
      .properties(properties -> {
        properties.setProperty("auth.method", "password");
        properties.setProperty("auth.cleartext_without_tls", "loopback");
        properties.setProperty("jwt.issuer", TestTokens.ISSUER);
        properties.setProperty("jwt.audience", TestTokens.AUDIENCE);
        properties.setProperty("jwt.jwks", "jwks.json");
      });

  private static String token(String subject, Instant expires) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(TestTokens.ISSUER)
        .audience(TestTokens.AUDIENCE)
        .subject(subject)
        .issueTime(Date.from(now.minusSeconds(5)))
        .notBeforeTime(Date.from(now.minusSeconds(5)))
        .expirationTime(Date.from(expires))
        .claim("groups", List.of("analysts"))
        .claim("region", "EU")
        .build();
    return TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(TestTokens.RSA.getKeyID()).build(),
        claims, TestTokens.RSA);
  }

  private static Connection connect(String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + mesh.meshgate().port() + "/mesh", properties);
  }

  @Test
  void aValidTokenLogsInAndItsClaimsShapeTheDecision() throws SQLException {
    try (Connection alice = connect("alice", token("alice", Instant.now().plus(Duration.ofMinutes(5))));
        Statement statement = alice.createStatement();
        ResultSet rows = statement.executeQuery("SELECT DISTINCT region FROM sales.store_transactions")) {
      assertTrue(rows.next());
      assertEquals("EU", rows.getString(1), "the region claim became the row filter");
      assertTrue(!rows.next());
    }
  }

  @Test
  void expiredForeignAndMismatchedTokensAreRefusedWithoutDetail() {
    String expired = token("alice", Instant.now().minus(Duration.ofMinutes(5)));
    String forBob = token("bob", Instant.now().plus(Duration.ofMinutes(5)));
    String attacker = TestTokens.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(TestTokens.RSA.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer(TestTokens.ISSUER).audience(TestTokens.AUDIENCE).subject("alice")
            .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5)))).build(),
        TestTokens.ATTACKER_RSA);
    for (String token : List.of(expired, forBob, attacker, "not-a-token")) {
      SQLException error = assertThrows(SQLException.class, () -> connect("alice", token).close());
      assertEquals("28P01", error.getSQLState());
      assertEquals("FATAL: password authentication failed for user \"alice\"", error.getMessage());
    }
  }

  @Test
  void byDefaultATokenOnAConnectionWithoutTlsIsRefusedEvenFromLoopback() throws Exception {
    Properties properties = mesh.backend().properties();
    properties.setProperty("auth.method", "password");
    properties.setProperty("jwt.issuer", TestTokens.ISSUER);
    properties.setProperty("jwt.audience", TestTokens.AUDIENCE);
    properties.setProperty("jwt.jwks", "jwks.json");
    properties.setProperty("audit.file", "audit-strict.jsonl");
    try (Meshgate strict = mesh.backend().startMeshgate(properties)) {
      Properties connection = new Properties();
      connection.setProperty("user", "alice");
      connection.setProperty("password", token("alice", Instant.now().plus(Duration.ofMinutes(5))));
      connection.setProperty("sslmode", "disable");
      SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
          "jdbc:postgresql://127.0.0.1:" + strict.port() + "/mesh", connection).close());
      assertEquals("28000", refused.getSQLState(), refused.getMessage());
      assertTrue(refused.getMessage().contains("cleartext passwords are refused"), refused.getMessage());
    }
  }
}
