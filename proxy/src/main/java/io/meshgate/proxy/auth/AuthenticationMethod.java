package io.meshgate.proxy.auth;

/** How clients prove who they are (config key {@code auth.method}). */
public enum AuthenticationMethod {
  /** SCRAM-SHA-256 against the users file: the password never crosses the wire. The default. */
  SCRAM,
  /**
   * A cleartext password message, checked against the users file or, when it is a JWT and JWT
   * is configured, verified as a bearer token. Only over TLS or loopback.
   */
  PASSWORD
}
