package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Subject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramServerExchangeTest {
  private static final String PASSWORD = "correct horse battery";
  private static final UsersFile USERS = UsersFile.of(List.of(new UserEntry(
      "alice",
      ScramVerifier.create(PASSWORD, new SecureRandom()),
      List.of("analysts", "region_eu"),
      Map.of("region", "EU"))));
  private static final Pattern SERVER_FIRST =
      Pattern.compile("r=([\\x21-\\x2B\\x2D-\\x7E]+),s=([A-Za-z0-9+/]{22}==),i=4096");

  private static ScramServerExchange exchange(String user) {
    return new ScramServerExchange(USERS, user);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void fullExchangeAuthenticatesAndProvesTheServerKnowsTheVerifier() throws Exception {
    ScramServerExchange exchange = exchange("alice");
    TestScramClient client = new TestScramClient(PASSWORD);

    byte[] serverFirst = exchange.handleClientFirst(client.clientFirst());
    assertTrue(SERVER_FIRST.matcher(new String(serverFirst, StandardCharsets.UTF_8)).matches());
    assertEquals(Optional.empty(), exchange.subject());
    byte[] serverFinal = exchange.handleClientFinal(client.clientFinal(serverFirst));

    assertTrue(client.serverFinalIsValid(serverFinal));
    assertEquals(
        Optional.of(new Subject("alice", List.of("analysts", "region_eu"), Map.of("region", "EU"))),
        exchange.subject());
  }

  @Test
  void reproducesTheRfc7677Example() throws Exception {
    // RFC 7677 section 3: user "user", password "pencil"; only the server nonce is fixed here.
    ScramVerifier verifier = verifierFor("pencil", Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
    UsersFile users = UsersFile.of(List.of(new UserEntry("user", verifier, List.of(), Map.of())));
    ScramServerExchange exchange =
        new ScramServerExchange(users, "user", () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

    byte[] serverFirst = exchange.handleClientFirst(bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
    assertEquals(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        new String(serverFirst, StandardCharsets.UTF_8));
    byte[] serverFinal = exchange.handleClientFinal(bytes(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
    assertEquals("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", new String(serverFinal, StandardCharsets.UTF_8));
    assertEquals("user", exchange.subject().orElseThrow().user());
  }

  @Test
  void ignoresTheScramUserNameAndUsesTheStartupUser() throws Exception {
    // PostgreSQL authenticates the startup user whatever n= says; so does Meshgate.
    ScramServerExchange exchange = exchange("alice");
    TestScramClient client = new TestScramClient(PASSWORD, "n,,", "mallory", "nonce-m");

    byte[] serverFinal = exchange.handleClientFinal(client.clientFinal(exchange.handleClientFirst(client.clientFirst())));

    assertTrue(client.serverFinalIsValid(serverFinal));
    assertEquals("alice", exchange.subject().orElseThrow().user());
  }

  @Test
  void proofCoversTheClientFirstMessageAsSent() throws Exception {
    ScramServerExchange exchange = exchange("alice");
    TestScramClient client = new TestScramClient(PASSWORD);
    String clientFirst = new String(client.clientFirst(), StandardCharsets.UTF_8).replace("n=,", "n=mallory,");

    byte[] serverFirst = exchange.handleClientFirst(bytes(clientFirst));

    // The client signed "n=" but the server received "n=mallory": a man in the middle edited it.
    assertFailed(() -> exchange.handleClientFinal(client.clientFinal(serverFirst)), "alice");
  }

  @Test
  void wrongPasswordFailsWith28P01AndTheGenericMessage() throws Exception {
    ScramServerExchange exchange = exchange("alice");
    TestScramClient client = new TestScramClient("wrong password");
    byte[] serverFirst = exchange.handleClientFirst(client.clientFirst());

    AuthenticationFailedException failure =
        assertFailed(() -> exchange.handleClientFinal(client.clientFinal(serverFirst)), "alice");
    assertEquals("wrong password", failure.reason());
    assertEquals(Optional.empty(), exchange.subject());
  }

  @Test
  void unknownUserGetsAStableDecoySaltAndFailsOnlyAtTheEnd() throws Exception {
    TestScramClient client = new TestScramClient(PASSWORD);
    ScramServerExchange exchange = exchange("nobody");
    String serverFirst = new String(exchange.handleClientFirst(client.clientFirst()), StandardCharsets.UTF_8);
    assertTrue(SERVER_FIRST.matcher(serverFirst).matches(), serverFirst);

    AuthenticationFailedException failure =
        assertFailed(() -> exchange.handleClientFinal(client.clientFinal(bytes(serverFirst))), "nobody");
    assertEquals("no such user", failure.reason());

    String again = new String(exchange("nobody").handleClientFirst(new TestScramClient("x").clientFirst()), StandardCharsets.UTF_8);
    String other = new String(exchange("somebody").handleClientFirst(new TestScramClient("x").clientFirst()), StandardCharsets.UTF_8);
    String alice = new String(exchange("alice").handleClientFirst(new TestScramClient("x").clientFirst()), StandardCharsets.UTF_8);
    assertEquals(salt(serverFirst), salt(again), "a name must always get the same salt, like a real user");
    assertNotEquals(salt(serverFirst), salt(other));
    assertNotEquals(salt(serverFirst), salt(alice));
  }

  @Test
  void decoysTakeTheShapeOfMostVerifiersOfTheFile() throws Exception {
    // Verifiers imported from a PostgreSQL with scram_iterations = 10000 and longer salts.
    UsersFile imported = UsersFile.of(List.of(
        new UserEntry("alice", verifierFor("a", new byte[24], 10_000), List.of(), Map.of()),
        new UserEntry("bob", verifierFor("b", new byte[24], 10_000), List.of(), Map.of()),
        new UserEntry("carol", ScramVerifier.create("c", new SecureRandom()), List.of(), Map.of())));

    String decoy = new String(
        new ScramServerExchange(imported, "nobody").handleClientFirst(new TestScramClient("x").clientFirst()),
        StandardCharsets.UTF_8);

    assertTrue(decoy.endsWith(",i=10000"), decoy);
    assertEquals(24, Base64.getDecoder().decode(salt(decoy)).length, decoy);
  }

  @Test
  void clientFinalReplayedIntoAnotherExchangeFailsOnTheNonce() throws Exception {
    String clientNonce = "fixed-client-nonce";
    TestScramClient client = new TestScramClient(PASSWORD, "n,,", clientNonce);
    ScramServerExchange first = exchange("alice");
    byte[] recorded = client.clientFinal(first.handleClientFirst(client.clientFirst()));
    first.handleClientFinal(recorded);

    ScramServerExchange second = exchange("alice");
    second.handleClientFirst(new TestScramClient(PASSWORD, "n,,", clientNonce).clientFirst());
    AuthenticationFailedException failure = assertFailed(() -> second.handleClientFinal(recorded), "alice");
    assertEquals("nonce does not match this exchange", failure.reason());
  }

  @Test
  void clientSupportingChannelBindingIsServedWithEsws() throws Exception {
    ScramServerExchange exchange = exchange("alice");
    TestScramClient client = new TestScramClient(PASSWORD, "y,,", "nonce-y");
    byte[] serverFirst = exchange.handleClientFirst(client.clientFirst());
    byte[] clientFinal = client.clientFinal(serverFirst);
    assertTrue(new String(clientFinal, StandardCharsets.UTF_8).startsWith("c=eSws,"));

    assertTrue(client.serverFinalIsValid(exchange.handleClientFinal(clientFinal)));
  }

  @Test
  void channelBindingAttributeMustMatchTheGs2Header() throws Exception {
    ScramServerExchange exchange = exchange("alice");
    TestScramClient client = new TestScramClient(PASSWORD, "y,,", "nonce-y");
    byte[] serverFirst = exchange.handleClientFirst(client.clientFirst());

    // A correct proof over a downgraded c=biws: the header said 'y'.
    AuthenticationFailedException failure =
        assertFailed(() -> exchange.handleClientFinal(client.clientFinal(serverFirst, "biws")), "alice");
    assertTrue(failure.reason().startsWith("channel binding attribute"), failure.reason());
  }

  @Test
  void channelBindingRequestIsRefusedWithAClearProtocolError() {
    ScramServerExchange exchange = exchange("alice");
    AuthenticationFailedException failure = assertThrows(AuthenticationFailedException.class,
        () -> exchange.handleClientFirst(bytes("p=tls-server-end-point,,n=,r=abc")));
    assertEquals("08P01", failure.sqlState());
    assertTrue(failure.getMessage().contains("channel binding"), failure.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "n",
      "n,",
      "x,,n=,r=abc",
      "n,a=alice,n=,r=abc",
      "n,,m=mandatory,n=,r=abc",
      "n,,r=abc",
      "n,,n=",
      "n,,n=,r=",
      "n,,n=,r=has space",
      "n,,n=,r=abc,1=bad",
      "n,,n=,r=abc,x",
  })
  void malformedClientFirstFails(String message) {
    assertFailed(() -> exchange("alice").handleClientFirst(bytes(message)), "alice");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "garbage",
      "c=biws",
      "c=biws,r=NONCE",
      "c=biws,r=NONCE,p=",
      "c=biws,r=NONCE,p=not*base64",
      "c=biws,r=NONCE,p=c2hvcnQ=",
      "r=NONCE,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
      "c=biws,r=NONCE,=x,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
      "c=biws,r=NONCE,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  })
  void malformedOrForgedClientFinalFails(String template) throws Exception {
    ScramServerExchange exchange = exchange("alice");
    TestScramClient client = new TestScramClient(PASSWORD);
    String serverFirst = new String(exchange.handleClientFirst(client.clientFirst()), StandardCharsets.UTF_8);
    String nonce = TestScramClient.attributes(serverFirst).get('r');

    assertFailed(() -> exchange.handleClientFinal(bytes(template.replace("NONCE", nonce))), "alice");
  }

  @Test
  void invalidUtf8AndRandomBytesFail() throws Exception {
    assertFailed(() -> exchange("alice").handleClientFirst(new byte[] {'n', ',', ',', (byte) 0xC3, (byte) 0x28}), "alice");
    byte[] random = new byte[64];
    new SecureRandom().nextBytes(random);
    assertFailed(() -> exchange("alice").handleClientFirst(random), "alice");

    ScramServerExchange exchange = exchange("alice");
    exchange.handleClientFirst(new TestScramClient(PASSWORD).clientFirst());
    assertFailed(() -> exchange.handleClientFinal(random), "alice");
  }

  @Test
  void messagesOutOfOrderFailAndAFailedExchangeStaysFailed() throws Exception {
    TestScramClient client = new TestScramClient(PASSWORD);
    assertFailed(() -> exchange("alice").handleClientFinal(bytes("c=biws,r=x,p=y")), "alice");

    ScramServerExchange twice = exchange("alice");
    twice.handleClientFirst(client.clientFirst());
    assertFailed(() -> twice.handleClientFirst(client.clientFirst()), "alice");

    ScramServerExchange failed = exchange("alice");
    assertFailed(() -> failed.handleClientFirst(bytes("garbage")), "alice");
    assertFailed(() -> failed.handleClientFirst(client.clientFirst()), "alice");

    ScramServerExchange afterWrongProof = exchange("alice");
    TestScramClient wrong = new TestScramClient("wrong", "n,,", "same-nonce");
    byte[] serverFirst = afterWrongProof.handleClientFirst(wrong.clientFirst());
    byte[] wrongFinal = wrong.clientFinal(serverFirst);
    assertFailed(() -> afterWrongProof.handleClientFinal(wrongFinal), "alice");
    // A second try with the right proof on the same exchange must not succeed.
    TestScramClient right = new TestScramClient(PASSWORD, "n,,", "same-nonce");
    right.clientFirst();
    assertFailed(() -> afterWrongProof.handleClientFinal(right.clientFinal(serverFirst)), "alice");
    assertEquals(Optional.empty(), afterWrongProof.subject());
  }

  @Test
  void onlyPlainScramSha256IsSupported() {
    assertTrue(ScramServerExchange.supports("SCRAM-SHA-256"));
    assertEquals(false, ScramServerExchange.supports("SCRAM-SHA-256-PLUS"));
    assertEquals(false, ScramServerExchange.supports("scram-sha-256"));
  }

  private static AuthenticationFailedException assertFailed(ThrowingCall call, String user) {
    AuthenticationFailedException failure = assertThrows(AuthenticationFailedException.class, call::run);
    assertEquals("28P01", failure.sqlState());
    assertEquals("password authentication failed for user \"" + user + "\"", failure.getMessage());
    return failure;
  }

  private static String salt(String serverFirst) {
    return TestScramClient.attributes(serverFirst).get('s');
  }

  private static ScramVerifier verifierFor(String password, byte[] salt, int iterations) {
    byte[] salted = Scram.saltedPassword(password, salt, iterations);
    return new ScramVerifier(iterations, salt, Scram.sha256(Scram.clientKey(salted)), Scram.serverKey(salted));
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }
}
