package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One row of {@code meshgate.data_products}: a data product the user may read.
 *
 * @param domain the domain, which is the product's schema
 * @param product the product, which is its table
 * @param description what the product holds, from the domain's data.json
 * @param owners the groups that own the domain
 * @param domainDescription what the domain is about
 * @param rowFiltered whether the policy shows this user only some of the product's rows
 */
public record DataProductRow(
    String domain,
    String product,
    Optional<String> description,
    List<String> owners,
    Optional<String> domainDescription,
    boolean rowFiltered) {
  public DataProductRow {
    requireNonNull(domain, "domain is null");
    requireNonNull(product, "product is null");
    requireNonNull(description, "description is null");
    owners = List.copyOf(requireNonNull(owners, "owners is null"));
    requireNonNull(domainDescription, "domainDescription is null");
    if (domain.isEmpty() || product.isEmpty()) {
      throw new IllegalArgumentException("domain and product must not be empty");
    }
  }

  /** The name to write in SQL: {@code domain.product}. */
  public String qualifiedName() {
    return domain + "." + product;
  }
}
