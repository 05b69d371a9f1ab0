package io.meshgate.loadtests.systems;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random passwords for the roles and users the benchmark creates; they live only as long as the run. */
final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  static String password() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
