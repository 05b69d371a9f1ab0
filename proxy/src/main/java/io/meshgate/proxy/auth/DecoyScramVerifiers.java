package io.meshgate.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Verifiers for users who do not exist, so a SCRAM exchange for an unknown name looks like one
 * for a real name: the salt is stable per name (asking twice gives the same answer, as it
 * would for a real user) but cannot be predicted without the per-process secret. This is the
 * idea of PostgreSQL's mock authentication. No password matches a decoy, because its keys are
 * random-looking values not derived from any password.
 */
final class DecoyScramVerifiers {
  /** The salt length of the verifiers Meshgate and PostgreSQL write. */
  static final int DEFAULT_SALT_LENGTH = 16;
  private static final byte[] PROCESS_SECRET = newSecret();

  private DecoyScramVerifiers() {}

  /**
   * The decoy for {@code user}, with the iteration count and salt length of the real verifiers
   * it stands among: a decoy shaped otherwise would tell an unknown name from a known one in the
   * server-first-message (and, for cleartext passwords, by the time PBKDF2 takes).
   */
  static ScramVerifier forUser(String user, int iterations, int saltLength) {
    if (saltLength < 1) {
      throw new IllegalArgumentException("saltLength must be positive");
    }
    byte[] salt = new byte[saltLength];
    for (int filled = 0, block = 0; filled < saltLength; block++) {
      byte[] part = derive("salt" + block, user);
      int length = Math.min(part.length, saltLength - filled);
      System.arraycopy(part, 0, salt, filled, length);
      filled += length;
    }
    return new ScramVerifier(iterations, salt, derive("stored-key", user), derive("server-key", user));
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
