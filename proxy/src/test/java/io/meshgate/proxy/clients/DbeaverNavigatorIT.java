package io.meshgate.proxy.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What DBeaver 24.2 sends over pgjdbc when it connects and when a user expands the demo's
 * schema {@code sales} in its navigator (org.jkiss.dbeaver.ext.postgresql, transcribed into
 * the rewriter's {@code client-queries/dbeaver-*.sql}), sent through Meshgate as alice with
 * DBeaver's {@code ?} parameters bound as DBeaver binds them, for the demo's own OIDs. Each
 * answer must name the demo's objects and equal the superuser's answer to the same statement
 * straight from the backend, compared on the columns that do not move while the tests run
 * (sizes, scan counts and planner statistics do).
 */
class DbeaverNavigatorIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final Pattern PARAMETER = Pattern.compile("\\$\\d+");
  private static final String SCHEMAS = dbeaverSql("connect-07");
  private static final String DATA_TYPES = dbeaverSql("connect-08");
  private static final String SCHEMA_ID = dbeaverSql("connect-10");
  private static final String TABLES = dbeaverSql("navigator-sales-01");
  private static final String COLUMNS = dbeaverSql("navigator-sales-03");
  private static final String CONSTRAINTS = dbeaverSql("navigator-sales-04");
  private static final String INDEXES = dbeaverSql("navigator-sales-05");

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void connectReadsTheSchemasAndDataTypes(String mode) throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        Connection backend = mesh.backendAsSuperuser()) {
      List<List<String>> schemas = rows(alice, SCHEMAS, List.of("nspname", "description"));
      assertEquals(rows(backend, SCHEMAS, List.of("nspname", "description")), schemas);
      List<String> names = schemas.stream().map(List::getFirst).toList();
      assertTrue(names.containsAll(List.of("sales", "customers", "weather", "pg_catalog")), names.toString());
      List<List<String>> types = rows(alice, DATA_TYPES, List.of("typname", "typnamespace", "base_type_name"));
      assertEquals(rows(backend, DATA_TYPES, List.of("typname", "typnamespace", "base_type_name")), types);
      assertTrue(types.stream().anyMatch(type -> type.getFirst().equals("numeric")), "no numeric type");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void expandingSalesListsItsTablesColumnsConstraintsAndIndexes(String mode) throws SQLException {
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode);
        Connection backend = mesh.backendAsSuperuser()) {
      List<List<String>> schemaId = rows(alice, SCHEMA_ID, List.of("schema_id"), "sales");
      assertEquals(rows(backend, SCHEMA_ID, List.of("schema_id"), "sales"), schemaId);
      long sales = Long.parseLong(schemaId.getFirst().getFirst());

      List<String> tableColumns = List.of("relname", "relkind", "description", "partition_key");
      List<List<String>> tables = rows(alice, TABLES, tableColumns, sales);
      assertEquals(rows(backend, TABLES, tableColumns, sales), tables);
      assertTrue(tables.stream().map(List::getFirst).toList().containsAll(List.of("stores", "store_transactions")),
          tables.toString());

      List<String> columnColumns = List.of("relname", "attname", "attnum", "atttypid", "def_value", "objid");
      List<List<String>> columns = rows(alice, COLUMNS, columnColumns, sales);
      assertEquals(rows(backend, COLUMNS, columnColumns, sales), columns);
      assertTrue(columns.contains(List.of("store_transactions", "customer_email", "5", "25", "null", "null")),
          columns.toString());

      List<String> constraintColumns = List.of("conname", "contype", "tabrelname", "consrc_copy");
      List<List<String>> constraints = rows(alice, CONSTRAINTS, constraintColumns, sales);
      assertEquals(rows(backend, CONSTRAINTS, constraintColumns, sales), constraints);
      assertTrue(constraints.contains(List.of("stores_pkey", "p", "stores", "null")), constraints.toString());
      assertTrue(constraints.stream().anyMatch(constraint -> constraint.get(1).equals("c")
          && constraint.get(3).startsWith("((region =")), constraints.toString());

      List<String> indexColumns = List.of("relname", "tabrelname", "indisprimary");
      List<List<String>> indexes = rows(alice, INDEXES, indexColumns, sales);
      assertEquals(rows(backend, INDEXES, indexColumns, sales), indexes);
      assertTrue(indexes.contains(List.of("store_transactions_day", "store_transactions", "f")), indexes.toString());
    }
  }

  /**
   * The rewriter's fixture {@code client-queries/dbeaver-<name>.sql} as DBeaver writes it: the
   * header comments dropped and pgjdbc's {@code $n} turned back into DBeaver's {@code ?}.
   */
  private static String dbeaverSql(String name) {
    Path root = RepositoryRoot.find().orElseThrow(() -> new IllegalStateException("run from a Meshgate checkout"));
    Path fixture = root.resolve("rewriter/src/test/resources/client-queries/dbeaver-" + name + ".sql");
    try {
      String sql = Files.readAllLines(fixture).stream()
          .filter(line -> !line.startsWith("--"))
          .collect(Collectors.joining("\n"));
      return PARAMETER.matcher(sql).replaceAll("?");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The named columns of each row as text, rows sorted (several of DBeaver's reads have no ORDER
   * BY, or order by a column that ties); the parameters are bound as DBeaver binds them.
   */
  private static List<List<String>> rows(Connection connection, String sql, List<String> columns,
      Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        switch (parameters[i]) {
          case Long number -> statement.setLong(i + 1, number);
          case String text -> statement.setString(i + 1, text);
          default -> throw new IllegalArgumentException("DBeaver binds a long or a string: " + parameters[i]);
        }
      }
      List<List<String>> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          List<String> row = new ArrayList<>();
          for (String column : columns) {
            row.add(String.valueOf(result.getString(column)));
          }
          rows.add(List.copyOf(row));
        }
      }
      rows.sort(Comparator.comparing(List::toString));
      return List.copyOf(rows);
    }
  }
}
