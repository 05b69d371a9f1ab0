package io.meshgate.rewriter;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory {@link SchemaCatalog} with the demo's tables and a few catalog relations. */
public final class DemoCatalog implements SchemaCatalog {
  public static final String DATABASE = "mesh";

  private final Map<String, TableSchema> tables = new LinkedHashMap<>();
  private final List<String> lookups = new ArrayList<>();
  private final Map<String, String> indexes = new LinkedHashMap<>();

  public DemoCatalog() {
    add("sales", "stores", "store_id", "integer", "zip_code", "text", "region", "text");
    add("sales", "store_transactions", "transaction_id", "bigint", "store_id", "integer",
        "day", "date", "amount", "numeric(12,2)", "customer_email", "text", "region", "text");
    add("customers", "customers", "customer_id", "integer", "name", "text", "email", "text",
        "phone", "text", "birth_date", "date", "region", "text");
    add("weather", "daily_temperatures", "zip_code", "text", "day", "date", "min_temp",
        "double precision", "max_temp", "double precision", "avg_temp", "double precision");
    add("pg_catalog", "pg_class", "oid", "oid", "relname", "name", "relnamespace", "oid");
    add("pg_catalog", "pg_namespace", "oid", "oid", "nspname", "name");
    add("pg_catalog", "pg_tables", "schemaname", "name", "tablename", "name");
  }

  /** Adds a table: schema, name, then column name and type pairs. */
  public DemoCatalog add(String schema, String table, String... columnsAndTypes) {
    List<ColumnSchema> columns = new ArrayList<>();
    for (int i = 0; i < columnsAndTypes.length; i += 2) {
      columns.add(new ColumnSchema(columnsAndTypes[i], columnsAndTypes[i + 1]));
    }
    tables.put(schema + "." + table,
        new TableSchema(new RelationName(DATABASE, schema, table), columns));
    return this;
  }

  @Override
  public synchronized Optional<TableSchema> table(String schema, String table) {
    lookups.add(schema + "." + table);
    return Optional.ofNullable(tables.get(schema + "." + table));
  }

  /** Adds a table whose columns the caller describes fully (e.g. generated ones). */
  public DemoCatalog add(TableSchema table) {
    tables.put(table.name().schema() + "." + table.name().table(), table);
    return this;
  }

  /** Adds an index of a table (both in {@code schema}), for DROP INDEX. */
  public DemoCatalog addIndex(String schema, String index, String table) {
    indexes.put(schema + "." + index, table);
    return this;
  }

  /** A schema exists when a table of it was added; {@code $user} names none. */
  @Override
  public synchronized Optional<String> schema(String searchPathEntry) {
    return tables.values().stream()
        .map(table -> table.name().schema())
        .filter(searchPathEntry::equals)
        .findFirst();
  }

  @Override
  public synchronized Optional<String> indexTable(String schema, String index) {
    return Optional.ofNullable(indexes.get(schema + "." + index));
  }

  public synchronized List<String> lookups() {
    return List.copyOf(lookups);
  }

  public static StatementAnalyzer analyzer() {
    return new StatementAnalyzer(new DemoCatalog(), DATABASE);
  }

  /** The demo's sales.store_transactions as the policy input names it. */
  public static final String TRANSACTIONS = "mesh.sales.store_transactions";

  /** sales.store_transactions as Meshgate forwards it with no filter or mask, named {@code alias}. */
  public static String unrestrictedTransactions(String alias) {
    return "(SELECT \"transaction_id\", \"store_id\", \"day\", \"amount\", \"customer_email\", \"region\""
        + " FROM \"sales\".\"store_transactions\") AS \"" + alias + "\"";
  }

  /** The demo's search path: public, then sales (so unqualified sales tables resolve). */
  public static final List<String> SEARCH_PATH = List.of("$user", "public", "sales");

  /** {@code sql} analysed by a fresh analyzer on the demo catalog, under {@link #SEARCH_PATH}. */
  public static AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer().analyze(sql, SEARCH_PATH);
  }

  /** What Meshgate forwards for {@code sql} under {@code decision}. */
  public static String rewrite(String sql, Decision decision) throws SqlRefusal {
    return analyze(sql).rewrite(decision);
  }
}
