package io.meshgate.policy.opa;

import java.io.IOException;

/** OPA could not be found, built or started; the message says what to fix. */
public final class OpaStartException extends IOException {
  public OpaStartException(String message) {
    super(message);
  }

  public OpaStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
