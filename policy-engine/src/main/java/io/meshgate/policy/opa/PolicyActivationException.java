package io.meshgate.policy.opa;

import java.io.IOException;

/**
 * OPA did not take a new bundle (it rejected it, or did not report it active in time); it keeps
 * serving the revision it had. The message carries OPA's last output lines.
 */
public final class PolicyActivationException extends IOException {
  public PolicyActivationException(String message) {
    super(message);
  }

  public PolicyActivationException(String message, Throwable cause) {
    super(message, cause);
  }
}
