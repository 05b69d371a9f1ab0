package io.meshgate.proxy.ddl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.demo.DemoDataMesh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DDL through Meshgate with the demo mesh and pgjdbc: the owners of a domain change the tables of
 * its schema and nothing else, everyone else is refused, the forms that embed queries or code or
 * change privileges are refused whatever the policy says, and each outcome is checked on the
 * backend itself. carol (data_scientists) is made an owner of sales for this test (no demo user
 * is in sales_team); bob owns weather as in the demo. {@code sales.stores} declares a column
 * {@code opened} the table does not have yet, for the schema-cache test.
 */
class DdlIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final DemoMesh mesh = DemoMesh.uncachedWithEditedPolicies(DdlIT::salesOwnedByDataScientists);

  private static void salesOwnedByDataScientists(Path policies) throws IOException {
    Path file = policies.resolve("sales").resolve("data.json");
    ObjectNode sales = (ObjectNode) JSON.readTree(file.toFile());
    ((ArrayNode) sales.get("owners")).add("data_scientists");
    ((ObjectNode) sales.at("/products/stores/columns"))
        .putObject("opened").put("description", "When the store opened.");
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), sales);
  }

  /**
   * The demo's service role may only read and write rows; here it may also create tables in two
   * domains' schemas, and owns sales.stores, as a role that runs owners' DDL would.
   */
  @BeforeAll
  static void letTheServiceRoleRunDdl() throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute("GRANT CREATE ON SCHEMA sales, weather TO " + DemoDataMesh.SERVICE_USER);
      statement.execute("ALTER TABLE sales.stores OWNER TO " + DemoDataMesh.SERVICE_USER);
    }
  }

  @Test
  void anOwnerCreatesAltersAndDropsATableOfTheirDomain() throws Exception {
    try (Connection carol = mesh.connect("carol")) {
      execute(carol, "CREATE TABLE sales.returns (return_id integer PRIMARY KEY,"
          + " amount numeric(10,2) NOT NULL DEFAULT 0 CHECK (amount >= 0), note text)");
      assertEquals(List.of("return_id", "amount", "note"), backendColumns("sales", "returns"));
      assertEquals("0", backendValue("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d"
          + " JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
          + " WHERE d.adrelid = 'sales.returns'::regclass AND a.attname = 'amount'"));

      execute(carol, "ALTER TABLE sales.returns ADD COLUMN reason text DEFAULT 'unknown'");
      execute(carol, "ALTER TABLE sales.returns RENAME COLUMN note TO remark");
      assertEquals(List.of("return_id", "amount", "remark", "reason"), backendColumns("sales", "returns"));
      execute(carol, "ALTER TABLE sales.returns DROP COLUMN reason");
      assertEquals(List.of("return_id", "amount", "remark"), backendColumns("sales", "returns"));

      execute(carol, "CREATE INDEX returns_amount ON sales.returns (amount DESC)");
      assertEquals("sales.returns", backendValue("SELECT indrelid::regclass::text FROM pg_index"
          + " WHERE indexrelid = 'sales.returns_amount'::regclass"));
      execute(carol, "COMMENT ON TABLE sales.returns IS 'Returned sales'");
      assertEquals("Returned sales", backendValue("SELECT obj_description('sales.returns'::regclass)"));
      execute(carol, "DROP INDEX sales.returns_amount");
      assertEquals(null, backendValue("SELECT to_regclass('sales.returns_amount')::text"));

      backendExecute("INSERT INTO sales.returns VALUES (1, 10, 'x')");
      execute(carol, "TRUNCATE sales.returns");
      assertEquals("0", backendValue("SELECT count(*) FROM sales.returns"));

      execute(carol, "ALTER TABLE sales.returns RENAME TO refunds");
      assertEquals(null, backendValue("SELECT to_regclass('sales.returns')::text"));
      execute(carol, "DROP TABLE sales.refunds");
      assertEquals(null, backendValue("SELECT to_regclass('sales.refunds')::text"));
    }
  }

  /** Every column form of the allowlist, as Meshgate rebuilds it, is SQL PostgreSQL runs as meant. */
  @Test
  void everyColumnFormRunsOnPostgres() throws Exception {
    try (Connection bob = mesh.connect("bob")) {
      execute(bob, "CREATE TABLE weather.readings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
          + " n int GENERATED BY DEFAULT AS IDENTITY, twice int GENERATED ALWAYS AS (n * 2) STORED,"
          + " taken timestamp with time zone DEFAULT now() NOT NULL, tags text[], price numeric(12,2) DEFAULT 0.5"
          + " CHECK (price >= 0), note varchar(20) COLLATE \"C\" DEFAULT $$it's$$,"
          + " UNIQUE (note), CONSTRAINT positive CHECK (n > 0))");
      assertEquals(List.of("id", "n", "twice", "taken", "tags", "price", "note"), backendColumns("weather", "readings"));
      backendExecute("INSERT INTO weather.readings (n) VALUES (21)");
      assertEquals("42|0.50|it's|t", backendValue("SELECT concat_ws('|', twice, price, note, taken IS NOT NULL)"
          + " FROM weather.readings"));
      assertThrows(SQLException.class, () -> backendExecute("INSERT INTO weather.readings (n, price) VALUES (1, -1)"));
      execute(bob, "DROP TABLE weather.readings");
    }
  }

  @Test
  void theSimpleProtocolAndTheSearchPathResolveTargetsLikeTables() throws Exception {
    try (Connection carol = mesh.connect("carol", "preferQueryMode", "simple")) {
      execute(carol, "SET search_path = sales");
      execute(carol, "CREATE TABLE \"Simple Table\" (\"Id\" int)");
      assertEquals(List.of("Id"), backendColumns("sales", "Simple Table"));
      execute(carol, "DROP TABLE \"Simple Table\"");
      assertEquals(null, backendValue("SELECT to_regclass('sales.\"Simple Table\"')::text"));
    }
  }

  /**
   * Migration scripts start with DROP TABLE IF EXISTS: a table that is not there is skipped with
   * PostgreSQL's own notice, in either protocol, and the policy is still asked about the name.
   */
  @Test
  void dropTableIfExistsOfAMissingTableIsSkippedWithANotice() throws Exception {
    for (String mode : List.of("simple", "extended")) {
      try (Connection carol = mesh.connect("carol", "preferQueryMode", mode);
          Statement statement = carol.createStatement()) {
        statement.execute("DROP TABLE IF EXISTS sales.never_created");
        SQLWarning notice = statement.getWarnings();
        assertTrue(notice != null && notice.getMessage().contains("does not exist, skipping"),
            mode + ": " + notice);
        execute(carol, "CREATE TABLE sales.dropped_twice (a int)");
        execute(carol, "DROP TABLE IF EXISTS sales.dropped_twice, sales.never_created");
        assertEquals(null, backendValue("SELECT to_regclass('sales.dropped_twice')::text"));
        assertRefused(carol, "DROP TABLE sales.never_created", "42P01", "does not exist");
      }
      try (Connection bob = mesh.connect("bob", "preferQueryMode", mode)) {
        assertRefused(bob, "DROP TABLE IF EXISTS sales.never_created", "42501", "grants ddl");
      }
    }
  }

  @Test
  void ownersRunNoDdlInAnotherDomain() throws Exception {
    try (Connection carol = mesh.connect("carol"); Connection bob = mesh.connect("bob")) {
      assertRefused(carol, "CREATE TABLE weather.scratch (a int)", "42501", "no rule of domain weather grants ddl");
      execute(bob, "CREATE TABLE weather.forecasts (zip_code text, day date)");
      assertEquals(List.of("zip_code", "day"), backendColumns("weather", "forecasts"));
      assertRefused(bob, "CREATE TABLE sales.forecasts (a int)", "42501", "no rule of domain sales grants ddl");
      assertRefused(bob, "ALTER TABLE sales.stores ADD COLUMN forecast text", "42501", "grants ddl");
    }
    assertEquals(null, backendValue("SELECT to_regclass('weather.scratch')::text"));
    assertEquals(null, backendValue("SELECT to_regclass('sales.forecasts')::text"));
    assertFalse(backendColumns("sales", "stores").contains("forecast"));
  }

  @Test
  void everyoneElseIsRefused() throws Exception {
    String transactions = backendValue("SELECT count(*) FROM sales.store_transactions");
    for (String user : List.of("alice", "dave")) {
      try (Connection connection = mesh.connect(user)) {
        assertRefused(connection, "CREATE TABLE sales.scratch (a int)", "42501", "grants ddl");
        assertRefused(connection, "DROP TABLE sales.stores", "42501", "grants ddl");
        assertRefused(connection, "TRUNCATE sales.store_transactions", "42501", "grants ddl");
      }
    }
    assertEquals(null, backendValue("SELECT to_regclass('sales.scratch')::text"));
    assertEquals("sales.stores", backendValue("SELECT to_regclass('sales.stores')::text"));
    assertEquals(transactions, backendValue("SELECT count(*) FROM sales.store_transactions"));
  }

  @Test
  void formsThatEmbedQueriesOrCodeOrChangePrivilegesAreRefusedWhateverThePolicySays() throws Exception {
    try (Connection carol = mesh.connect("carol")) {
      assertRefused(carol, "CREATE TABLE sales.copied AS SELECT * FROM sales.stores", "0A000", "CREATE TABLE ... AS");
      assertRefused(carol, "SELECT * INTO sales.copied FROM sales.stores", null, "");
      assertRefused(carol, "CREATE TABLE sales.hostile (a int DEFAULT (SELECT max(store_id) FROM sales.stores))",
          "42501", "subqueries");
      assertRefused(carol, "CREATE TABLE sales.hostile (a text DEFAULT pg_read_file('/etc/passwd'))",
          "42501", "pg_read_file");
      assertRefused(carol, "CREATE VIEW sales.peek AS SELECT * FROM sales.store_transactions", "0A000", "VIEW");
      assertRefused(carol, "CREATE FUNCTION sales.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "42501", "code");
      assertRefused(carol, "GRANT SELECT ON sales.stores TO PUBLIC", "42501", "privileges");
      assertRefused(carol, "ALTER TABLE sales.stores OWNER TO postgres", "42501", "OWNER");
      assertRefused(carol, "ALTER TABLE sales.stores ENABLE ROW LEVEL SECURITY", "42501", "enforcement");
      assertRefused(carol, "DROP TABLE sales.stores CASCADE", "0A000", "CASCADE");
    }
    for (String name : List.of("sales.copied", "sales.hostile", "sales.peek")) {
      assertEquals(null, backendValue("SELECT to_regclass('" + name + "')::text"), name);
    }
    assertEquals(null, backendValue("SELECT to_regprocedure('sales.f()')::text"));
    assertEquals("false", backendValue("SELECT has_table_privilege('public', 'sales.stores', 'SELECT')::text"));
    assertEquals(DemoDataMesh.SERVICE_USER, backendValue("SELECT relowner::regrole::text FROM pg_class"
        + " WHERE oid = 'sales.stores'::regclass"));
    assertEquals("false", backendValue("SELECT relrowsecurity::text FROM pg_class WHERE oid = 'sales.stores'::regclass"));
  }

  /**
   * The schema metadata is cached for a minute in the demo: after an ALTER TABLE through
   * Meshgate, SELECT * must show the new column at once, as the policy allows it: declared in
   * data.json, it is shown; undeclared, it stays out (global.undeclared_columns) and naming it is
   * denied.
   */
  @Test
  void selectStarSeesAnAddedColumnAtOnceSubjectToPolicy() throws Exception {
    try (Connection carol = mesh.connect("carol")) {
      assertEquals(List.of("store_id", "zip_code", "region"), selectStarColumns(carol, "sales.stores"));
      execute(carol, "ALTER TABLE sales.stores ADD COLUMN opened date");
      assertEquals(List.of("store_id", "zip_code", "region", "opened"), selectStarColumns(carol, "sales.stores"));
      execute(carol, "ALTER TABLE sales.stores ADD COLUMN secret text");
      assertEquals(List.of("store_id", "zip_code", "region", "opened"), selectStarColumns(carol, "sales.stores"));
      assertRefused(carol, "SELECT secret FROM sales.stores", "42501", "secret");
      execute(carol, "ALTER TABLE sales.stores DROP COLUMN secret");
      execute(carol, "ALTER TABLE sales.stores DROP COLUMN opened");
      assertEquals(List.of("store_id", "zip_code", "region"), selectStarColumns(carol, "sales.stores"));
    }
  }

  @Test
  void ddlIsAuditedWithItsKindAndTargets() throws Exception {
    String created = "CREATE TABLE sales.audited (a int) /* ddl-audit-allowed */";
    String denied = "DROP TABLE sales.stores /* ddl-audit-denied */";
    String refused = "GRANT SELECT ON sales.stores TO PUBLIC /* ddl-audit-refused */";
    String cascade = "DROP TABLE sales.audited CASCADE /* ddl-audit-cascade */";
    String createAs = "CREATE TABLE sales.audited_copy AS SELECT * FROM sales.stores /* ddl-audit-create-as */";
    String constraint = "ALTER TABLE sales.audited ADD CONSTRAINT c UNIQUE (a) /* ddl-audit-constraint */";
    String read = "SELECT count(*) FROM sales.stores /* ddl-audit-select */";
    try (Connection carol = mesh.connect("carol"); Connection alice = mesh.connect("alice")) {
      execute(carol, created);
      assertThrows(SQLException.class, () -> execute(alice, denied));
      assertThrows(SQLException.class, () -> execute(carol, refused));
      assertThrows(SQLException.class, () -> execute(carol, cascade));
      assertThrows(SQLException.class, () -> execute(carol, createAs));
      assertThrows(SQLException.class, () -> execute(carol, constraint));
      execute(carol, read);
      execute(carol, "DROP TABLE sales.audited");
    }
    JsonNode allowedEvent = lastAuditEventFor(created);
    assertEquals("ddl", allowedEvent.path("statement_kind").asText());
    assertEquals("create_table", allowedEvent.path("ddl_action").textValue(), allowedEvent.toString());
    assertEquals("ok", allowedEvent.at("/outcome/status").asText());
    assertEquals(true, allowedEvent.at("/decision/allow").asBoolean());
    assertEquals("mesh.sales.audited", allowedEvent.at("/relations/0/relation").asText());
    assertEquals("ddl", allowedEvent.at("/relations/0/access").asText());
    assertEquals("[\"a\"]", allowedEvent.at("/relations/0/columns").toString());
    assertEquals("CREATE TABLE \"sales\".\"audited\" (\"a\" int)", allowedEvent.path("rewritten_sql").asText());

    JsonNode deniedEvent = lastAuditEventFor(denied);
    assertEquals("ddl", deniedEvent.path("statement_kind").asText());
    // The refused DROP names its action as much as the allowed CREATE.
    assertEquals("drop_table", deniedEvent.path("ddl_action").textValue(), deniedEvent.toString());
    assertEquals("denied", deniedEvent.at("/outcome/status").asText());
    assertEquals(false, deniedEvent.at("/decision/allow").asBoolean(true));
    assertEquals("42501", deniedEvent.at("/outcome/sql_state").asText());
    assertEquals("mesh.sales.stores", deniedEvent.at("/relations/0/relation").asText());
    assertEquals("ddl", deniedEvent.at("/relations/0/access").asText());

    JsonNode refusedEvent = lastAuditEventFor(refused);
    assertEquals("ddl", refusedEvent.path("statement_kind").asText());
    assertEquals("42501", refusedEvent.at("/outcome/sql_state").asText());
    // Not a form Meshgate governs: there is no action to name (the field is there, null).
    assertTrue(refusedEvent.path("ddl_action").isNull(), refusedEvent.toString());
    // Refused while read, before a policy was asked: its words still say it drops a table, so a
    // search for every drop_table finds it.
    JsonNode cascadeEvent = lastAuditEventFor(cascade);
    assertEquals("ddl", cascadeEvent.path("statement_kind").asText());
    assertTrue(cascadeEvent.path("decision").isNull(), cascadeEvent.toString());
    assertEquals("0A000", cascadeEvent.at("/outcome/sql_state").asText());
    assertEquals("drop_table", cascadeEvent.path("ddl_action").textValue(), cascadeEvent.toString());
    // CREATE TABLE ... AS creates a table whatever its query (refused because the query is not governed).
    JsonNode createAsEvent = lastAuditEventFor(createAs);
    assertTrue(createAsEvent.path("decision").isNull(), createAsEvent.toString());
    assertEquals("create_table", createAsEvent.path("ddl_action").textValue(), createAsEvent.toString());
    // ADD may add a column or a constraint: a constraint has no action of the contract.
    JsonNode constraintEvent = lastAuditEventFor(constraint);
    assertEquals("ddl", constraintEvent.path("statement_kind").asText());
    assertTrue(constraintEvent.path("decision").isNull(), constraintEvent.toString());
    assertTrue(constraintEvent.path("ddl_action").isNull(), constraintEvent.toString());

    JsonNode readEvent = lastAuditEventFor(read);
    assertEquals("select", readEvent.path("statement_kind").asText());
    assertEquals("ok", readEvent.at("/outcome/status").asText());
    assertTrue(readEvent.path("ddl_action").isNull(), readEvent.toString());
  }

  /**
   * A CREATE INDEX CONCURRENTLY commits what is open before it; older PostgreSQL minor releases
   * ran one in the middle of an extended-protocol batch and so committed the writes before it,
   * which a later failure then did not roll back (current 15.x refuses it there, 25001). Either
   * way the fate the log tells the batched write must be the backend's.
   */
  @Test
  void aWriteBatchedBeforeAConcurrentIndexIsNotLoggedRolledBack() throws Exception {
    String insert = "INSERT INTO sales.store_transactions (store_id, day, amount, region)"
        + " VALUES (1, DATE '2026-06-01', 9901.01, 'EU')";
    try (Connection carol = mesh.connect("carol")) {
      try (Statement batch = carol.createStatement()) {
        batch.addBatch(insert);
        batch.addBatch("CREATE INDEX CONCURRENTLY stores_pipelined ON sales.stores (store_id)");
        batch.addBatch("DROP TABLE weather.hourly_temperatures");
        assertThrows(SQLException.class, batch::executeBatch);
      } catch (SQLException refusedOutright) {
        // refusing the batch before any of it runs is as good
      }
      boolean committed = backendValue("SELECT count(*) FROM sales.store_transactions WHERE amount = 9901.01").equals("1");
      io.meshgate.audit.TransactionOutcome logged = io.meshgate.audit.TransactionOutcomes
          .read(io.meshgate.audit.AuditLog.of(mesh.environment().auditFile()))
          .of(io.meshgate.audit.jsonl.EventJson.read(lastAuditEventFor(insert)));
      assertEquals(committed ? io.meshgate.audit.TransactionOutcome.COMMITTED : io.meshgate.audit.TransactionOutcome.ROLLED_BACK,
          logged, "the backend has the row: " + committed);
      backendExecute("DELETE FROM sales.store_transactions WHERE amount = 9901.01");
      backendExecute("DROP INDEX IF EXISTS sales.stores_pipelined");
    }
  }

  // ---- helpers

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** @param sqlState null: any refusal */
  private static void assertRefused(Connection connection, String sql, String sqlState, String messagePart) {
    SQLException refusal = assertThrows(SQLException.class, () -> execute(connection, sql), sql);
    if (sqlState != null) {
      assertEquals(sqlState, refusal.getSQLState(), sql + ": " + refusal.getMessage());
    }
    assertTrue(refusal.getMessage().contains(messagePart), sql + ": " + refusal.getMessage());
  }

  private static List<String> selectStarColumns(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM " + table + " LIMIT 1")) {
      ResultSetMetaData metadata = rows.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int column = 1; column <= metadata.getColumnCount(); column++) {
        columns.add(metadata.getColumnName(column));
      }
      return columns;
    }
  }

  private static List<String> backendColumns(String schema, String table) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Connection backend = mesh.backendAsSuperuser();
        var statement = backend.prepareStatement("SELECT column_name FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      statement.setString(1, schema);
      statement.setString(2, table);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(rows.getString(1));
        }
      }
    }
    return columns;
  }

  private static String backendValue(String sql) throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertTrue(rows.next(), sql);
      return rows.getString(1);
    }
  }

  private static void backendExecute(String sql) throws SQLException {
    try (Connection backend = mesh.backendAsSuperuser(); Statement statement = backend.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Audit writes complete before ReadyForQuery, so the event is on disk when the call returns. */
  private static JsonNode lastAuditEventFor(String sql) throws IOException {
    JsonNode found = null;
    for (String line : Files.readAllLines(mesh.environment().auditFile())) {
      JsonNode event = JSON.readTree(line);
      if (sql.equals(event.path("sql").asText())) {
        found = event;
      }
    }
    assertNotNull(found, "no audit event for: " + sql);
    return found;
  }
}
