package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** {@code context} of the policy input: where and when a statement is asked for. */
public record RequestContext(
    String database, String clientAddress, String applicationName, String sessionId, Instant time) {
  public RequestContext {
    requireNonNull(database, "database is null");
    requireNonNull(clientAddress, "clientAddress is null");
    requireNonNull(applicationName, "applicationName is null");
    requireNonNull(sessionId, "sessionId is null");
    requireNonNull(time, "time is null");
  }
}
