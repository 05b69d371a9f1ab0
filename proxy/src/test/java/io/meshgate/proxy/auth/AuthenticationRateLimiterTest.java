package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthenticationRateLimiterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
  private final AuthenticationRateLimiter limiter =
      new AuthenticationRateLimiter(3, Duration.ofMinutes(1), 1000, clock);

  private static InetAddress address(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void refusesAfterTheLimitUntilTheWindowPasses() throws Exception {
    InetAddress client = address("192.0.2.10");
    for (int i = 0; i < 3; i++) {
      limiter.checkAllowed(client);
      limiter.recordFailure(client);
      clock.advance(Duration.ofSeconds(10));
    }

    TooManyAuthenticationFailuresException refused =
        assertThrows(TooManyAuthenticationFailuresException.class, () -> limiter.checkAllowed(client));
    assertEquals("28000", refused.sqlState());
    assertEquals("too many failed authentication attempts; try again later", refused.getMessage());
    assertTrue(refused.reason().contains("192.0.2.10"), refused.reason());

    // The window started at the first failure, 30 s ago.
    clock.advance(Duration.ofSeconds(29));
    assertThrows(TooManyAuthenticationFailuresException.class, () -> limiter.checkAllowed(client));
    clock.advance(Duration.ofSeconds(1));
    assertDoesNotThrow(() -> limiter.checkAllowed(client));
  }

  @Test
  void aFailurePastTheLimitIsNeitherCountedNorToBeTold() throws Exception {
    // Checks that all passed checkAllowed before any of them failed.
    InetAddress client = address("192.0.2.11");
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.recordFailureWithinLimit(client), "failure " + (i + 1) + " is told");
    }
    assertFalse(limiter.recordFailureWithinLimit(client), "a fourth must not be told");
    assertFalse(limiter.recordFailureWithinLimit(address("192.0.2.11")));
    assertTrue(limiter.recordFailureWithinLimit(address("192.0.2.12")), "another address has its own limit");

    clock.advance(Duration.ofMinutes(1));
    assertTrue(limiter.recordFailureWithinLimit(client), "a new window");
  }

  @Test
  void failuresSpreadOverSeveralWindowsAreNotCountedTogether() throws Exception {
    InetAddress client = address("192.0.2.11");
    limiter.recordFailure(client);
    limiter.recordFailure(client);
    clock.advance(Duration.ofSeconds(61));
    limiter.recordFailure(client);
    limiter.recordFailure(client);

    assertDoesNotThrow(() -> limiter.checkAllowed(client));
    limiter.recordFailure(client);
    assertThrows(TooManyAuthenticationFailuresException.class, () -> limiter.checkAllowed(client));
  }

  @Test
  void oneAddressDoesNotAffectAnother() throws Exception {
    InetAddress attacker = address("192.0.2.12");
    InetAddress bystander = address("192.0.2.13");
    for (int i = 0; i < 5; i++) {
      limiter.recordFailure(attacker);
    }
    limiter.recordFailure(bystander);

    assertThrows(TooManyAuthenticationFailuresException.class, () -> limiter.checkAllowed(attacker));
    assertDoesNotThrow(() -> limiter.checkAllowed(bystander));
  }

  @Test
  void ipv6IsCountedPerSlash64AndMappedIpv4AsIpv4() throws Exception {
    limiter.recordFailure(address("2001:db8:1:2::1"));
    limiter.recordFailure(address("2001:db8:1:2::ffff"));
    limiter.recordFailure(address("2001:db8:1:2:abcd::9"));
    assertThrows(TooManyAuthenticationFailuresException.class, () -> limiter.checkAllowed(address("2001:db8:1:2::77")));
    assertDoesNotThrow(() -> limiter.checkAllowed(address("2001:db8:1:3::1")));

    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    mapped[12] = (byte) 198;
    mapped[13] = 51;
    mapped[14] = 100;
    mapped[15] = 7;
    InetAddress viaDualStack = Inet6Address.getByAddress(null, mapped, -1);
    limiter.recordFailure(viaDualStack);
    limiter.recordFailure(address("198.51.100.7"));
    limiter.recordFailure(viaDualStack);
    assertThrows(TooManyAuthenticationFailuresException.class, () -> limiter.checkAllowed(address("198.51.100.7")));
  }

  @Test
  void memoryIsBounded() throws Exception {
    AuthenticationRateLimiter small = new AuthenticationRateLimiter(3, Duration.ofMinutes(1), 10, clock);
    for (int i = 0; i < 500; i++) {
      small.recordFailure(address("10.0." + (i / 256) + "." + (i % 256)));
    }
    assertTrue(small.trackedAddresses() <= 10, "tracked " + small.trackedAddresses());
  }

  @Test
  void entriesExpireAfterTheWindow() throws Exception {
    limiter.recordFailure(address("192.0.2.20"));
    limiter.recordFailure(address("192.0.2.21"));
    assertEquals(2, limiter.trackedAddresses());
    clock.advance(Duration.ofMinutes(2));
    assertEquals(0, limiter.trackedAddresses());
  }

  @Test
  void rejectsNonsenseSettings() {
    assertThrows(IllegalArgumentException.class, () -> new AuthenticationRateLimiter(0, Duration.ofMinutes(1), 10, clock));
    assertThrows(IllegalArgumentException.class, () -> new AuthenticationRateLimiter(1, Duration.ZERO, 10, clock));
    assertThrows(IllegalArgumentException.class, () -> new AuthenticationRateLimiter(1, Duration.ofMinutes(1), 0, clock));
  }
}
