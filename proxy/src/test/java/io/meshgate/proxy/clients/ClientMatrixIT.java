package io.meshgate.proxy.clients;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditLog;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.TransactionOutcome;
import io.meshgate.audit.TransactionOutcomes;
import io.meshgate.audit.jsonl.EventJson;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client matrix: real clients (psql, pgbench, psycopg 3, psycopg2, SQLAlchemy, asyncpg,
 * node-postgres, tokio-postgres, sqlx) talk to Meshgate in front of the demo data mesh, each in its own way of using
 * the protocol, and every one of them must get governed results: alice only the EU rows, everyone masked e-mail
 * addresses, and a refusal with SQLSTATE 42501 that leaves the session usable. The clients are
 * the pinned versions that {@code proxy/bin/ensure-test-clients} installs; the expected answers
 * are read from the backend directly. Clients connect with sslmode=disable and must not care
 * whether Meshgate asks for a cleartext password or SCRAM.
 */
class ClientMatrixIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern MASKED_EMAIL = Pattern.compile("x+@[^@\\s]+");
  // The region attribute of alice in the demo users (README.md, DemoEnvironment.USERS).
  private static final String ALICE_REGION = "EU";

  @TempDir static Path work;
  private static Path root;
  private static TestClients clients;
  private static DemoEnvironment demo;
  private static BackendTruth backend;
  private static Set<String> rawEmails;

  @BeforeAll
  static void startDemo() throws IOException, SQLException {
    root = RepositoryRoot.find().orElseThrow(() -> new IllegalStateException("run from a Meshgate checkout"));
    clients = TestClients.ensure(root, work);
    demo = DemoEnvironment.start(new DemoEnvironment.Settings(root, work, 0, Optional.empty(), Duration.ofSeconds(5)));
    backend = new BackendTruth(demo.postgres().connectAsSuperuser(demo.backend().database()));
    rawEmails = backend.distinct(
        "SELECT email FROM customers.customers UNION SELECT customer_email FROM sales.store_transactions");
  }

  @AfterAll
  static void stopDemo() throws SQLException {
    try {
      if (backend != null) {
        backend.close();
      }
    } finally {
      if (demo != null) {
        demo.close();
      }
    }
  }

  // ---- psql -------------------------------------------------------------------------------

  @Test
  void psqlCommandsGetFilteredRowsAndMaskedColumns() throws IOException, SQLException {
    ClientRun run = psql("alice",
        "-c", "SELECT count(*) FROM sales.store_transactions",
        "-c", "SELECT customer_email FROM sales.store_transactions ORDER BY transaction_id LIMIT 20");
    assertEquals(0, run.exitCode(), run.describe());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(21, lines.size(), run.describe());
    assertEquals(aliceTransactions(), Long.parseLong(lines.getFirst()), run.describe());
    assertMasked(lines.subList(1, lines.size()));
  }

  @Test
  void psqlSendsSeveralStatementsAsOneQueryAndEachIsGoverned() throws IOException, SQLException {
    ClientRun run = psql("alice", "-c", "SELECT count(*) FROM sales.store_transactions;"
        + " SELECT customer_email FROM sales.store_transactions ORDER BY transaction_id LIMIT 20");
    assertEquals(0, run.exitCode(), run.describe());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(21, lines.size(), run.describe());
    assertEquals(aliceTransactions(), Long.parseLong(lines.getFirst()), run.describe());
    assertMasked(lines.subList(1, lines.size()));

    ClientRun refused = psql("alice", "-c", "SELECT count(*) FROM sales.stores; SELECT * FROM weather.stations_raw");
    assertEquals(1, refused.exitCode(), refused.describe());
    assertEquals("", refused.stdout(), "nothing of the refused message ran: " + refused.describe());
    assertTrue(refused.stderr().contains("statement 2 of 2"), refused.describe());
  }

  @Test
  void psqlRefusalExitsNonZeroWithTheSqlstate() throws IOException {
    ClientRun run = psql("alice", "-v", "VERBOSITY=verbose", "-c", "SELECT * FROM weather.stations_raw LIMIT 1");
    assertEquals(1, run.exitCode(), run.describe());
    assertTrue(run.stderr().contains("42501"), run.describe());
    assertTrue(run.stderr().contains("weather.stations_raw"), run.describe());
    assertEquals("", run.stdout(), run.describe());
  }

  @Test
  void psqlRunsAMultiLineScriptWithVariablesAndATransaction() throws IOException, SQLException {
    ClientRun run = psql("alice", "-f", clientFile("psql/governed-report.sql").toString());
    assertEquals(0, run.exitCode(), run.describe());
    Map<String, String> values = new HashMap<>();
    List<String> emails = new ArrayList<>();
    boolean inEmails = false;
    for (String line : run.stdout().lines().toList()) {
      if (inEmails) {
        emails.add(line);
      } else if (line.equals("emails:")) {
        inEmails = true;
      } else {
        String[] pair = line.split("=", 2);
        values.put(pair[0], pair.length == 2 ? pair[1] : "");
      }
    }
    long aliceCustomers = aliceCustomers();
    assertAll(run.describe(),
        () -> assertEquals(String.valueOf(aliceTransactions()), values.get("transactions")),
        () -> assertEquals("0", values.get("other_regions")),
        () -> assertEquals(String.valueOf(aliceCustomers), values.get("customers")),
        () -> assertEquals(10, emails.size()));
    assertMasked(emails);
  }

  @Test
  void psqlStopsTheScriptAtTheRefusalWithOnErrorStop() throws IOException {
    ClientRun run = psql("alice", "-f", clientFile("psql/stops-on-error.sql").toString());
    assertEquals(3, run.exitCode(), "psql exits 3 when ON_ERROR_STOP ends a script; " + run.describe());
    assertTrue(run.stdout().contains("before the refusal"), run.describe());
    assertFalse(run.stdout().contains("after the refusal"), run.describe());
    assertTrue(run.stderr().contains("ERROR:  42501:"), run.describe());
  }

  @Test
  void psqlListsTheTablesOfASchema() throws IOException {
    // Without a pattern \dt lists only tables on the search_path (public, which is empty);
    // with one it uses OPERATOR(pg_catalog.~) ... COLLATE pg_catalog.default.
    ClientRun run = psql("alice", "-c", "\\dt sales.*");
    assertEquals(0, run.exitCode(), run.describe());
    assertTrue(run.stdout().contains("sales|stores|table"), run.describe());
    assertTrue(run.stdout().contains("sales|store_transactions|table"), run.describe());
  }

  @Test
  void psqlDescribesATable() throws IOException {
    ClientRun run = psql("alice", "-c", "\\d sales.store_transactions");
    assertEquals(0, run.exitCode(), run.describe());
    for (String column : List.of("transaction_id", "store_id", "day", "amount", "customer_email", "region")) {
      assertTrue(run.stdout().contains(column + "|"), column + " missing; " + run.describe());
    }
  }

  private static ClientRun psql(String user, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        clients.psql().toString(), "--no-psqlrc", "--quiet", "--no-align", "--tuples-only"));
    command.addAll(List.of(arguments));
    return ClientRun.start(command, connectionEnvironment(user), work, CLIENT_TIMEOUT);
  }

  // ---- pgbench ----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} with -M {1}")
  @CsvSource({"carol, simple", "carol, extended", "carol, prepared", "alice, prepared"})
  void pgbenchPointLookupsAndAggregates(String user, String mode) throws IOException, SQLException {
    // The script divides by zero (which aborts the client) when it sees an unmasked address or
    // a region count other than this one.
    long visibleRegions = user.equals("alice")
        ? backend.count("SELECT count(DISTINCT region) FROM sales.stores WHERE region = ?", ALICE_REGION)
        : backend.count("SELECT count(DISTINCT region) FROM sales.stores");
    ClientRun run = pgbench(user, mode, "3", "pgbench/point-lookups.sql", "-D", "expected_regions=" + visibleRegions);
    assertPgbenchSucceeded(run);
  }

  @ParameterizedTest(name = "-M {0}")
  @ValueSource(strings = {"extended", "prepared"})
  void pgbenchPipelines(String mode) throws IOException {
    assertPgbenchSucceeded(pgbench("carol", mode, "2", "pgbench/pipeline.sql"));
  }

  private static ClientRun pgbench(String user, String mode, String seconds, String script, String... extra)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        clients.pgbench().toString(), "--no-vacuum", "--protocol=" + mode, "--time=" + seconds,
        "--client=4", "--jobs=2", "--file=" + clientFile(script)));
    command.addAll(List.of(extra));
    return ClientRun.start(command, connectionEnvironment(user), work, CLIENT_TIMEOUT);
  }

  private static void assertPgbenchSucceeded(ClientRun run) {
    assertEquals(0, run.exitCode(), run.describe());
    assertFalse(run.stderr().contains("aborted"), run.describe());
    assertEquals(0, pgbenchCount(run, "number of failed transactions"), run.describe());
    assertTrue(pgbenchCount(run, "number of transactions actually processed") > 0, run.describe());
  }

  private static long pgbenchCount(ClientRun run, String label) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(label) + ": (\\d+)").matcher(run.stdout());
    assertTrue(matcher.find(), "no '" + label + "' in the output; " + run.describe());
    return Long.parseLong(matcher.group(1));
  }

  // ---- psycopg 3, psycopg2 ----------------------------------------------------------------

  @Test
  void psycopg3BindsOnTheServerPreparesPastTheThresholdAndClosesStatements() throws IOException, SQLException {
    JsonNode result = script("alice", List.of(clients.python().toString(), clientFile("python/psycopg3_client.py").toString()));
    assertEquals("3.3.9", result.path("version").asText());
    assertCommonPythonObservations(result);
    assertThresholdCounts(result.path("prepared"));
    assertTrue(result.at("/prepared/named_binds").asInt() >= 2, result.toString());
    assertEquals(
        backend.rows("SELECT transaction_id, day, amount FROM sales.store_transactions WHERE region = ? AND amount > 0 "
            + "ORDER BY transaction_id LIMIT 5", ALICE_REGION),
        strings(result.path("binary_rows")), "binary results");
    JsonNode evicted = result.path("evicted");
    assertTrue(evicted.path("closes").asInt() + evicted.path("deallocates").asInt() > 0, evicted.toString());
    assertEquals(aliceStores(), evicted.path("stores").asLong(), evicted.toString());
    assertEquals(aliceCustomers(), evicted.path("customers").asLong(), evicted.toString());
    assertEquals(backend.count("SELECT count(*) FROM weather.daily_temperatures WHERE min_temp > -1000"),
        evicted.path("temperatures").asLong(), evicted.toString());
    assertEquals(evicted.path("stores").asLong(), evicted.path("stores_again").asLong(), evicted.toString());
  }

  @Test
  void psycopg2BindsInTheClientOverTheSimpleProtocol() throws IOException, SQLException {
    JsonNode result = script("alice", List.of(clients.python().toString(), clientFile("python/psycopg2_client.py").toString()));
    assertTrue(result.path("version").asText().startsWith("2.9.13"), result.toString());
    assertCommonPythonObservations(result);
    assertThresholdCounts(result.path("repeated"));
    assertEquals(
        backend.count("SELECT count(*) FROM customers.customers WHERE region = ? AND name <> ?", ALICE_REGION, "O'Brien"),
        result.path("customers_not_named").asLong(), "a quoted value in client-side binding");
    assertEquals(
        backend.rows("SELECT transaction_id, day, amount FROM sales.store_transactions WHERE region = ? "
            + "AND day >= DATE '2025-01-01' ORDER BY transaction_id LIMIT 5", ALICE_REGION),
        strings(result.path("typed_rows")));
  }

  /**
   * SQLAlchemy's reflection (what ORMs, pandas' read_sql_table and notebooks do first) reads the
   * catalog with unnest() in select lists; the reflected table is then queried governed.
   */
  @Test
  void sqlalchemyReflectsATableAndQueriesItGoverned() throws IOException, SQLException {
    JsonNode result = script("alice", List.of(clients.python().toString(), clientFile("python/sqlalchemy_client.py").toString()));
    assertEquals("2.1.9", result.path("version").asText());
    assertEquals("public", result.path("default_schema").asText(), result.toString());
    assertEquals(backend.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'sales'"
        + " AND table_type = 'BASE TABLE' ORDER BY table_name"), strings(result.path("tables")));
    List<String> columns = backend.rows("SELECT column_name FROM information_schema.columns"
        + " WHERE table_schema = 'sales' AND table_name = 'store_transactions' ORDER BY ordinal_position");
    assertEquals(columns, strings(result.path("columns")));
    assertEquals(columns, strings(result.path("reflected_columns")));
    assertEquals(backend.rows("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
        + " AND a.attnum = ANY (i.indkey) WHERE i.indrelid = 'sales.store_transactions'::regclass AND i.indisprimary"),
        strings(result.path("primary_key")));
    assertEquals(List.of("stores(store_id)"), strings(result.path("foreign_keys")));
    assertEquals(backend.rows("SELECT indexname FROM pg_indexes WHERE schemaname = 'sales'"
        + " AND tablename = 'store_transactions' AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        + " ORDER BY indexname"), strings(result.path("indexes")));
    assertEquals(backend.rows("SELECT conname FROM pg_constraint WHERE conrelid = 'sales.stores'::regclass"
        + " AND contype = 'u' ORDER BY conname"), strings(result.path("unique")));
    assertEquals(Map.of(ALICE_REGION, aliceTransactions()), longs(result.path("counts_by_region")), result.toString());
    assertMasked(strings(result.path("emails")));
  }

  /**
   * asyncpg's executemany: Bind/Execute per row and one Sync, so one implicit transaction. Its
   * last row is refused by the row filters, the backend rolls back the rows before it, and the
   * audit log must say so although those rows' statements ended ok.
   */
  @Test
  void asyncpgExecutemanyWhoseLastRowIsRefusedIsAuditedRolledBack() throws IOException, SQLException {
    JsonNode result = script("alice", List.of(clients.python().toString(), clientFile("python/asyncpg_batch.py").toString()));
    assertEquals("42501", result.path("sqlstate").asText(), result.toString());
    assertEquals(0, backend.count("SELECT count(*) FROM sales.store_transactions WHERE amount BETWEEN 7201 AND 7202"));
    AuditLog log = AuditLog.of(demo.auditFile());
    TransactionOutcomes outcomes = TransactionOutcomes.read(log);
    List<AuditEvent> batch = new ArrayList<>();
    for (String line : Files.readAllLines(demo.auditFile(), StandardCharsets.UTF_8)) {
      AuditEvent event = EventJson.read(JSON.readTree(line));
      if (event.sql().equals(result.path("sql").asText())) {
        batch.add(event);
      }
    }
    assertEquals(List.of(AuditOutcome.Status.OK, AuditOutcome.Status.OK, AuditOutcome.Status.DENIED),
        batch.stream().map(event -> event.outcome().status()).toList(), batch.toString());
    for (AuditEvent event : batch) {
      assertEquals(batch.get(0).transaction().ordinal(), event.transaction().ordinal(), event.toString());
      assertEquals(TransactionOutcome.ROLLED_BACK, outcomes.of(event), event.toString());
    }
  }

  /**
   * asyncpg (FastAPI apps, notebooks): extended protocol only, every statement prepared under a
   * name, cursors as portals read with a row limit, COPY of a query, type introspection (with
   * its {@code set_config('jit', ...)} probe) for array and range columns, and a pool whose
   * reset query runs every time a connection is given back.
   */
  @Test
  void asyncpgPreparesEverythingReadsCursorsAndIntrospectsTypesGoverned() throws IOException, SQLException {
    JsonNode result = script("alice", List.of(clients.python().toString(), clientFile("python/asyncpg_client.py").toString()));
    assertEquals("0.32.0", result.path("version").asText());
    assertEquals(Map.of(ALICE_REGION, aliceTransactions()), longs(result.path("counts_by_region")), result.toString());
    assertMasked(strings(result.path("emails")));
    assertEquals(20, result.path("emails").size(), result.toString());
    assertThresholdCounts(result.path("prepared"));
    assertTrue(result.at("/prepared/statement").asText().startsWith("__asyncpg_stmt_"), result.toString());

    JsonNode cursor = result.path("cursor");
    assertEquals(aliceCustomers(), cursor.path("rows").asLong(), cursor.toString());
    assertEquals(List.of(ALICE_REGION), strings(cursor.path("regions")), cursor.toString());
    assertMasked(strings(cursor.path("emails")));
    List<String> aliceCustomerIds = backend.rows(
        "SELECT customer_id FROM customers.customers WHERE region = ? ORDER BY customer_id LIMIT 6", ALICE_REGION);
    assertEquals(aliceCustomerIds.subList(0, 3), strings(cursor.path("first")), cursor.toString());
    assertEquals(aliceCustomerIds.get(5), cursor.path("sixth").asText(), cursor.toString());

    JsonNode copy = result.path("copy");
    long copied = backend.count(
        "SELECT count(*) FROM sales.store_transactions WHERE region = ? AND amount > 20", ALICE_REGION);
    assertEquals("COPY " + copied, copy.path("status").asText(), copy.toString());
    assertEquals(copied, copy.path("rows").asLong(), copy.toString());
    assertEquals(List.of(ALICE_REGION), strings(copy.path("regions")), copy.toString());
    assertMasked(strings(copy.path("emails")));

    JsonNode copyTable = result.path("copy_table");
    assertEquals("COPY " + aliceTransactions(), copyTable.path("status").asText(), copyTable.toString());
    assertEquals(List.of(ALICE_REGION), strings(copyTable.path("regions")), copyTable.toString());
    assertMasked(strings(copyTable.path("emails")));
    assertEquals("0A000", copyTable.path("copy_in_sqlstate").asText(), copyTable.toString());
    assertEquals(aliceStores(), copyTable.path("stores_after_refusal").asLong(), copyTable.toString());

    JsonNode introspected = result.path("introspected");
    assertTrue(introspected.path("introspections").asInt() > 0, introspected.toString());
    List<String> expected = new ArrayList<>();
    for (String row : backend.rows("SELECT store_id, amount FROM sales.store_transactions WHERE region = ?"
        + " AND amount > 0 ORDER BY transaction_id LIMIT 5", ALICE_REGION)) {
      String[] columns = row.split("\\|");
      int store = Integer.parseInt(columns[0]);
      expected.add("[" + store + ", " + (store + 1) + "]|['" + columns[1] + "']|" + columns[1]);
    }
    assertEquals(expected, strings(introspected.path("rows")), introspected.toString());
    assertMasked(strings(introspected.path("emails")));

    JsonNode denied = result.path("denied");
    assertEquals("42501", denied.path("sqlstate").asText(), denied.toString());
    assertTrue(denied.path("message").asText().contains("weather.stations_raw"), denied.toString());
    assertEquals("25P02", denied.path("in_failed_transaction").asText(), denied.toString());
    assertEquals(aliceStores(), denied.path("stores_after_rollback").asLong(), denied.toString());

    JsonNode pool = result.path("pool");
    assertThresholdCounts(pool);
    assertMasked(strings(pool.path("emails")));
  }

  private static void assertCommonPythonObservations(JsonNode result) throws SQLException {
    assertEquals(Map.of(ALICE_REGION, aliceTransactions()), longs(result.path("counts_by_region")), result.toString());
    assertMasked(strings(result.path("emails")));
    assertEquals(20, result.path("emails").size(), result.toString());
    JsonNode denied = result.path("denied");
    assertEquals("42501", denied.path("sqlstate").asText(), denied.toString());
    assertTrue(denied.path("message").asText().contains("weather.stations_raw"), denied.toString());
    assertEquals("25P02", denied.path("in_failed_transaction").asText(), denied.toString());
    assertEquals(aliceStores(), denied.path("stores_after_rollback").asLong(), denied.toString());
  }

  // ---- node-postgres ----------------------------------------------------------------------

  @Test
  void nodePostgresSimpleParameterizedNamedAndCursorReads() throws IOException, SQLException {
    Map<String, String> environment = Map.of("NODE_PATH", clients.nodeModules().toString());
    JsonNode result = script("alice",
        List.of(clients.node().toString(), clientFile("node/node_postgres_client.js").toString()), environment);
    assertEquals("8.23.1", result.path("version").asText());
    assertEquals("20s", result.path("statement_timeout").asText(), "statement_timeout sent as a startup parameter");
    assertEquals(Map.of(ALICE_REGION, aliceTransactions()), longs(result.path("counts_by_region")), result.toString());
    assertMasked(strings(result.path("emails")));
    assertEquals(20, result.path("emails").size(), result.toString());
    assertEquals(
        backend.count("SELECT count(*) FROM sales.store_transactions WHERE region = ? AND amount > 20 AND amount < 30",
            ALICE_REGION),
        result.path("amount_between_20_and_30").asLong(), "one parameter referenced twice");
    assertThresholdCounts(result.path("named"));

    JsonNode cursor = result.path("cursor");
    long aliceCustomers = aliceCustomers();
    assertEquals(aliceCustomers, cursor.path("rows").asLong(), cursor.toString());
    assertEquals((aliceCustomers + 9) / 10, cursor.path("batches").asLong(), "read 10 rows at a time: " + cursor);
    assertEquals(List.of(ALICE_REGION), strings(cursor.path("regions")), cursor.toString());
    assertMasked(strings(cursor.path("emails")));

    JsonNode denied = result.path("denied");
    assertEquals("42501", denied.path("simple_code").asText(), denied.toString());
    assertEquals("42501", denied.path("extended_code").asText(), denied.toString());
    assertTrue(denied.path("message").asText().contains("weather.stations_raw"), denied.toString());
    assertEquals(aliceStores(), denied.path("stores_after_refusal").asLong(), denied.toString());
  }

  // ---- Rust: tokio-postgres, sqlx ---------------------------------------------------------

  /**
   * tokio-postgres (proxy/src/test/clients/rust): every statement prepared under a name with
   * binary parameters and results, query_typed's unnamed one-round-trip form, a portal read 10
   * rows per Execute inside a transaction, queries pipelined on one connection (a refusal among
   * them fails only itself), its typeinfo catalog queries for an enum, an array of it and a
   * composite, COPY out in text and binary, savepoints, START TRANSACTION with modes, the simple
   * protocol, and a cancel with a query queued behind the cancelled one.
   */
  @Test
  void tokioPostgresPreparesEverythingPipelinesAndIntrospectsTypesGoverned() throws IOException, SQLException {
    createRustCustomTypes();
    JsonNode result = script("alice", List.of(clients.rustClient().toString(), "tokio-postgres"));
    assertEquals("0.7.18", result.path("version").asText());
    long aliceTransactions = aliceTransactions();
    long aliceStores = aliceStores();
    assertEquals(Map.of(ALICE_REGION, aliceTransactions), longs(result.path("counts_by_region")), result.toString());
    assertEquals(Map.of(ALICE_REGION, aliceTransactions), longs(result.path("array_parameter")), result.toString());

    JsonNode prepared = result.path("prepared");
    assertEquals(firstRustRows(), strings(prepared.path("rows")), "binary results: " + prepared);
    assertMasked(strings(prepared.path("emails")));
    assertThresholdCounts(result.path("query_raw"));
    assertThresholdCounts(result.path("query_typed"));

    JsonNode pipelined = result.path("pipelined");
    assertThresholdCounts(pipelined);
    assertEquals(aliceStores, pipelined.path("stores").asLong(), pipelined.toString());
    assertEquals(aliceCustomers(), pipelined.path("customers").asLong(), pipelined.toString());
    assertRustRefusal(pipelined.path("refused"));

    JsonNode denied = result.path("denied");
    assertRustRefusal(denied.path("refused"));
    assertEquals(aliceStores, denied.path("stores_after_refusal").asLong(), denied.toString());

    JsonNode portal = result.path("portal");
    long aliceCustomers = aliceCustomers();
    assertEquals(aliceCustomers, portal.path("rows").asLong(), portal.toString());
    assertTrue(aliceCustomers > 10, "the portal must take several Executes: " + aliceCustomers);
    assertEquals((aliceCustomers + 9) / 10, portal.path("batches").asLong(), "read 10 rows at a time: " + portal);
    assertEquals(List.of(ALICE_REGION), strings(portal.path("regions")), portal.toString());
    assertMasked(strings(portal.path("emails")));
    assertEquals(backend.rows("SELECT customer_id FROM customers.customers WHERE region = ? ORDER BY customer_id LIMIT 3",
        ALICE_REGION), strings(portal.path("first")), portal.toString());

    JsonNode typeinfo = result.path("typeinfo");
    assertEquals(List.of("meshgate_rust_region", "_meshgate_rust_region", "text"), strings(typeinfo.path("types")),
        typeinfo.toString());
    assertEquals(List.of("EU", "US", "APAC"), strings(typeinfo.at("/region_kind/enum")), "labels read from pg_enum");
    assertEquals(List.of("EU", "US", "APAC"), strings(typeinfo.at("/regions_kind/element/enum")), typeinfo.toString());
    assertEquals(List.of("store_id int4", "region text"), strings(typeinfo.path("composite_fields")),
        "fields read from pg_attribute");
    assertEquals(Set.of(ALICE_REGION), Set.copyOf(strings(typeinfo.path("regions"))), typeinfo.toString());
    assertEquals(Set.of(ALICE_REGION), Set.copyOf(strings(typeinfo.path("region_arrays"))), typeinfo.toString());
    assertMasked(strings(typeinfo.path("emails")));

    long copied = backend.count(
        "SELECT count(*) FROM sales.store_transactions WHERE region = ? AND amount > 20", ALICE_REGION);
    for (JsonNode copy : List.of(result.path("copy_out"), result.at("/copy_out/binary"))) {
      assertEquals(copied, copy.path("rows").asLong(), copy.toString());
      assertEquals(List.of(ALICE_REGION), strings(copy.path("regions")), copy.toString());
      assertMasked(strings(copy.path("emails")));
    }

    JsonNode savepoint = result.path("savepoint");
    assertRustRefusal(savepoint.path("refused"));
    assertEquals(aliceStores, savepoint.path("stores_before").asLong(), savepoint.toString());
    assertEquals(aliceStores, savepoint.path("stores_after").asLong(), "the transaction went on: " + savepoint);
    assertEquals("17s", savepoint.path("statement_timeout").asText(), "the savepoint's SET LOCAL was rolled back");
    assertFalse(Set.of("17s", "19s").contains(savepoint.path("statement_timeout_after_commit").asText()),
        savepoint.toString());
    assertEquals("repeatable read", savepoint.path("isolation").asText(), savepoint.toString());
    assertEquals(aliceStores, savepoint.path("read_only_stores").asLong(), savepoint.toString());

    JsonNode simple = result.path("simple_query");
    assertEquals(aliceTransactions, simple.path("transactions").asLong(), simple.toString());
    assertEquals(20, simple.path("emails").size(), simple.toString());
    assertMasked(strings(simple.path("emails")));
    assertEquals(List.of("1", "20"), strings(simple.path("completions")), simple.toString());
    assertRustRefusal(simple.path("refused"));

    JsonNode cancel = result.path("cancel");
    assertEquals("57014", cancel.at("/refused/sqlstate").asText(), cancel.toString());
    assertTrue(cancel.path("seconds").asDouble() < 30, cancel.toString());
    assertEquals(aliceStores, cancel.path("stores_after").asLong(), cancel.toString());
    assertEquals(aliceCustomers, cancel.path("customers_queued_behind").asLong(), cancel.toString());
  }

  /**
   * sqlx from a pool whose connections set search_path and statement_timeout in the startup
   * packet's options: query_as into a struct, query_scalar, fetch as a stream, a column of a
   * type sqlx looks up in the catalog, and refusals in and outside a transaction.
   */
  @Test
  void sqlxPoolQueryAsAndStreamingGoverned() throws IOException, SQLException {
    createRustCustomTypes();
    JsonNode result = script("alice", List.of(clients.rustClient().toString(), "sqlx"));
    assertEquals("0.9.0", result.path("version").asText());
    assertEquals("sales,customers", result.at("/settings/search_path").asText(), result.toString());
    assertEquals("25s", result.at("/settings/statement_timeout").asText(), result.toString());
    assertEquals(Map.of(ALICE_REGION, aliceTransactions()), longs(result.path("counts_by_region")),
        "unqualified names on the options' search path: " + result);

    JsonNode queryAs = result.path("query_as");
    assertEquals(firstRustRows(), strings(queryAs.path("rows")), queryAs.toString());
    assertMasked(strings(queryAs.path("emails")));
    assertThresholdCounts(result.path("prepared"));

    JsonNode fetch = result.path("fetch");
    assertEquals(aliceCustomers(), fetch.path("rows").asLong(), fetch.toString());
    assertEquals(List.of(ALICE_REGION), strings(fetch.path("regions")), fetch.toString());
    assertMasked(strings(fetch.path("emails")));

    JsonNode custom = result.path("custom_type");
    assertEquals(aliceStores(), custom.path("rows").asLong(), custom.toString());
    assertEquals(List.of(ALICE_REGION), strings(custom.path("regions")), custom.toString());

    JsonNode denied = result.path("denied");
    assertRustRefusal(denied.path("refused"));
    assertRustRefusal(denied.path("in_transaction"));
    assertEquals("25P02", denied.path("in_failed_transaction").asText(), denied.toString());
    assertEquals(aliceStores(), denied.path("stores_after_rollback").asLong(), denied.toString());
  }

  /** Types no client knows, for the Rust client's typeinfo queries; public grants USAGE on them. */
  private static void createRustCustomTypes() throws SQLException {
    if (backend.count("SELECT count(*) FROM pg_type WHERE typname = 'meshgate_rust_region'") == 0) {
      backend.execute("CREATE TYPE public.meshgate_rust_region AS ENUM ('EU', 'US', 'APAC')");
      backend.execute("CREATE TYPE public.meshgate_rust_store AS (store_id integer, region text)");
    }
  }

  /** What the Rust client reads as alice with "amount > 0 ORDER BY transaction_id LIMIT 20". */
  private static List<String> firstRustRows() throws SQLException {
    return backend.rows("SELECT transaction_id, store_id, region FROM sales.store_transactions"
        + " WHERE region = ? AND amount > 0 ORDER BY transaction_id LIMIT 20", ALICE_REGION);
  }

  private static void assertRustRefusal(JsonNode refused) {
    assertEquals("42501", refused.path("sqlstate").asText(), refused.toString());
    assertTrue(refused.path("message").asText().contains("weather.stations_raw"), refused.toString());
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static JsonNode script(String user, List<String> command) throws IOException {
    return script(user, command, Map.of());
  }

  /** Runs a client script that prints one JSON object and exits 0 when its own checks hold. */
  private static JsonNode script(String user, List<String> command, Map<String, String> extraEnvironment)
      throws IOException {
    Map<String, String> environment = new HashMap<>(connectionEnvironment(user));
    environment.putAll(extraEnvironment);
    // The scripts live in the checkout; no __pycache__ next to them.
    environment.put("PYTHONDONTWRITEBYTECODE", "1");
    ClientRun run = ClientRun.start(command, environment, work, CLIENT_TIMEOUT);
    assertEquals(0, run.exitCode(), run.describe());
    List<String> lines = run.stdout().lines().filter(line -> !line.isBlank()).toList();
    assertFalse(lines.isEmpty(), run.describe());
    return JSON.readTree(lines.getLast());
  }

  /** The libpq environment variables, which psql, pgbench, psycopg and node-postgres all read. */
  private static Map<String, String> connectionEnvironment(String user) {
    return Map.of(
        "PGHOST", "127.0.0.1",
        "PGPORT", String.valueOf(demo.meshgate().port()),
        "PGDATABASE", demo.backend().database(),
        "PGUSER", user,
        "PGPASSWORD", user,
        "PGSSLMODE", "disable",
        "PGCONNECT_TIMEOUT", "10",
        // psql's and libpq's messages in English, whatever the machine's locale.
        "LC_ALL", "C.UTF-8");
  }

  private static Path clientFile(String relative) {
    return root.resolve("proxy/src/test/clients").resolve(relative);
  }

  private static long aliceTransactions() throws SQLException {
    long all = backend.count("SELECT count(*) FROM sales.store_transactions");
    long eu = backend.count("SELECT count(*) FROM sales.store_transactions WHERE region = ?", ALICE_REGION);
    // Otherwise a client that got every row would pass.
    assertTrue(eu > 0 && eu < all, "the demo data should have rows in and outside " + ALICE_REGION);
    return eu;
  }

  private static long aliceCustomers() throws SQLException {
    return backend.count("SELECT count(*) FROM customers.customers WHERE region = ?", ALICE_REGION);
  }

  private static long aliceStores() throws SQLException {
    return backend.count("SELECT count(*) FROM sales.stores WHERE region = ?", ALICE_REGION);
  }

  /** The counts a script read for "amount > threshold" as alice, against the backend's. */
  private static void assertThresholdCounts(JsonNode observed) throws SQLException {
    List<Long> expected = new ArrayList<>();
    for (JsonNode threshold : observed.path("thresholds")) {
      expected.add(backend.count("SELECT count(*) FROM sales.store_transactions WHERE region = ? AND amount > ?",
          ALICE_REGION, threshold.asInt()));
    }
    assertFalse(expected.isEmpty(), observed.toString());
    List<Long> counts = new ArrayList<>();
    observed.path("counts").forEach(count -> counts.add(count.asLong()));
    assertEquals(expected, counts, observed.toString());
  }

  private static void assertMasked(List<String> emails) {
    assertFalse(emails.isEmpty(), "no e-mail addresses read");
    for (String email : emails) {
      assertFalse(rawEmails.contains(email), () -> "an unmasked e-mail address reached the client: " + email);
      assertTrue(MASKED_EMAIL.matcher(email).matches(), () -> "not an e-mail mask: " + email);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static Map<String, Long> longs(JsonNode object) {
    Map<String, Long> values = new HashMap<>();
    object.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asLong()));
    return values;
  }
}
