package io.meshgate.policy.cache;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.DdlAction;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import java.util.List;
import java.util.Optional;

/**
 * Everything a decision may depend on except the session id and the time: keying by those would
 * make every statement a miss. Policies that read the time see it at most the cache's
 * expire-after-write late. The database, client address and application name are part of the
 * input a policy may use, so they are part of the key too.
 */
record DecisionCacheKey(
    Subject subject,
    StatementKind kind,
    Optional<DdlAction> ddlAction,
    List<RelationAccess> relations,
    String database,
    String clientAddress,
    String applicationName,
    String revision) {

  DecisionCacheKey {
    requireNonNull(subject, "subject is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(ddlAction, "ddlAction is null");
    relations = List.copyOf(requireNonNull(relations, "relations is null"));
    requireNonNull(database, "database is null");
    requireNonNull(clientAddress, "clientAddress is null");
    requireNonNull(applicationName, "applicationName is null");
    requireNonNull(revision, "revision is null");
  }

  static DecisionCacheKey of(PolicyInput input, String revision) {
    return new DecisionCacheKey(
        input.subject(),
        input.kind(),
        input.ddlAction(),
        input.relations(),
        input.context().database(),
        input.context().clientAddress(),
        input.context().applicationName(),
        revision);
  }
}
