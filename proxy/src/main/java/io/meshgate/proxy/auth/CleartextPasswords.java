package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;

/**
 * Whether a cleartext password (auth.method=password, which JWT bearer tokens need) may
 * cross a connection without TLS (config key {@code auth.cleartext_without_tls}). A password
 * or token on a plain connection can be read by anyone on the path, so the default refuses;
 * the demo allows loopback, where there is no path to read it on.
 */
public enum CleartextPasswords {
  /** Only over TLS. */
  REFUSE,
  /** Over TLS, or from a loopback address. */
  LOOPBACK,
  /** From anywhere: only for networks the operator trusts end to end. */
  ALLOW;

  /** Whether a client at {@code client} may send its password on a connection without TLS. */
  public boolean allowedWithoutTls(InetAddress client) {
    requireNonNull(client, "client is null");
    return switch (this) {
      case REFUSE -> false;
      case LOOPBACK -> client.isLoopbackAddress();
      case ALLOW -> true;
    };
  }
}
