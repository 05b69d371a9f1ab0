package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The whole input of one decision under policy contract v1. */
public record PolicyInput(
    Subject subject, RequestContext context, StatementKind kind, List<RelationAccess> relations) {
  /** The contract version this input follows. */
  public static final int VERSION = 1;

  public PolicyInput {
    requireNonNull(subject, "subject is null");
    requireNonNull(context, "context is null");
    requireNonNull(kind, "kind is null");
    relations = List.copyOf(requireNonNull(relations, "relations is null"));
  }
}
