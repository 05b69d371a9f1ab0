package io.meshgate.proxy.tls;

/** Whether clients may or must encrypt their connection to Meshgate. */
public enum TlsMode {
  /** SSLRequest is answered 'N'; a direct TLS ClientHello is refused. */
  DISABLED,
  /** Clients choose: SSLRequest gets 'S', plain connections are served too. */
  OPTIONAL,
  /** Plain connections are refused before authentication, so no password travels in clear. */
  REQUIRED
}
