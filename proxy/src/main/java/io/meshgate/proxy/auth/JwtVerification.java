package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Subject;

/** The outcome of checking one bearer token. */
public sealed interface JwtVerification {
  /** The token is valid for the startup user. */
  record Accepted(Subject subject) implements JwtVerification {
    public Accepted {
      requireNonNull(subject, "subject is null");
    }
  }

  /** The token is not accepted; {@code reason} is for the server log, never for the client. */
  record Rejected(String reason) implements JwtVerification {
    public Rejected {
      requireNonNull(reason, "reason is null");
    }
  }
}
