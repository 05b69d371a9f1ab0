package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

/**
 * An authentication attempt that the session must end with an ErrorResponse. The message is
 * the sentence the client sees; {@link #reason()} says what really went wrong and belongs in
 * the server log only, because telling a client which part of its credentials was wrong helps
 * an attacker.
 */
public abstract sealed class AuthenticationException extends Exception
    permits AuthenticationFailedException, TooManyAuthenticationFailuresException {
  private final String sqlState;
  private final String reason;

  AuthenticationException(String sqlState, String clientMessage, String reason) {
    super(requireNonNull(clientMessage, "clientMessage is null"));
    this.sqlState = requireNonNull(sqlState, "sqlState is null");
    this.reason = requireNonNull(reason, "reason is null");
  }

  /** The SQLSTATE of the ErrorResponse. */
  public String sqlState() {
    return sqlState;
  }

  /** What went wrong, for the server log; never send it to the client. */
  public String reason() {
    return reason;
  }
}
