package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The whole input of one decision under policy contract v1.
 *
 * @param ddlAction what a statement of kind {@code ddl} does to its targets; present exactly when
 *     the kind is {@code ddl}
 */
public record PolicyInput(
    Subject subject,
    RequestContext context,
    StatementKind kind,
    List<RelationAccess> relations,
    Optional<DdlAction> ddlAction) {
  /** The contract version this input follows. */
  public static final int VERSION = 1;

  public PolicyInput {
    requireNonNull(subject, "subject is null");
    requireNonNull(context, "context is null");
    requireNonNull(kind, "kind is null");
    relations = List.copyOf(requireNonNull(relations, "relations is null"));
    requireNonNull(ddlAction, "ddlAction is null");
    if (ddlAction.isPresent() != (kind == StatementKind.DDL)) {
      throw new IllegalArgumentException("a ddl action belongs to a statement of kind ddl, and only there");
    }
  }

  /** The input of a statement of any kind but {@code ddl}. */
  public PolicyInput(
      Subject subject, RequestContext context, StatementKind kind, List<RelationAccess> relations) {
    this(subject, context, kind, relations, Optional.empty());
  }
}
