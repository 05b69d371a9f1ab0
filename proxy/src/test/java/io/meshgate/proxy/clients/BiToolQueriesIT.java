package io.meshgate.proxy.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.ResultRows;
import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;

/**
 * The SQL that Metabase, Superset, Grafana, Tableau and Power BI generate for ordinary questions
 * (rewriter/src/test/resources/parse-share/bi-tools.sql, where each shape says where it comes
 * from), run through Meshgate as alice with pgjdbc in the simple and the extended protocol. Each
 * answer must equal what the backend's superuser gets for the same text over alice's rows
 * written out by hand: views in a schema {@code truth} that keep her region (EU) and apply her
 * masks (e-mail, phone, birth date), so a predicate on a masked column sees the mask there too.
 * Statements over filtered or masked data must also differ from the unrestricted answer, so a
 * Meshgate that forgot a filter or a mask fails.
 */
class BiToolQueriesIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();

  private static final Path SHAPES = Path.of("rewriter/src/test/resources/parse-share/bi-tools.sql");
  private static final Pattern NAME = Pattern.compile("-- (\\w+) ([\\w-]+): (.*)");
  // A shape whose answer no filter or mask can change says so (Tableau's SELECT 1 ... LIMIT 1).
  private static final String SAME_FOR_EVERY_USER = "the same for every user";

  // alice's rows and masks, written from policies/ (sales and customers: region EU; global
  // classification: pii.email, pii.phone, pii.birth_date), not from anything Meshgate computes.
  private static final String EMAIL_MASK = "regexp_replace(regexp_replace(%s, '^[^@]*$', 'xxxx'), '^.*@', 'xxxx@')";
  private static final List<String> TRUTH = List.of(
      "CREATE SCHEMA truth",
      "CREATE VIEW truth.store_transactions AS SELECT transaction_id, store_id, day, amount, "
          + EMAIL_MASK.formatted("customer_email") + " AS customer_email, region"
          + " FROM sales.store_transactions WHERE region = 'EU'",
      "CREATE VIEW truth.stores AS SELECT store_id, zip_code, region FROM sales.stores WHERE region = 'EU'",
      "CREATE VIEW truth.customers AS SELECT customer_id, name, " + EMAIL_MASK.formatted("email") + " AS email,"
          + " lpad(right(phone, 4), char_length(phone), 'x') AS phone,"
          + " CAST(date_trunc('year', birth_date) AS date) AS birth_date, region"
          + " FROM customers.customers WHERE region = 'EU'");

  /** One generated statement: which tool, which shape, the SQL. */
  record Shape(String tool, String name, String description, String sql) {
    @Override
    public String toString() {
      return tool + " " + name;
    }

    /** The same statement over alice's rows written out by hand. */
    String overTruth() {
      String text = sql;
      for (String table : List.of("sales\".\"store_transactions", "sales\".\"stores", "customers\".\"customers")) {
        text = text.replace("\"" + table + "\"", "\"truth\".\"" + table.substring(table.indexOf('.') + 2) + "\"");
      }
      return text.replace("sales.store_transactions", "truth.store_transactions")
          .replace("sales.stores", "truth.stores")
          .replace("customers.customers", "truth.customers");
    }

    /** Whether the statement reads a table alice sees only filtered or masked, and it shows. */
    boolean showsThePolicy() {
      return !overTruth().equals(sql) && !description.contains(SAME_FOR_EVERY_USER);
    }
  }

  @BeforeAll
  static void writeAlicesRowsByHand() throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      for (String sql : TRUTH) {
        statement.execute(sql);
      }
    }
  }

  static Stream<Arguments> shapes() {
    List<Arguments> arguments = new ArrayList<>();
    for (Shape shape : readShapes()) {
      for (String mode : List.of("simple", "extended")) {
        arguments.add(Arguments.of(shape, mode));
      }
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("shapes")
  void governedAnswerEqualsAlicesRowsByHand(Shape shape, String mode) throws SQLException {
    List<List<String>> byHand = sorted(mesh.backendRows(shape.overTruth()));
    List<List<String>> governed;
    try (Connection alice = mesh.connect("alice", "preferQueryMode", mode)) {
      governed = sorted(ResultRows.of(alice, shape.sql()));
    }
    assertEquals(byHand, governed, shape.sql());
    assertFalse(governed.isEmpty(), "no rows: a shape that returns nothing proves nothing; " + shape.sql());
    if (shape.showsThePolicy()) {
      assertNotEquals(sorted(mesh.backendRows(shape.sql())), governed,
          "the unrestricted answer is the same, so the shape does not show the filter or mask: " + shape.sql());
    }
  }

  @Test
  void everyToolIsCovered() {
    List<String> tools = readShapes().stream().map(Shape::tool).distinct().sorted().toList();
    assertEquals(List.of("grafana", "metabase", "powerbi", "superset", "tableau"), tools);
  }

  /** Superset's prequery sets the search path to the dataset's schema; names then resolve there. */
  @Test
  void supersetSearchPathPrequeryThenUnqualifiedNames() throws SQLException {
    String sql = "SELECT DATE_TRUNC('month', day) AS __timestamp, count(*) AS count FROM store_transactions"
        + " GROUP BY DATE_TRUNC('month', day) ORDER BY 1 LIMIT 10000";
    assertSameAfter("set search_path = \"sales\"", sql, sql.replace("FROM store_transactions", "FROM truth.store_transactions"));
  }

  /** Metabase sets the report time zone on the connection; timestamptz buckets follow it. */
  @Test
  void metabaseSessionTimeZoneThenDateBuckets() throws SQLException {
    String sql = "SELECT DATE_TRUNC('month', CAST(\"sales\".\"store_transactions\".\"day\" AS timestamptz)) AS \"day\","
        + " count(*) AS \"count\" FROM \"sales\".\"store_transactions\" GROUP BY 1 ORDER BY 1";
    assertSameAfter("SET SESSION TIMEZONE TO 'Asia/Tokyo'", sql,
        sql.replace("FROM \"sales\".\"store_transactions\"", "FROM \"truth\".\"store_transactions\"")
            .replace("CAST(\"sales\".", "CAST(\"truth\"."));
  }

  /** {@code setting} on alice's session through Meshgate and on the superuser's, then the same answer. */
  private static void assertSameAfter(String setting, String sql, String overTruth) throws SQLException {
    List<List<String>> byHand;
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute(setting);
      byHand = ResultRows.of(backend, overTruth);
    }
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      statement.execute(setting);
      List<List<String>> governed = ResultRows.of(alice, sql);
      assertEquals(byHand, governed);
      assertFalse(governed.isEmpty());
    }
  }

  /**
   * Tableau over psqlODBC reads results through a cursor (UseDeclareFetch): DECLARE ... CURSOR
   * WITH HOLD FOR, FETCH n IN, CLOSE, in a transaction.
   */
  @Test
  void tableauCursorFetchesGovernedRows() throws SQLException {
    String query = "SELECT \"t\".\"transaction_id\" AS \"id\", \"t\".\"customer_email\" AS \"email\""
        + " FROM \"sales\".\"store_transactions\" \"t\" ORDER BY 1";
    List<List<String>> fetched = new ArrayList<>();
    try (Connection alice = mesh.connect("alice", "preferQueryMode", "simple");
        Statement statement = alice.createStatement()) {
      alice.setAutoCommit(false);
      statement.execute("declare \"SQL_CUR0x1\" cursor with hold for " + query);
      for (int batch = 0; batch < 3; batch++) {
        fetched.addAll(ResultRows.of(alice, "fetch 100 in \"SQL_CUR0x1\""));
      }
      statement.execute("close \"SQL_CUR0x1\"");
      alice.commit();
    }
    List<List<String>> byHand = mesh.backendRows(
        query.replace("\"sales\".\"store_transactions\"", "\"truth\".\"store_transactions\"") + " LIMIT 300");
    assertEquals(byHand, fetched);
    assertEquals(300, fetched.size());
  }

  /**
   * What the tools send that Meshgate cannot govern is refused with a SQLSTATE and a message
   * naming why, never forwarded: Tableau's temporary tables (it falls back to subqueries) and
   * Superset's query cancellation by pg_terminate_backend (the protocol's CancelRequest works).
   */
  @Test
  void temporaryTablesAndBackendTerminationAreRefused() throws SQLException {
    try (Connection alice = mesh.connect("alice"); Statement statement = alice.createStatement()) {
      PSQLException temporary = assertThrows(PSQLException.class, () -> statement.execute(
          "CREATE LOCAL TEMPORARY TABLE \"#Tableau_1_Filter\" (\"region\" TEXT) ON COMMIT PRESERVE ROWS"));
      assertEquals("0A000", temporary.getSQLState());
      assertTrue(temporary.getMessage().contains("temporary"), temporary.getMessage());
      PSQLException terminate = assertThrows(PSQLException.class, () -> statement.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid='4242'"));
      assertEquals("42501", terminate.getSQLState());
      assertTrue(terminate.getMessage().contains("pg_terminate_backend"), terminate.getMessage());
      assertEquals(List.of(List.of("1")), ResultRows.of(alice, "SELECT 1"), "the session stays usable");
    }
  }

  private static List<Shape> readShapes() {
    Path root = RepositoryRoot.find().orElseThrow(() -> new IllegalStateException("run from a Meshgate checkout"));
    List<String> lines;
    try {
      lines = Files.readAllLines(root.resolve(SHAPES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Shape> shapes = new ArrayList<>();
    String tool = null;
    String name = null;
    String description = null;
    StringBuilder sql = new StringBuilder();
    for (String line : lines) {
      Matcher matcher = NAME.matcher(line);
      if (matcher.matches()) {
        tool = matcher.group(1);
        name = matcher.group(2);
        description = matcher.group(3);
      } else if (line.equals(";")) {
        if (tool == null) {
          throw new IllegalStateException(SHAPES + ": a statement without a '-- tool shape: ...' line: " + sql);
        }
        shapes.add(new Shape(tool, name, description, sql.toString().strip()));
        tool = null;
        sql.setLength(0);
      } else if (!line.startsWith("--")) {
        sql.append(line).append('\n');
      }
    }
    return shapes;
  }

  private static List<List<String>> sorted(List<List<String>> rows) {
    return rows.stream().sorted(Comparator.comparing(Object::toString)).toList();
  }
}
