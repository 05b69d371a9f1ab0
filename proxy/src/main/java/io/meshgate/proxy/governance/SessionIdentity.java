package io.meshgate.proxy.governance;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Subject;

/** Who runs statements in a session, and from where: the policy input's subject and context. */
public record SessionIdentity(
    String sessionId, Subject subject, String database, String clientAddress, String applicationName) {
  public SessionIdentity {
    requireNonNull(sessionId, "sessionId is null");
    requireNonNull(subject, "subject is null");
    requireNonNull(database, "database is null");
    requireNonNull(clientAddress, "clientAddress is null");
    requireNonNull(applicationName, "applicationName is null");
  }
}
