package io.meshgate.rewriter.analysis;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.VirtualRelation;
import java.util.function.Consumer;
import org.apache.calcite.sql.SqlNode;

/**
 * One occurrence of a {@link VirtualRelation} in a FROM position, with how to replace it in
 * place: inside the client's {@code AS} when there is one (keeping any column alias list), or
 * by a node that carries the exposed name itself.
 */
public record VirtualReference(
    VirtualRelation relation, boolean aliased, String exposedName, Consumer<SqlNode> replacer) {
  public VirtualReference {
    requireNonNull(relation, "relation is null");
    requireNonNull(exposedName, "exposedName is null");
    requireNonNull(replacer, "replacer is null");
  }

  public void replaceWith(SqlNode replacement) {
    replacer.accept(requireNonNull(replacement, "replacement is null"));
  }
}
