package io.meshgate.proxy.auth;

/**
 * The client's address has failed authentication too often in the current window; the attempt
 * is refused before any credential is looked at.
 */
public final class TooManyAuthenticationFailuresException extends AuthenticationException {
  /** invalid_authorization_specification. */
  public static final String SQLSTATE = "28000";
  public static final String MESSAGE = "too many failed authentication attempts; try again later";

  TooManyAuthenticationFailuresException(String reason) {
    super(SQLSTATE, MESSAGE, reason);
  }
}
