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
import java.util.UUID;
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
 * node-postgres, tokio-postgres, sqlx, Go's pgx) talk to Meshgate in front of the demo data mesh, each in its own way of using
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

  // ---- Go: pgx v5 ---------------------------------------------------------------------------

  private static final List<String> PGX_MODES =
      List.of("cache_statement", "cache_describe", "describe_exec", "exec", "simple_protocol");
  // The modes in which pgx describes a statement before its Bind, and so asks for binary results.
  private static final Set<String> PGX_DESCRIBING_MODES = Set.of("cache_statement", "cache_describe", "describe_exec");

  /**
   * pgx in each of its exec modes: by default every statement is a named server-side statement
   * ({@code stmtcache_<hash>}) bound with binary parameters and results per type OID; exec and the
   * simple protocol get text, the simple protocol with the values quoted into the SQL (LIMIT '20').
   */
  @Test
  void pgxReadsGovernedRowsInEveryExecModeWithBinaryResults() throws IOException, SQLException {
    JsonNode result = pgx("exec-modes");
    assertEquals("v5.12.0", result.path("version").asText(), result.toString());
    List<String> expectedRows = backend.rows("SELECT transaction_id, day, amount FROM sales.store_transactions"
        + " WHERE region = ? AND amount > 0 ORDER BY transaction_id LIMIT 5", ALICE_REGION);
    long emailType = backend.count("SELECT atttypid FROM pg_attribute"
        + " WHERE attrelid = 'sales.store_transactions'::regclass AND attname = 'customer_email'");
    for (String mode : PGX_MODES) {
      JsonNode observed = result.at("/modes/" + mode);
      int format = PGX_DESCRIBING_MODES.contains(mode) ? 1 : 0;
      assertAll(mode + ": " + observed,
          () -> assertEquals(Map.of(ALICE_REGION, aliceTransactions()), longs(observed.path("counts_by_region"))),
          () -> assertEquals(20, observed.path("emails").size()),
          () -> assertEquals(emailType, observed.path("email_type_oid").asLong(), "the masked column keeps its type"),
          () -> assertEquals(expectedRows, strings(observed.path("rows"))),
          () -> assertEquals(List.of(format, format, format), integers(observed.path("result_formats"))));
      assertMasked(strings(observed.path("emails")));
    }
    JsonNode cached = result.at("/modes/cache_statement/wire");
    assertTrue(strings(cached.path("parse_names")).stream().allMatch(name -> name.startsWith("stmtcache_")), cached.toString());
    JsonNode simple = result.at("/modes/simple_protocol/wire");
    assertEquals(0, simple.at("/messages/parse").asInt(), simple.toString());
    assertTrue(simple.at("/messages/query").asInt() >= 4, simple.toString());
  }

  /** One statement run 40 times from pgx's cache: parsed once, bound 40 times; then evictions. */
  @Test
  void pgxReusesItsCachedStatementAndClosesEvictedOnes() throws IOException, SQLException {
    JsonNode result = pgx("statement-cache");
    JsonNode repeated = result.path("repeated");
    assertEquals(40, repeated.path("counts").size(), repeated.toString());
    assertThresholdCounts(repeated);
    JsonNode wire = repeated.path("wire");
    assertEquals(1, wire.at("/messages/parse").asInt(), wire.toString());
    assertEquals(40, wire.at("/messages/bind").asInt(), wire.toString());
    assertTrue(wire.at("/parse_names/0").asText().startsWith("stmtcache_"), wire.toString());

    // A cache of two statements cycling through three: pgx closes each evicted statement and
    // prepares it again under the same name, which Meshgate must govern anew each time.
    JsonNode evicted = result.path("evicted");
    List<Long> expected = List.of(
        backend.count("SELECT count(*) FROM sales.stores WHERE region = ?", ALICE_REGION),
        aliceCustomers(), aliceTransactions());
    assertEquals(4, evicted.path("rounds").size(), evicted.toString());
    for (JsonNode round : evicted.path("rounds")) {
      assertEquals(expected, longValues(round), evicted.toString());
    }
    assertTrue(evicted.at("/wire/messages/close").asInt() >= 9, evicted.toString());
    assertEquals(12, evicted.at("/wire/messages/parse").asInt(), evicted.toString());
  }

  /**
   * SendBatch with a refused statement in the middle reports exactly what pgx reports when
   * PostgreSQL itself fails that statement while parsing it (run against the backend with a
   * relation that does not exist): in the describing modes pgx prepares the whole batch first and
   * fails it whole; in exec mode the first statement has run. The simple protocol sends the batch
   * as one Query, which Meshgate refuses whole (nothing of it runs). The session goes on, and the
   * audit log has the refusal and every statement that ran.
   */
  @Test
  void pgxBatchWithARefusedStatementFailsAsPostgresWouldAndIsAudited() throws IOException, SQLException {
    String marker = "pgx-batch-" + UUID.randomUUID();
    JsonNode governed = pgx("batch", marker);
    JsonNode direct = pgxDirect("batch", "direct-" + marker, "weather.no_such_relation");
    long stores = aliceStores();
    for (String mode : PGX_MODES) {
      JsonNode observed = governed.at("/modes/" + mode);
      JsonNode postgres = direct.at("/modes/" + mode);
      List<String> results = outcomes(observed.path("results"));
      if (mode.equals("simple_protocol")) {
        assertEquals(List.of("42501", "42501", "42501"), results, observed.toString());
        assertEquals(List.of("ok", "42P01", "42P01"), outcomes(postgres.path("results")), postgres.toString());
        assertTrue(observed.at("/results/0/message").asText().startsWith("statement 2 of 3 of the query:"), observed.toString());
      } else {
        assertEquals(outcomes(postgres.path("results")).stream().map(outcome -> outcome.replace("42P01", "42501")).toList(),
            results, mode + ": " + observed + "\nPostgreSQL: " + postgres);
        assertEquals(mode.equals("exec") ? List.of("ok", "42501", "42501") : List.of("42501", "42501", "42501"), results,
            observed.toString());
      }
      assertTrue(observed.at("/results/1/message").asText().contains("weather.stations_raw"), observed.toString());
      assertAll(mode + ": " + observed,
          () -> assertEquals("42501", observed.at("/close/sqlstate").asText()),
          () -> assertEquals(stores, observed.at("/after/value").asLong()),
          () -> assertEquals(List.of(stores, aliceCustomers()), List.of(
              observed.at("/again/0/value").asLong(), observed.at("/again/1/value").asLong())),
          () -> assertEquals("I", observed.path("transaction").asText()));
      if (mode.equals("exec")) {
        assertEquals(stores, observed.at("/results/0/value").asLong(), observed.toString());
      }
    }
    // Statement 1 ran in exec mode's batch and once more afterwards (like statement 3) in every
    // mode; statement 2 was refused; nothing that ran is missing. A statement that was only
    // prepared, or that the backend skipped after the refusal, never ran.
    Map<String, List<String>> audited = auditedOutcomes(marker);
    for (String mode : PGX_MODES) {
      List<String> expected = new ArrayList<>();
      if (mode.equals("exec")) {
        expected.add("1 ok");
      }
      if (mode.equals("simple_protocol")) {
        // The others of the refused Query are audited as not forwarded, with its SQLSTATE.
        expected.addAll(List.of("1 failed 42501", "2 denied 42501", "3 failed 42501"));
      } else {
        expected.add("2 denied 42501");
      }
      expected.addAll(List.of("1 ok", "3 ok"));
      assertEquals(expected.stream().sorted().toList(), audited.getOrDefault(mode, List.of()), mode + ": " + audited);
    }
  }

  /** A refusal is a *pgconn.PgError with SQLSTATE 42501, in a transaction too (then 25P02). */
  @Test
  void pgxRefusalIsAPgErrorAndTheSessionGoesOn() throws IOException, SQLException {
    JsonNode result = pgx("refusal");
    long stores = aliceStores();
    for (String mode : List.of("cache_statement", "simple_protocol")) {
      JsonNode observed = result.at("/modes/" + mode);
      assertAll(mode + ": " + observed,
          () -> assertEquals("42501", observed.at("/query_row/sqlstate").asText()),
          () -> assertEquals("ERROR", observed.at("/query_row/severity").asText()),
          () -> assertTrue(observed.at("/query_row/message").asText().contains("weather.stations_raw")),
          () -> assertEquals("42501", observed.at("/exec/sqlstate").asText()),
          () -> assertEquals(stores, observed.at("/stores/value").asLong()),
          () -> assertEquals("42501", observed.at("/in_transaction/sqlstate").asText()),
          () -> assertEquals("25P02", observed.at("/after_refusal/sqlstate").asText()),
          () -> assertFalse(observed.at("/rollback").has("error")),
          () -> assertEquals(stores, observed.at("/after_rollback/value").asLong()));
    }
  }

  /** pgx as a database/sql driver (pgx/v5/stdlib): pool, prepared statements, transactions. */
  @Test
  void pgxThroughDatabaseSqlGetsGovernedResults() throws IOException, SQLException {
    JsonNode result = pgx("database-sql");
    assertEquals(Map.of(ALICE_REGION, aliceTransactions()), longs(result.path("counts_by_region")), result.toString());
    assertEquals(20, result.path("emails").size(), result.toString());
    assertMasked(strings(result.path("emails")));
    assertThresholdCounts(result.path("prepared"));
    assertEquals("42501", result.at("/denied/sqlstate").asText(), result.toString());
    assertTrue(result.at("/denied/message").asText().contains("weather.stations_raw"), result.toString());
    JsonNode transaction = result.path("transaction");
    assertEquals("42501", transaction.at("/refused/sqlstate").asText(), transaction.toString());
    assertEquals("25P02", transaction.at("/after_refusal/sqlstate").asText(), transaction.toString());
    assertEquals(aliceStores(), transaction.at("/after_rollback/value").asLong(), transaction.toString());
  }

  /**
   * A cancelled context: with CancelRequestContextWatcherHandler pgx sends a CancelRequest, gets
   * 57014 and keeps the connection; with pgx's default handler it drops the connection (a new one
   * works), and the statement is audited as cancelled once Meshgate notices. Nothing is left open.
   */
  @Test
  void pgxContextCancellationCancelsTheStatement() throws IOException, SQLException, InterruptedException {
    String marker = "pgx-cancel-" + UUID.randomUUID();
    JsonNode result = pgx("cancel", marker);
    long stores = aliceStores();
    for (String mode : List.of("cache_statement", "simple_protocol")) {
      JsonNode observed = result.at("/modes/" + mode);
      assertAll(mode + ": " + observed,
          () -> assertEquals("57014", observed.path("sqlstate").asText()),
          () -> assertTrue(observed.path("seconds").asDouble() < 10),
          () -> assertEquals(1, observed.at("/wire/cancel_requests").asInt()),
          () -> assertFalse(observed.path("closed").asBoolean()),
          () -> assertEquals(stores, observed.at("/after/value").asLong()));
    }
    JsonNode dropped = result.at("/modes/deadline");
    assertTrue(dropped.path("closed").asBoolean(), dropped.toString());
    assertTrue(dropped.path("context_error").asBoolean(), dropped.toString());
    assertEquals(stores, dropped.at("/new_connection/value").asLong(), dropped.toString());
    // The dropped connection's statement ends in the backend (its 2 s sleep): Meshgate, like
    // PostgreSQL, notices the client is gone when the results arrive; then it audits the
    // statement and closes the backend connection.
    Map<String, List<String>> audited = Map.of();
    long sessions = -1;
    for (int attempt = 0; attempt < 100 && (audited.size() < 3 || sessions != 0); attempt++) {
      Thread.sleep(100);
      audited = auditedOutcomes(marker);
      sessions = backend.count("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE ?",
          "meshgate:alice/client-matrix-pgx-cancel%");
    }
    assertEquals(0, sessions, "backend connections of closed pgx sessions are left open");
    assertEquals(Map.of(
            "cancel-request cache_statement", List.of("cancelled 57014"),
            "cancel-request simple_protocol", List.of("cancelled 57014"),
            "deadline", List.of("cancelled 57014")),
        audited, () -> result + "\n" + auditLines("pg_sleep(2)"));
  }

  /**
   * CopyFrom (binary COPY FROM STDIN, its data sent before the server answers) into the demo's
   * writable data product: alice's write policy puts her region's row filter on it, which
   * Meshgate cannot apply to relayed rows, so the COPY is refused cleanly (0A000) before a row is
   * written, and the session goes on.
   */
  @Test
  void pgxCopyFromIsRefusedCleanlyUnderARowFilter() throws IOException, SQLException {
    String copied = "SELECT count(*) FROM sales.store_transactions WHERE amount = 0.07 AND day = DATE '2025-12-31'";
    long before = backend.count(copied);
    JsonNode result = pgx("copy-from");
    JsonNode copy = result.path("copy");
    assertEquals(ALICE_REGION, result.path("region").asText(), result.toString());
    assertEquals("0A000", copy.path("sqlstate").asText(), copy.toString());
    assertTrue(copy.path("message").asText().contains("sales.store_transactions"), copy.toString());
    assertTrue(copy.at("/wire/messages/copy_data").asInt() >= 1, "pgx sent its rows before any answer: " + copy);
    assertEquals(aliceStores(), copy.at("/after/value").asLong(), copy.toString());
    assertEquals("I", copy.path("transaction").asText(), copy.toString());
    assertEquals(before, backend.count(copied), "no row was written");
  }

  /**
   * What pgx learns about types: the masked column's type and an array of it in binary, and the
   * demo's composite row type sales.stores registered with LoadTypes (one recursive catalog
   * query) and LoadType (several), then decoded from governed rows.
   */
  @Test
  void pgxLoadsTheDemoRowTypeAndDecodesGovernedCompositesAndArrays() throws IOException, SQLException {
    JsonNode result = pgx("types");
    long textArray = backend.count("SELECT 'text[]'::regtype::oid");
    long storeType = backend.count("SELECT 'sales.stores'::regtype::oid");
    long storeArray = backend.count("SELECT 'sales.stores[]'::regtype::oid");
    JsonNode emails = result.path("email_array");
    assertEquals(textArray, emails.path("type_oid").asLong(), emails.toString());
    assertEquals(1, emails.path("format").asInt(), emails.toString());
    assertEquals(5, emails.path("emails").size(), emails.toString());
    assertMasked(strings(emails.path("emails")));
    assertEquals(Map.of("sales.stores", storeType, "stores", storeType, "sales._stores", storeArray, "_stores", storeArray),
        longs(result.path("load_types")), result.toString());
    assertEquals(storeType, result.at("/load_type/oid").asLong(), result.toString());
    JsonNode composite = result.path("composite");
    assertEquals(storeType, composite.path("type_oid").asLong(), composite.toString());
    assertEquals(backend.rows("SELECT store_id, zip_code, region FROM sales.stores WHERE region = ? ORDER BY store_id LIMIT 3",
        ALICE_REGION), strings(composite.path("stores")), composite.toString());
    assertEquals(backend.rows("SELECT store_id, zip_code, region FROM sales.stores WHERE region = ? AND store_id < 10"
        + " ORDER BY store_id", ALICE_REGION), strings(result.at("/whole_row_array/stores")), result.toString());
  }

  private static JsonNode pgx(String scenario, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(clients.goClient().toString(), scenario));
    command.addAll(List.of(arguments));
    return script("alice", command);
  }

  /** The pgx client against PostgreSQL itself, as its superuser: what pgx reports without Meshgate. */
  private static JsonNode pgxDirect(String scenario, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(clients.goClient().toString(), scenario));
    command.addAll(List.of(arguments));
    return script("alice", command, Map.of(
        "PGPORT", String.valueOf(demo.postgres().port()),
        "PGUSER", demo.postgres().superuser(),
        "PGPASSWORD", demo.postgres().superuserPassword()));
  }

  private static String auditLines(String text) {
    try {
      return String.join("\n", Files.readAllLines(demo.auditFile()).stream().filter(line -> line.contains(text)).toList());
    } catch (IOException e) {
      return "(the audit log is unreadable: " + e + ")";
    }
  }

  /** "ok" or the SQLSTATE of each statement outcome the Go client printed. */
  private static List<String> outcomes(JsonNode results) {
    List<String> outcomes = new ArrayList<>();
    results.forEach(result -> outcomes.add(result.has("value") ? "ok" : result.path("sqlstate").asText("no sqlstate")));
    return outcomes;
  }

  /**
   * The audit events whose SQL holds {@code /* <marker> <label> <n> *}{@code /}, as "n status
   * sqlstate" (sorted) per label; the Go client writes such a comment into each statement.
   */
  private static Map<String, List<String>> auditedOutcomes(String marker) throws IOException {
    Pattern comment = Pattern.compile("/\\* " + Pattern.quote(marker) + " (.*?) \\*/");
    Map<String, List<String>> outcomes = new HashMap<>();
    for (String line : Files.readAllLines(demo.auditFile())) {
      JsonNode event = JSON.readTree(line);
      Matcher matcher = comment.matcher(event.path("sql").asText());
      if (matcher.find()) {
        String label = matcher.group(1);
        String number = "";
        Matcher numbered = Pattern.compile("(.*) (\\d+)").matcher(label);
        if (numbered.matches()) {
          label = numbered.group(1);
          number = numbered.group(2) + " ";
        }
        JsonNode outcome = event.path("outcome");
        String state = outcome.path("sql_state").isNull() ? "" : " " + outcome.path("sql_state").asText();
        outcomes.computeIfAbsent(label, ignored -> new ArrayList<>()).add(number + outcome.path("status").asText() + state);
      }
    }
    outcomes.values().forEach(list -> list.sort(null));
    return outcomes;
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

  private static List<Long> longValues(JsonNode array) {
    List<Long> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asLong()));
    return values;
  }

  private static List<Integer> integers(JsonNode array) {
    List<Integer> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asInt()));
    return values;
  }

  private static Map<String, Long> longs(JsonNode object) {
    Map<String, Long> values = new HashMap<>();
    object.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asLong()));
    return values;
  }
}
