package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The contents of the {@link VirtualRelation virtual relations} for one user at one moment,
 * computed by the proxy from the policies and the schema metadata.
 */
public record DiscoveryRows(List<DataProductRow> dataProducts, List<ProductColumnRow> columns) {
  private static final DiscoveryRows EMPTY = new DiscoveryRows(List.of(), List.of());

  public DiscoveryRows {
    dataProducts = List.copyOf(requireNonNull(dataProducts, "dataProducts is null"));
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
  }

  /** Nothing listed: the user may read no data product. */
  public static DiscoveryRows empty() {
    return EMPTY;
  }
}
