package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededMesh;
import io.meshgate.proxy.auth.AuthenticationRateLimiter;
import io.meshgate.proxy.auth.Scram;
import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.TooManyAuthenticationFailuresException;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client attacking authentication itself, against Meshgate with cleartext passwords (the
 * path JWT bearer tokens take): it must not guess without limit by hanging up before each
 * answer, nor write lines of its own into the server log through its user name. Each test
 * comes from its own loopback address, so the per-address limit of one is not the other's.
 */
class AuthenticationAttacksIT {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final String USER = "carol";

  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withRepositoryPolicies().watchingLeaks().properties(properties -> {
    properties.setProperty("auth.method", "password");
    properties.setProperty("auth.cleartext_without_tls", "loopback");
  });

  @Test
  void aClientThatHangsUpBeforeEachAnswerStillUsesUpItsAttempts() throws Exception {
    InetAddress source = InetAddress.getByName("127.0.0.61");
    for (int attempt = 0; attempt < AuthenticationRateLimiter.DEFAULT_MAXIMUM_FAILURES; attempt++) {
      try (RawClient client = RawClient.connect(source, mesh.meshgate().port(), READ_TIMEOUT)) {
        client.send(FrontendFrames.startup(USER, "mesh"));
        assertEquals(3, client.read().authenticationCode(), "cleartext password requested");
        client.send(FrontendFrames.password("guess-" + attempt));
        // Gone before the answer, so never told. Meshgate stops reading while it checks a
        // password, so it sees the reset only after counting the failure; this holds it to that.
        client.reset();
      }
    }

    // The failures are counted once each check ends; the right password is then refused too.
    Instant deadline = Instant.now().plusSeconds(10);
    String refusal = "";
    while (Instant.now().isBefore(deadline) && !refusal.contains(TooManyAuthenticationFailuresException.MESSAGE)) {
      try (RawClient client = RawClient.connect(source, mesh.meshgate().port(), READ_TIMEOUT)) {
        client.authenticate(USER, "mesh", USER, new SecureRandom());
        Thread.sleep(100);
      } catch (RawClient.RefusedException refused) {
        refusal = refused.getMessage();
      }
    }
    assertTrue(refusal.contains(TooManyAuthenticationFailuresException.MESSAGE),
        "hanging up before the answer must count as a failed attempt; last refusal: " + refusal);
  }

  @Test
  void connectionsOpenedTogetherGetNoMoreGuessesThanTheLimit() throws Exception {
    int limit = AuthenticationRateLimiter.DEFAULT_MAXIMUM_FAILURES;
    List<RawClient> waiting = askedForTheirPasswords(InetAddress.getByName("127.0.0.64"), limit + 5);
    try {
      int told = 0;
      for (RawClient client : waiting) {
        client.send(FrontendFrames.password("guess"));
        told += toldItFailed(client.read());
      }
      assertEquals(limit, told, "passwords checked from one address in one window");
    } finally {
      closeAll(waiting);
    }
  }

  @Test
  void guessesSentAtOnceAreAnsweredOnlyUpToTheLimit() throws Exception {
    // Every guess arrives before the first check ends, so each passes the limit on arrival.
    int limit = AuthenticationRateLimiter.DEFAULT_MAXIMUM_FAILURES;
    List<RawClient> waiting = askedForTheirPasswords(InetAddress.getByName("127.0.0.65"), limit + 10);
    try {
      for (RawClient client : waiting) {
        client.send(FrontendFrames.password("guess"));
      }
      int told = 0;
      for (RawClient client : waiting) {
        told += toldItFailed(client.read());
      }
      assertEquals(limit, told, "failed guesses a client learnt of from one address in one window");
    } finally {
      closeAll(waiting);
    }
  }

  /** Connections from {@code source}, each asked for its password, none answered yet. */
  private static List<RawClient> askedForTheirPasswords(InetAddress source, int count) throws Exception {
    List<RawClient> waiting = new ArrayList<>();
    try {
      for (int index = 0; index < count; index++) {
        RawClient client = RawClient.connect(source, mesh.meshgate().port(), READ_TIMEOUT);
        waiting.add(client);
        client.send(FrontendFrames.startup(USER, "mesh"));
        assertEquals(3, client.read().authenticationCode(), "cleartext password requested");
      }
      return waiting;
    } catch (Exception | AssertionError e) {
      closeAll(waiting);
      throw e;
    }
  }

  /** 1 when the answer says the password was wrong; 0 when it says only that the limit was reached. */
  private static int toldItFailed(BackendMessage answer) {
    if (answer.sqlState().orElseThrow().equals("28P01")) {
      return 1;
    }
    assertTrue(answer.toString().contains(TooManyAuthenticationFailuresException.MESSAGE), answer::toString);
    return 0;
  }

  private static void closeAll(List<RawClient> clients) throws Exception {
    for (RawClient client : clients) {
      client.close();
    }
  }

