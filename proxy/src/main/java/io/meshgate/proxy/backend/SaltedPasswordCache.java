package io.meshgate.proxy.backend;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.auth.Scram;
import java.security.MessageDigest;

/**
 * The SCRAM SaltedPassword of Meshgate's backend login, derived once and reused while the
 * backend offers the same salt and iteration count.
 *
 * <p>Deriving it is PBKDF2 with the backend's iteration count (4096 by default), by far the
 * largest cost of opening a backend connection, and it ran on the event loop for every client
 * connection. For one password, salt and count the result never changes, and PostgreSQL keeps one
 * salt per role until its password is set again; a client may keep SaltedPassword (RFC 5802,
 * section 5.1 allows clients to cache it), and it is worth no more to an attacker than the
 * service password this process already holds. Every exchange still uses a fresh nonce and
 * proof, and the backend's server signature is still checked.
 *
 * <p>One entry only: a backend that changes salt (a new password) or a spoofed one that sends a
 * new salt every time costs a derivation, as before the cache, and never grows memory.
 */
final class SaltedPasswordCache {
  /** PBKDF2-HMAC-SHA-256 of the password; a parameter so tests can count derivations. */
  @FunctionalInterface
  interface Derivation {
    byte[] saltedPassword(String password, byte[] salt, int iterations);
  }

  private final Derivation derivation;
  private volatile Entry last;

  SaltedPasswordCache() {
    this(Scram::saltedPassword);
  }

  SaltedPasswordCache(Derivation derivation) {
    this.derivation = requireNonNull(derivation, "derivation is null");
  }

  /** SaltedPassword for these inputs; a copy the caller may keep or clear. */
  byte[] saltedPassword(String password, byte[] salt, int iterations) {
    requireNonNull(password, "password is null");
    requireNonNull(salt, "salt is null");
    Entry entry = last;
    if (entry != null && entry.matches(password, salt, iterations)) {
      return entry.saltedPassword().clone();
    }
    byte[] derived = derivation.saltedPassword(password, salt, iterations);
    last = new Entry(password, salt.clone(), iterations, derived.clone());
    return derived;
  }

  private record Entry(String password, byte[] salt, int iterations, byte[] saltedPassword) {
    boolean matches(String otherPassword, byte[] otherSalt, int otherIterations) {
      return iterations == otherIterations && MessageDigest.isEqual(salt, otherSalt) && password.equals(otherPassword);
    }
  }
}
