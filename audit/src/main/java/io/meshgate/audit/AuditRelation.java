package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One relation a statement touched, and what the decision did to it.
 *
 * @param relation the relation as the policy contract names it, {@code catalog.schema.table}
 * @param access how the statement touched it, in the contract's spelling ({@code read}, {@code
 *     insert}, {@code update}, {@code delete}); a table both read and written appears once per
 *     access
 * @param columns the columns the statement referenced
 * @param rowFilters the rendered SQL of each row filter that was applied, in order
 * @param masks column name to the mask that was applied to it, as a short description such as
 *     {@code email} or {@code round(digits => -2)}; never secret mask parameters such as a hash
 *     salt
 * @param deniedColumns the columns the decision denied for this relation
 */
public record AuditRelation(
    String relation,
    String access,
    List<String> columns,
    List<String> rowFilters,
    Map<String, String> masks,
    List<String> deniedColumns) {

  // The same shape as the policy contract's lowercase words; checked loosely so that an
  // access added to the contract does not need an audit release.
  private static final Pattern CONTRACT_WORD = Pattern.compile("[a-z][a-z_]*");

  public AuditRelation {
    requireNonNull(relation, "relation is null");
    requireNonNull(access, "access is null");
    if (relation.isEmpty()) {
      throw new IllegalArgumentException("relation must not be empty");
    }
    if (!CONTRACT_WORD.matcher(access).matches()) {
      throw new IllegalArgumentException(
          "access must be a lowercase contract word such as read, not '" + access + "'");
    }
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    rowFilters = List.copyOf(requireNonNull(rowFilters, "rowFilters is null"));
    masks = Map.copyOf(requireNonNull(masks, "masks is null"));
    deniedColumns = List.copyOf(requireNonNull(deniedColumns, "deniedColumns is null"));
  }
}
