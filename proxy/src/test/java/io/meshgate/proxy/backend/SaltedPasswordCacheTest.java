package io.meshgate.proxy.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.auth.AuthenticationFailedException;
import io.meshgate.proxy.auth.Scram;
import io.meshgate.proxy.auth.ScramServerExchange;
import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SaltedPasswordCacheTest {
  private static final String PASSWORD = "service password";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AtomicInteger derivations = new AtomicInteger();
  private final SaltedPasswordCache cache = new SaltedPasswordCache((password, salt, iterations) -> {
    derivations.incrementAndGet();
    return Scram.saltedPassword(password, salt, iterations);
  });

  @Test
  void derivesOncePerPasswordSaltAndIterationCount() {
    byte[] salt = bytes("sixteen byte slt");
    byte[] first = cache.saltedPassword(PASSWORD, salt, 4096);
    byte[] second = cache.saltedPassword(PASSWORD, salt.clone(), 4096);
    assertArrayEquals(Scram.saltedPassword(PASSWORD, salt, 4096), first);
    assertArrayEquals(first, second);
    assertEquals(1, derivations.get());
  }

  @Test
  void anotherSaltCountOrPasswordIsDerivedAfresh() {
    byte[] salt = bytes("sixteen byte slt");
    byte[] otherSalt = bytes("another salt....");
    cache.saltedPassword(PASSWORD, salt, 4096);
    assertArrayEquals(Scram.saltedPassword(PASSWORD, otherSalt, 4096), cache.saltedPassword(PASSWORD, otherSalt, 4096));
    assertArrayEquals(Scram.saltedPassword(PASSWORD, otherSalt, 4097), cache.saltedPassword(PASSWORD, otherSalt, 4097));
    assertArrayEquals(Scram.saltedPassword("new password", otherSalt, 4097),
        cache.saltedPassword("new password", otherSalt, 4097));
    assertEquals(4, derivations.get());
  }

  @Test
  void whatACallerDoesWithItsCopyLeavesTheCacheAlone() {
    byte[] salt = bytes("sixteen byte slt");
    byte[] first = cache.saltedPassword(PASSWORD, salt, 4096);
    java.util.Arrays.fill(first, (byte) 0);
    salt[0] ^= 1;
    assertArrayEquals(Scram.saltedPassword(PASSWORD, bytes("sixteen byte slt"), 4096),
        cache.saltedPassword(PASSWORD, bytes("sixteen byte slt"), 4096));
  }

  @Test
  void exchangesWithACachedSaltedPasswordStillAuthenticateAndVerifyTheServer() throws Exception {
    UsersFile users = UsersFile.of(List.of(new UserEntry("meshgate", ScramVerifier.create(PASSWORD, RANDOM),
        List.of(), Map.of())));
    for (int exchange = 0; exchange < 3; exchange++) {
      ScramServerExchange server = new ScramServerExchange(users, "meshgate");
      ScramClient client = new ScramClient(PASSWORD, cache, RANDOM);
      byte[] serverFirst = server.handleClientFirst(client.clientFirstMessage());
      byte[] serverFinal = server.handleClientFinal(client.clientFinalMessage(serverFirst));
      assertTrue(server.subject().isPresent(), "the server accepts the proof of exchange " + exchange);
      client.verifyServerFinal(serverFinal);
    }
    assertEquals(1, derivations.get());
  }

  @Test
  void aWrongPasswordIsNotRescuedByTheCache() throws Exception {
    UsersFile users = UsersFile.of(List.of(new UserEntry("meshgate", ScramVerifier.create(PASSWORD, RANDOM),
        List.of(), Map.of())));
    ScramServerExchange right = new ScramServerExchange(users, "meshgate");
    ScramClient warm = new ScramClient(PASSWORD, cache, RANDOM);
    right.handleClientFinal(warm.clientFinalMessage(right.handleClientFirst(warm.clientFirstMessage())));

    ScramServerExchange server = new ScramServerExchange(users, "meshgate");
    ScramClient wrong = new ScramClient("not the password", cache, RANDOM);
    byte[] serverFirst = server.handleClientFirst(wrong.clientFirstMessage());
    byte[] clientFinal = wrong.clientFinalMessage(serverFirst);
    assertThrows(AuthenticationFailedException.class, () -> server.handleClientFinal(clientFinal));
  }

  @Test
  void aServerThatDoesNotKnowThePasswordIsStillCaught() throws Exception {
    UsersFile impostor = UsersFile.of(List.of(new UserEntry("meshgate",
        ScramVerifier.create("what the impostor guessed", RANDOM), List.of(), Map.of())));
    ScramServerExchange server = new ScramServerExchange(impostor, "meshgate");
    ScramClient client = new ScramClient(PASSWORD, cache, RANDOM);
    byte[] serverFirst = server.handleClientFirst(client.clientFirstMessage());
    client.clientFinalMessage(serverFirst);
    // The impostor cannot produce the right server signature; a made-up one must be refused.
    byte[] madeUp = ("v=" + java.util.Base64.getEncoder().encodeToString(new byte[32])).getBytes(StandardCharsets.UTF_8);
    assertThrows(BackendException.class, () -> client.verifyServerFinal(madeUp));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
