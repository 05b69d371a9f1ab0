package io.meshgate.loadtests.rewrite;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TPC-H schema and queries of the checkout ({@code rewriter/src/test/resources/tpch/}, the
 * texts the TPC-H integration tests run) as the rewriter sees them: an in-memory
 * {@link SchemaCatalog} and the analysts' decision of the tpch test domain.
 */
final class TpchWorkload {
  static final String DATABASE = "mesh";
  static final List<String> SEARCH_PATH = List.of("tpch", "public");

  private static final Pattern TABLE = Pattern.compile("(?m)^CREATE TABLE tpch\\.(\\w+) \\(\\n((?:  .*\\n)+)");
  private static final Pattern COLUMN = Pattern.compile("(?m)^  (\\w+) (.+?) NOT NULL[,)]");

  private final Path directory;

  TpchWorkload(Path repositoryRoot) {
    this.directory = requireNonNull(repositoryRoot, "repositoryRoot is null").resolve("rewriter/src/test/resources/tpch");
  }

  String query(String name) {
    return read("queries/" + name + ".sql");
  }

  /** The eight tables with the column types of schema.sql; metadata that never changes, as a warm cache has it. */
  SchemaCatalog catalog() {
    Map<String, TableSchema> tables = new HashMap<>();
    Matcher table = TABLE.matcher(read("schema.sql"));
    while (table.find()) {
      List<ColumnSchema> columns = new ArrayList<>();
      Matcher column = COLUMN.matcher(table.group(2));
      while (column.find()) {
        columns.add(new ColumnSchema(column.group(1), column.group(2)));
      }
      tables.put(table.group(1), new TableSchema(new RelationName(DATABASE, "tpch", table.group(1)), columns));
    }
    if (tables.size() != 8) {
      throw new IllegalStateException(directory + "/schema.sql has " + tables.size() + " tables, not TPC-H's 8");
    }
    Map<String, TableSchema> frozen = Map.copyOf(tables);
    return (schema, name) -> schema.equals("tpch") ? Optional.ofNullable(frozen.get(name)) : Optional.empty();
  }

  /**
   * The decision the tpch test domain gives analysts (proxy test resources, tpch/policy.rego):
   * structured filters and expression filters, which the rewriter parses and validates on every
   * rewrite.
   */
  static Decision analystDecision() {
    List<Object> nations = new ArrayList<>();
    for (int nation : new int[] {1, 2, 3, 6, 7, 8, 9, 12, 17, 18, 19, 21, 22, 23, 24}) {
      nations.add(BigDecimal.valueOf(nation));
    }
    Map<String, RelationPolicy> relations = Map.of(
        "mesh.tpch.customer", filtered(new RowFilter.Comparison("c_nationkey", FilterOperator.IN, nations)),
        "mesh.tpch.supplier", filtered(new RowFilter.Expression("s_acctbal > 2500")),
        "mesh.tpch.part", filtered(new RowFilter.Comparison("p_size", FilterOperator.LESS_OR_EQUAL,
            List.of(BigDecimal.valueOf(45)))),
        "mesh.tpch.orders", filtered(new RowFilter.Comparison("o_orderdate", FilterOperator.GREATER_OR_EQUAL,
            List.of("1993-01-01"))),
        "mesh.tpch.lineitem", filtered(new RowFilter.Expression("l_discount <= 0.08"),
            new RowFilter.Comparison("l_shipmode", FilterOperator.NOT_IN, List.of("REG AIR"))));
    return new Decision(true, List.of(), relations, List.of("tpch.filtered_readers"));
  }

  private static RelationPolicy filtered(RowFilter... filters) {
    return new RelationPolicy(List.of(filters), Map.of(), Set.of());
  }

  private String read(String relative) {
    try {
      return Files.readString(directory.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
