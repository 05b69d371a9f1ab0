package io.meshgate.proxy.auth;

/**
 * The client did not prove who it claims to be. Apart from a client that asks for channel
 * binding we never offered, every cause gives the client the same sentence PostgreSQL uses, so
 * an unknown user, a wrong password and a forged message cannot be told apart.
 */
public final class AuthenticationFailedException extends AuthenticationException {
  /** invalid_password: what PostgreSQL reports for any failed password exchange. */
  public static final String INVALID_PASSWORD = "28P01";
  /** protocol_violation: what PostgreSQL reports for channel binding it did not offer. */
  public static final String PROTOCOL_VIOLATION = "08P01";

  private AuthenticationFailedException(String sqlState, String clientMessage, String reason) {
    super(sqlState, clientMessage, reason);
  }

  /** The generic failure for {@code user}; {@code reason} goes to the log only. */
  public static AuthenticationFailedException forUser(String user, String reason) {
    return new AuthenticationFailedException(
        INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"", reason);
  }

  /**
   * The client chose SCRAM-SHA-256-PLUS channel binding although only SCRAM-SHA-256 was
   * offered. Said plainly because it is a client configuration problem the user can fix, and
   * it reveals nothing about the credentials.
   */
  public static AuthenticationFailedException channelBindingNotOffered() {
    return new AuthenticationFailedException(
        PROTOCOL_VIOLATION,
        "the client selected SCRAM channel binding, but the server offered only SCRAM-SHA-256"
            + " (with libpq use channel_binding=prefer or disable)",
        "client sent gs2 flag 'p' without SCRAM-SHA-256-PLUS being offered");
  }
}
