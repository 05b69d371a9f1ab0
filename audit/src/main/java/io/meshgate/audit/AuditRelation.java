package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * @param rowFilterPolicies the id of the policy rule behind each row filter, by position (one
 *     per row filter); empty where the decision named none
 * @param maskPolicies column to the id of the policy rule behind its mask, for the masked
 *     columns whose mask the decision gave an id
 */
public record AuditRelation(
    String relation,
    String access,
    List<String> columns,
    List<String> rowFilters,
    Map<String, String> masks,
    List<String> deniedColumns,
    List<Optional<String>> rowFilterPolicies,
    Map<String, String> maskPolicies) {

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
    rowFilterPolicies = List.copyOf(requireNonNull(rowFilterPolicies, "rowFilterPolicies is null"));
    maskPolicies = Map.copyOf(requireNonNull(maskPolicies, "maskPolicies is null"));
    if (rowFilterPolicies.size() != rowFilters.size()) {
      throw new IllegalArgumentException("rowFilterPolicies must have one entry per row filter");
    }
    if (!masks.keySet().containsAll(maskPolicies.keySet())) {
      throw new IllegalArgumentException("maskPolicies names a column without a mask");
    }
  }

  /**
   * A relation whose filters and masks have no policy ids: the decision named none, or the
   * event was written before Meshgate recorded them.
   */
  public AuditRelation(
      String relation,
      String access,
      List<String> columns,
      List<String> rowFilters,
      Map<String, String> masks,
      List<String> deniedColumns) {
    this(
        relation,
        access,
        columns,
        rowFilters,
        masks,
        deniedColumns,
        Collections.nCopies(requireNonNull(rowFilters, "rowFilters is null").size(), Optional.empty()),
        Map.of());
  }
}
