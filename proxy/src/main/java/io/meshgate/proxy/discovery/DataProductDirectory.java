package io.meshgate.proxy.discovery;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Access;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.ColumnMetadata;
import io.meshgate.policy.DataProductMetadata;
import io.meshgate.policy.Decision;
import io.meshgate.policy.DomainMetadata;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.ProductMetadataSource;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.DataProductRow;
import io.meshgate.rewriter.DiscoveryRows;
import io.meshgate.rewriter.ProductColumnRow;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the data products and columns a user may read. A product is listed only if a real
 * decision for that user allows {@code SELECT} of all of its columns (the question a {@code
 * SELECT *} asks, through the same cached engine as every statement); its denied columns are
 * not listed, and a column's {@code mask} is the mask that decision applies. Products whose
 * table the backend does not have are not listed. Descriptions, owners and classifications are
 * the domains' own metadata. Blocking: run off the event loop.
 *
 * <p>Fails closed: an engine that cannot answer makes the whole listing fail (the statement is
 * refused); a product whose decision is malformed is simply not listed, as it could not be read.
 */
public final class DataProductDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(DataProductDirectory.class);

  private final ProductMetadataSource metadata;
  private final SchemaCatalog catalog;
  private final String catalogName;
  private final PolicyEngine engine;

  /**
   * @param catalogName the database name, the first part of every relation name (e.g. "mesh")
   */
  public DataProductDirectory(
      ProductMetadataSource metadata, SchemaCatalog catalog, String catalogName, PolicyEngine engine) {
    this.metadata = requireNonNull(metadata, "metadata is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.catalogName = requireNonNull(catalogName, "catalogName is null");
    this.engine = requireNonNull(engine, "engine is null");
  }

  /**
   * The rows for {@code subject}, asking in {@code context} (the statement's own).
   *
   * @throws PolicyEngineException.Unavailable if OPA cannot say what the products are or whether
   *     the user may read one
   * @throws io.meshgate.proxy.metadata.MetadataUnavailableException if the backend's schema
   *     metadata cannot be read
   */
  public DiscoveryRows rows(Subject subject, RequestContext context) throws PolicyEngineException.Unavailable {
    requireNonNull(subject, "subject is null");
    requireNonNull(context, "context is null");
    List<DataProductRow> products = new ArrayList<>();
    List<ProductColumnRow> columns = new ArrayList<>();
    for (DomainMetadata domain : metadata.domains()) {
      for (var product : new TreeMap<>(domain.products()).entrySet()) {
        Optional<TableSchema> table = catalog.table(domain.domain(), product.getKey());
        if (table.isEmpty()) {
          continue;
        }
        Optional<RelationPolicy> policy = readablePolicy(subject, context, table.get());
        if (policy.isEmpty()) {
          continue;
        }
        products.add(productRow(domain, product.getKey(), product.getValue(), policy.get()));
        columns.addAll(columnRows(domain.domain(), product.getKey(), product.getValue(), table.get(), policy.get()));
      }
    }
    return new DiscoveryRows(products, columns);
  }

  /** The decision's policy for the table if the user may read all of it, else empty. */
  private Optional<RelationPolicy> readablePolicy(Subject subject, RequestContext context, TableSchema table)
      throws PolicyEngineException.Unavailable {
    RelationName relation = new RelationName(catalogName, table.name().schema(), table.name().table());
    List<String> columnNames = table.columnNames();
    PolicyInput input = new PolicyInput(subject, context, StatementKind.SELECT,
        List.of(new RelationAccess(relation, Access.READ, columnNames, columnNames)));
    Decision decision;
    try {
      decision = engine.decide(input);
    } catch (PolicyEngineException e) {
      switch (e) {
        case PolicyEngineException.Unavailable unavailable -> throw unavailable;
        case PolicyEngineException.MalformedDecision malformed -> {
          LOG.warn("discovery: {} is not listed for {}: the policy returned no valid decision ({})",
              relation, subject.user(), malformed.getMessage());
          return Optional.empty();
        }
      }
    }
    return decision.allow() ? Optional.of(decision.policyFor(relation)) : Optional.empty();
  }

  private static DataProductRow productRow(
      DomainMetadata domain, String product, DataProductMetadata described, RelationPolicy policy) {
    return new DataProductRow(domain.domain(), product, described.description(), domain.owners(),
        domain.description(), !policy.rowFilters().isEmpty());
  }

  private static List<ProductColumnRow> columnRows(
      String domain, String product, DataProductMetadata described, TableSchema table, RelationPolicy policy) {
    List<ProductColumnRow> rows = new ArrayList<>();
    List<ColumnSchema> columns = table.columns();
    for (int index = 0; index < columns.size(); index++) {
      ColumnSchema column = columns.get(index);
      if (policy.deniedColumns().contains(column.name())) {
        continue;
      }
      Optional<ColumnMetadata> columnMetadata = Optional.ofNullable(described.columns().get(column.name()));
      rows.add(new ProductColumnRow(domain, product, column.name(), index + 1, column.type(),
          columnMetadata.flatMap(ColumnMetadata::description),
          columnMetadata.flatMap(ColumnMetadata::classification),
          Optional.ofNullable(policy.columnMasks().get(column.name())).map(ColumnMask::function)));
    }
    return rows;
  }
}
