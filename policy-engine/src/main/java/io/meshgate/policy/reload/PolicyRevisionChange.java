package io.meshgate.policy.reload;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * OPA serves new policies: decisions come from {@code newRevision} from now on. Caches keyed by
 * revision can drop everything of {@code previousRevision}.
 */
public record PolicyRevisionChange(String previousRevision, String newRevision, Instant activatedAt) {
  public PolicyRevisionChange {
    requireNonNull(previousRevision, "previousRevision is null");
    requireNonNull(newRevision, "newRevision is null");
    requireNonNull(activatedAt, "activatedAt is null");
    if (previousRevision.equals(newRevision)) {
      throw new IllegalArgumentException("a revision change needs two different revisions");
    }
  }
}