  @Test
  void anUnknownSaslMechanismOrAMalformedFirstSaslMessageIsAFailedAttempt() throws Exception {
    Properties properties = mesh.backend().properties(); // auth.method=scram, the default
    properties.setProperty("audit.file", "audit-sasl.jsonl");
    try (Meshgate scram = mesh.backend().startMeshgate(properties)) {
      InetAddress source = InetAddress.getByName("127.0.0.66");
      for (int attempt = 0; attempt < AuthenticationRateLimiter.DEFAULT_MAXIMUM_FAILURES; attempt++) {
        try (RawClient client = RawClient.connect(source, scram.port(), READ_TIMEOUT)) {
          client.send(FrontendFrames.startup(USER, "mesh"));
          assertEquals(10, client.read().authenticationCode(), "SASL requested");
          client.send(attempt % 2 == 0
              ? FrontendFrames.saslInitialResponse("SCRAM-SHA-1", "n,,n=,r=clientnonce".getBytes(StandardCharsets.US_ASCII))
              : FrontendFrames.saslResponse("no mechanism name ends here".getBytes(StandardCharsets.US_ASCII)));
          BackendMessage refusal = client.read();
          assertEquals('E', refusal.type(), refusal::toString);
        }
      }

      // Each of those counted: the right password from that address is refused now.
      try (RawClient client = RawClient.connect(source, scram.port(), READ_TIMEOUT)) {
        RawClient.RefusedException refused = assertThrows(RawClient.RefusedException.class,
            () -> client.authenticate(USER, "mesh", USER, new SecureRandom()));
        assertTrue(refused.getMessage().contains(TooManyAuthenticationFailuresException.MESSAGE), refused::getMessage);
      }
    }
  }

  @Test
  void scramAnswersAnUnknownNameAsItAnswersTheNamesOfTheUsersFile() throws Exception {
    // Verifiers made elsewhere (PostgreSQL with another scram_iterations) need not have
    // Meshgate's own iteration count or salt length; a decoy that did would tell them apart.
    byte[] salt = new byte[24];
    new SecureRandom().nextBytes(salt);
    byte[] salted = Scram.saltedPassword(USER, salt, 10_000);
    UsersFile.of(List.of(new UserEntry(USER, new ScramVerifier(10_000, salt, Scram.sha256(Scram.clientKey(salted)),
        Scram.serverKey(salted)), List.of("data_scientists"), Map.of()))).save(mesh.directory().resolve("users-imported.json"));
    Properties properties = mesh.backend().properties();
    properties.setProperty("users.file", "users-imported.json");
    properties.setProperty("audit.file", "audit-scram.jsonl");
    try (Meshgate scram = mesh.backend().startMeshgate(properties)) {
      String known = serverFirstMessage(scram, USER);
      String unknown = serverFirstMessage(scram, "nobody");
      assertEquals(iterationsAndSaltLength(known), iterationsAndSaltLength(unknown), known + " / " + unknown);
      assertEquals("i=10000, 24 bytes of salt", iterationsAndSaltLength(unknown));
    }
  }

  private static String serverFirstMessage(Meshgate server, String user) throws Exception {
    try (RawClient client = RawClient.connect(InetAddress.getByName("127.0.0.63"), server.port(), READ_TIMEOUT)) {
      client.send(FrontendFrames.startup(user, "mesh"));
      assertEquals(10, client.read().authenticationCode(), "SASL requested");
      client.send(FrontendFrames.saslInitialResponse("SCRAM-SHA-256", "n,,n=,r=clientnonce".getBytes(StandardCharsets.US_ASCII)));
      BackendMessage serverFirst = client.read();
      assertEquals(11, serverFirst.authenticationCode(), serverFirst::toString);
      return new String(serverFirst.authenticationData(), StandardCharsets.UTF_8);
    }
  }

  private static String iterationsAndSaltLength(String serverFirstMessage) {
    String iterations = "";
    int saltLength = -1;
    for (String attribute : serverFirstMessage.split(",")) {
      if (attribute.startsWith("i=")) {
        iterations = attribute;
      } else if (attribute.startsWith("s=")) {
        saltLength = Base64.getDecoder().decode(attribute.substring(2)).length;
      }
    }
    return iterations + ", " + saltLength + " bytes of salt";
  }

  @Test
  void aUserNameCannotWriteLinesOfItsOwnIntoTheServerLog() throws Exception {
    String forged = "[main] INFO io.meshgate.proxy.session.ClientSession - forged: authenticated user admin";
    String user = "mallory\n" + forged + "\r\u2028" + forged;
    try (RawClient client = RawClient.connect(InetAddress.getByName("127.0.0.62"), mesh.meshgate().port(), READ_TIMEOUT)) {
      client.send(FrontendFrames.startup(user, "mesh"));
      assertEquals(3, client.read().authenticationCode(), "cleartext password requested");
      client.send(FrontendFrames.password("wrong"));
      BackendMessage error = client.read();
      assertEquals("28P01", error.sqlState().orElseThrow(), error::toString);
    }

    List<String> lines = mesh.leakWatch().errorLinesContaining("forged: authenticated user admin");
    assertFalse(lines.isEmpty(), "the failure is logged with the user name");
    for (String line : lines) {
      assertTrue(line.contains("authentication failed for user \"mallory\\u000a[main]"),
          "every line holding the name must be the failure's own: " + line);
    }
  }
}
