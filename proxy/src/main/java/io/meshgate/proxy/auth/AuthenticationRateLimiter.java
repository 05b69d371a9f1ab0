package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Slows down password guessing: once an address has failed {@code maximumFailures} times in a
 * window (which starts at its first failure), every further attempt from it is refused with
 * {@link TooManyAuthenticationFailuresException} until the window has passed, without looking
 * at credentials.
 *
 * <p>A success resets nothing, neither for its own address nor for others: otherwise someone
 * holding one valid account could interleave good logins to keep guessing other users'
 * passwords. IPv6 clients are counted per /64, because one host can usually pick any address
 * in its /64. Memory is bounded: at most {@code maximumAddresses} addresses are tracked, and an
 * entry disappears a window after its last failure. Thread-safe.
 *
 * <p>Use: {@link #checkAllowed} when a connection asks to authenticate (before the first
 * authentication request is sent) and again before telling it that it succeeded, {@link
 * #recordFailureWithinLimit} (or {@link #recordFailure}) after every failed attempt.
 */
public final class AuthenticationRateLimiter {
  public static final int DEFAULT_MAXIMUM_FAILURES = 10;
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final long DEFAULT_MAXIMUM_ADDRESSES = 100_000;

  private static final int IPV6_PREFIX_BYTES = 8;

  private final int maximumFailures;
  private final Duration window;
  private final InstantSource clock;
  private final Cache<String, FailureWindow> windows;

  private record FailureWindow(Instant start, int failures) {}

  public AuthenticationRateLimiter(int maximumFailures, Duration window, long maximumAddresses, InstantSource clock) {
    requireNonNull(window, "window is null");
    this.clock = requireNonNull(clock, "clock is null");
    if (maximumFailures < 1) {
      throw new IllegalArgumentException("maximumFailures must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive");
    }
    if (maximumAddresses < 1) {
      throw new IllegalArgumentException("maximumAddresses must be at least 1");
    }
    this.maximumFailures = maximumFailures;
    this.window = window;
    this.windows = Caffeine.newBuilder()
        .maximumSize(maximumAddresses)
        .expireAfterWrite(window)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        // Maintenance on the calling thread keeps the bound exact and tests deterministic.
        .executor(Runnable::run)
        .build();
  }

  /** 10 failures per minute, 100,000 addresses, the system clock. */
  public static AuthenticationRateLimiter withDefaults() {
    return new AuthenticationRateLimiter(
        DEFAULT_MAXIMUM_FAILURES, DEFAULT_WINDOW, DEFAULT_MAXIMUM_ADDRESSES, InstantSource.system());
  }

  /** Refuses the attempt if {@code client} has used up its failures in the current window. */
  public void checkAllowed(InetAddress client) throws TooManyAuthenticationFailuresException {
    String key = key(client);
    FailureWindow current = windows.getIfPresent(key);
    Instant now = clock.instant();
    if (current != null && isOpen(current, now) && current.failures() >= maximumFailures) {
      throw new TooManyAuthenticationFailuresException(
          current.failures() + " failed authentication attempts from " + key + " since " + current.start());
    }
  }

  /**
   * Counts one failed attempt from {@code client} unless the limit was reached already, in one
   * atomic step: whether the client may learn that this attempt failed. Attempts checked at the
   * same time (many connections sending their guesses at once all pass {@link #checkAllowed})
   * then get their answer only while the failures stay under the limit; past it the client
   * learns nothing about its credentials.
   *
   * @return false when the limit had been reached, so the failure must not be told
   */
  public boolean recordFailureWithinLimit(InetAddress client) {
    Instant now = clock.instant();
    boolean[] within = new boolean[1];
    windows.asMap().compute(key(client), (key, current) -> {
      if (current == null || !isOpen(current, now)) {
        within[0] = true;
        return new FailureWindow(now, 1);
      }
      within[0] = current.failures() < maximumFailures;
      return within[0] ? new FailureWindow(current.start(), current.failures() + 1) : current;
    });
    return within[0];
  }

  /** Counts one failed attempt from {@code client}. */
  public void recordFailure(InetAddress client) {
    Instant now = clock.instant();
    windows.asMap().compute(key(client), (key, current) ->
        current == null || !isOpen(current, now)
            ? new FailureWindow(now, 1)
            : new FailureWindow(current.start(), current.failures() + 1));
  }

  /** Addresses currently tracked (approximate); for metrics and tests. */
  public long trackedAddresses() {
    windows.cleanUp();
    return windows.estimatedSize();
  }

  private boolean isOpen(FailureWindow failureWindow, Instant now) {
    return now.isBefore(failureWindow.start().plus(window));
  }

  private static String key(InetAddress client) {
    requireNonNull(client, "client is null");
    byte[] bytes = client.getAddress();
    if (client instanceof Inet6Address && !isIpv4Mapped(bytes)) {
      Arrays.fill(bytes, IPV6_PREFIX_BYTES, bytes.length, (byte) 0);
      return address(bytes) + "/64";
    }
    // An IPv4 client seen through a dual-stack socket is still one IPv4 address.
    return address(Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length));
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
  }

  private static String address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always a valid address", e);
    }
  }
}
