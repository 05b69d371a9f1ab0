package io.meshgate.proxy.demo;

import java.security.SecureRandom;
import java.util.Base64;

/** Passwords for the accounts the demo creates: 144 random bits, URL-safe so they fit a URI unescaped. */
final class RandomPassword {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomPassword() {}

  static String generate() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
