package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One row of {@code meshgate.columns}: a column the user may read of a product they may read.
 *
 * @param ordinalPosition the column's position in the table, from 1 (gaps where columns are
 *     not listed)
 * @param dataType PostgreSQL's {@code format_type()} of the column
 * @param classification the column's classification in data.json (e.g. {@code pii.email})
 * @param mask the mask function the policy applies to this column for this user, if any
 */
public record ProductColumnRow(
    String domain,
    String product,
    String column,
    int ordinalPosition,
    String dataType,
    Optional<String> description,
    Optional<String> classification,
    Optional<String> mask) {
  public ProductColumnRow {
    requireNonNull(domain, "domain is null");
    requireNonNull(product, "product is null");
    requireNonNull(column, "column is null");
    requireNonNull(dataType, "dataType is null");
    requireNonNull(description, "description is null");
    requireNonNull(classification, "classification is null");
    requireNonNull(mask, "mask is null");
    if (domain.isEmpty() || product.isEmpty() || column.isEmpty()) {
      throw new IllegalArgumentException("domain, product and column must not be empty");
    }
    if (ordinalPosition < 1) {
      throw new IllegalArgumentException("ordinal position must be at least 1");
    }
  }

  public boolean masked() {
    return mask.isPresent();
  }
}
