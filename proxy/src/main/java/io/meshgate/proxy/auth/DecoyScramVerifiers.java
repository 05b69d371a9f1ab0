package io.meshgate.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Verifiers for users who do not exist, so a SCRAM exchange for an unknown name looks like one
 * for a real name: the salt is stable per name (asking twice gives the same answer, as it
 * would for a real user) but cannot be predicted without the per-process secret. This is the
 * idea of PostgreSQL's mock authentication. No password matches a decoy, because its keys are
 * random-looking values not derived from any password.
 */
final class DecoyScramVerifiers {
  private static final int SALT_LENGTH = 16;
  private static final byte[] PROCESS_SECRET = newSecret();

  private DecoyScramVerifiers() {}

  static ScramVerifier forUser(String user) {
    byte[] salt = Arrays.copyOf(derive("salt", user), SALT_LENGTH);
    return new ScramVerifier(
        ScramVerifier.DEFAULT_ITERATIONS, salt, derive("stored-key", user), derive("server-key", user));
  }

  private static byte[] derive(String purpose, String user) {
    // The NUL separator keeps ("a", "bc") and ("ab", "c") apart.
    return Scram.hmac(PROCESS_SECRET, (purpose + '\0' + user).getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] newSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }
}
