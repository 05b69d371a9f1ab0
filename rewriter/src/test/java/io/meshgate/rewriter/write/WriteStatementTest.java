package io.meshgate.rewriter.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Access;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.DemoCatalog;
import io.meshgate.rewriter.RewrittenStatement;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import io.meshgate.rewriter.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SQL Meshgate writes for INSERT, UPDATE and DELETE under a decision. */
class WriteStatementTest {
  private static final String TRANSACTIONS = "mesh.sales.store_transactions";
  private static final String EU = "((\"t\".\"region\" IN ('EU')))";
  private static final String EMAIL_MASK = "pg_catalog.regexp_replace(pg_catalog.regexp_replace("
      + "CAST(\"t\".\"customer_email\" AS pg_catalog.text), '^[^@]*$', 'xxxx'), '^.*@', 'xxxx@')";

  private static final Decision DECISION = new Decision(true, List.of(), Map.of(
      TRANSACTIONS, new RelationPolicy(
          List.of(new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU"))),
          Map.of("customer_email", new ColumnMask.Email()),
          Set.of("transaction_id")),
      "mesh.sales.stores", new RelationPolicy(
          List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))),
          Map.of(), Set.of())),
      List.of("test"));

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private RewrittenStatement rewrite(String sql) throws SqlRefusal {
    return analyze(sql).rewriteWithChecks(DECISION);
  }

  private static String marker(RewrittenStatement rewritten) {
    assertEquals(1, rewritten.rowFilterChecks().size());
    return rewritten.rowFilterChecks().get(0).marker();
  }

  @Test
  void insertValuesIsCheckedAgainstTheFiltersWithTypedValues() throws SqlRefusal {
    RewrittenStatement rewritten = rewrite(
        "insert into sales.store_transactions as t (store_id, day, region) values (1, '2025-01-01', 'EU')");
    assertEquals(
        "INSERT INTO \"sales\".\"store_transactions\" AS \"t\" (\"store_id\", \"day\", \"region\")"
            + " SELECT * FROM (SELECT CAST(\"meshgate_source\".\"store_id\" AS integer) AS \"store_id\","
            + " CAST(\"meshgate_source\".\"day\" AS date) AS \"day\","
            + " CAST(\"meshgate_source\".\"region\" AS text) AS \"region\""
            + " FROM (VALUES (1, '2025-01-01', 'EU')) AS \"meshgate_source\" (\"store_id\", \"day\", \"region\")"
            + " OFFSET 0) AS \"meshgate_new\" WHERE CAST(CASE WHEN ((\"meshgate_new\".\"region\" IN ('EU')))"
            + " IS TRUE THEN NULL ELSE '" + marker(rewritten) + "' END AS integer) IS NULL",
        rewritten.sql());
    assertTrue(marker(rewritten).matches("meshgate_row_check_[0-9a-f]{32}"));
  }

  @Test
  void aParameterStandingAloneAsAnInsertedValueIsCastToItsColumnsType() throws SqlRefusal {
    String values = rewrite("insert into store_transactions (store_id, day, amount, region)"
        + " values ($1, $2, $3 + 1, $4), (2, $5::text, $6, 'EU')").sql();
    assertTrue(values.contains("FROM (VALUES (CAST($1 AS integer), CAST($2 AS date), ($3 + 1), CAST($4 AS text)),"
        + " (2, CAST($5 AS \"text\"), CAST($6 AS numeric(12,2)), 'EU'))"), values);
    String select = rewrite("insert into store_transactions (store_id, day, region)"
        + " select s.store_id, $1 as d, $2 from stores as s where s.store_id = $3").sql();
    assertTrue(select.contains("SELECT \"s\".\"store_id\", CAST($1 AS date) AS \"d\", CAST($2 AS text) FROM"),
        select);
    String ordered = rewrite("insert into store_transactions (store_id, day, region)"
        + " select s.store_id, $1, $2 from stores as s group by s.store_id order by s.store_id limit $3").sql();
    assertTrue(ordered.contains("SELECT \"s\".\"store_id\", CAST($1 AS date), CAST($2 AS text) FROM"), ordered);
    String distinct = rewrite("insert into store_transactions (day, region) select distinct $1, $2").sql();
    assertTrue(distinct.contains("SELECT DISTINCT $1, $2"), distinct);
  }

  @Test
  void everyRewriteHasAFreshMarker() throws SqlRefusal {
    AnalyzedStatement statement = analyze(
        "insert into store_transactions (store_id, region) values (1, 'EU')");
    String first = marker(statement.rewriteWithChecks(DECISION));
    String second = marker(statement.rewriteWithChecks(DECISION));
    assertFalse(first.equals(second));
  }

  @Test
  void insertGivesThePolicyTheWrittenColumns() throws SqlRefusal {
    AnalyzedStatement statement = analyze(
        "insert into store_transactions (region, store_id) values ('EU', 1)");
    assertEquals(StatementKind.INSERT, statement.kind());
    assertEquals(
        List.of(new RelationAccess(DECISION_RELATION, Access.INSERT, COLUMNS, List.of("store_id", "region"))),
        statement.relations());
  }

  private static final io.meshgate.policy.RelationName DECISION_RELATION =
      new io.meshgate.policy.RelationName("mesh", "sales", "store_transactions");
  private static final List<String> COLUMNS =
      List.of("transaction_id", "store_id", "day", "amount", "customer_email", "region");

  @Test
  void insertSelectReadsItsSourceThroughDerivedTables() throws SqlRefusal {
    AnalyzedStatement statement = analyze(
        "insert into store_transactions (store_id, region) select store_id, region from sales.stores");
    assertEquals(List.of(Access.INSERT, Access.READ),
        statement.relations().stream().map(RelationAccess::access).toList());
    String sql = statement.rewrite(DECISION);
    assertTrue(sql.contains("FROM (SELECT \"store_id\", \"region\" FROM (SELECT \"store_id\","
        + " \"zip_code\", \"region\" FROM \"sales\".\"stores\" WHERE (\"region\" = 'EU') OFFSET 0)"
        + " AS \"stores\") AS \"meshgate_source\""), sql);
  }

  @Test
  void insertWithoutFiltersKeepsDefaults() throws SqlRefusal {
    String sql = analyze("insert into sales.stores values (1, DEFAULT, 'EU')")
        .rewrite(new Decision(true, List.of(), Map.of(), List.of()));
    assertEquals("INSERT INTO \"sales\".\"stores\" AS \"stores\" (\"store_id\", \"zip_code\", \"region\")"
        + " VALUES (1, DEFAULT, 'EU')", sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "insert into store_transactions (store_id, customer_email, region) values (1, 'a@b.c', 'EU')",
      "insert into store_transactions (transaction_id, region) values (1, 'EU')",
      "update store_transactions set customer_email = 'x'",
      "update store_transactions set transaction_id = 5"})
  void writingAMaskedOrDeniedColumnIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(sql));
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("permission denied to write column "), refusal.getMessage());
  }

  @Test
  void anInsertMustGiveTheFilteredColumnsAValue() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> rewrite("insert into store_transactions (store_id) values (1)"));
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("must give column region a value"), refusal.getMessage());
  }

  @Test
  void insertReturningStarListsAllowedColumnsMasked() throws SqlRefusal {
    String sql = rewrite("insert into store_transactions as t (store_id, region) values (1, 'EU') returning *").sql();
    assertTrue(sql.endsWith(" RETURNING \"t\".\"store_id\", \"t\".\"day\", \"t\".\"amount\", "
        + EMAIL_MASK + " AS \"customer_email\", \"t\".\"region\""), sql);
  }

  @Test
  void updateRestrictsRowsAndGuardsTheClientsCondition() throws SqlRefusal {
    RewrittenStatement rewritten = rewrite(
        "update store_transactions t set amount = amount * 2 where customer_email like '%@x.org'");
    assertEquals("UPDATE \"sales\".\"store_transactions\" AS \"t\" SET \"amount\" = (\"amount\" * 2)"
        + " WHERE " + EU + " AND CASE WHEN " + EU + " THEN ((" + EMAIL_MASK + " LIKE '%@x.org'))"
        + " ELSE FALSE END", rewritten.sql());
    assertTrue(rewritten.rowFilterChecks().isEmpty(), "no filter column is assigned");
  }

  /**
   * Only comparisons PostgreSQL may evaluate on any row leave the CASE: unmasked integer or text
   * columns against a literal or parameter; masked columns, numeric comparisons, functions and
   * OR stay inside it.
   */
  @Test
  void leakproofComparisonsStandBesideTheFiltersWhereAnIndexCanServeThem() throws SqlRefusal {
    String sql = rewrite("delete from store_transactions t where t.store_id = 7 and day >= '2025-01-01'"
        + " and amount = 1.5 and customer_email = 'a@b.c' and lower(region) = 'eu'"
        + " and (store_id = 1 or store_id = 2)").sql();
    String outsideTheCase = sql.substring(0, sql.indexOf(" AND CASE WHEN "));
    assertEquals("DELETE FROM \"sales\".\"store_transactions\" AS \"t\" WHERE " + EU
        + " AND (\"t\".\"store_id\" = 7) AND (\"t\".\"day\" >= '2025-01-01')", outsideTheCase);
    assertTrue(sql.contains(" THEN (((((((\"t\".\"store_id\" = 7)"), sql);
  }

  @Test
  void updateOfAFilteredColumnChecksTheNewRow() throws SqlRefusal {
    RewrittenStatement rewritten = rewrite(
        "update store_transactions as t set region = lower(region), amount = 1 where store_id = 3 returning customer_email");
    assertEquals("UPDATE \"sales\".\"store_transactions\" AS \"t\" SET \"amount\" = 1,"
        + " (\"region\") = (SELECT \"meshgate_new\".\"region\" FROM (SELECT CAST(lower(\"region\") AS text)"
        + " AS \"region\" OFFSET 0) AS \"meshgate_new\" WHERE CAST(CASE WHEN ((\"meshgate_new\".\"region\""
        + " IN ('EU'))) IS TRUE THEN NULL ELSE '" + marker(rewritten) + "' END AS integer) IS NULL)"
        + " WHERE " + EU + " AND (\"t\".\"store_id\" = 3) AND CASE WHEN " + EU + " THEN ((\"store_id\" = 3)) ELSE FALSE END"
        + " RETURNING " + EMAIL_MASK + " AS \"customer_email\"", rewritten.sql());
  }

  @Test
  void updateFromReadsItsTablesThroughDerivedTables() throws SqlRefusal {
    String sql = rewrite("update store_transactions t set amount = 0 from sales.stores s"
        + " where s.store_id = t.store_id").sql();
    assertTrue(sql.contains(" FROM (SELECT \"store_id\", \"zip_code\", \"region\" FROM \"sales\".\"stores\""
        + " WHERE (\"region\" = 'EU') OFFSET 0) AS \"s\" WHERE "), sql);
  }

  @Test
  void deleteRestrictsRows() throws SqlRefusal {
    assertEquals("DELETE FROM \"sales\".\"store_transactions\" AS \"t\" WHERE " + EU,
        rewrite("delete from sales.store_transactions t").sql());
    assertEquals(List.of(new RelationAccess(DECISION_RELATION, Access.DELETE, COLUMNS, List.of())),
        analyze("delete from sales.store_transactions t").relations());
  }

  @Test
  void deleteUsingAndReturning() throws SqlRefusal {
    String sql = rewrite("delete from store_transactions t using sales.stores s where s.store_id = t.store_id"
        + " returning t.customer_email, s.zip_code").sql();
    assertTrue(sql.startsWith("DELETE FROM \"sales\".\"store_transactions\" AS \"t\" USING (SELECT"), sql);
    assertTrue(sql.endsWith(" RETURNING " + EMAIL_MASK + " AS \"customer_email\", \"s\".\"zip_code\""), sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "update store_transactions t set amount = 1 returning t",
      "delete from store_transactions t where row_to_json(t) is not null",
      "update store_transactions t set amount = 1 from sales.stores s returning *"})
  void wholeRowReferencesToAMaskedTargetAreRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(sql));
    assertEquals("0A000", refusal.sqlState());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "update store_transactions set (amount, region) = (1, 'EU')",
      "delete from store_transactions where current of c",
      "insert into store_transactions as meshgate_new (region) values ('EU')",
      "with x as (update store_transactions set amount = 1 returning amount) select * from x",
      "with x as (select 1) insert into store_transactions (store_id, region) select 1, 'EU' from x",
      "with x as (delete from store_transactions returning 1) select count(*) from x"})
  void constructsNotGovernedAreRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(sql));
    assertEquals("0A000", refusal.sqlState(), refusal.getMessage());
  }

  @Test
  void onConflictDoNothingIsKept() throws SqlRefusal {
    assertTrue(rewrite("insert into store_transactions (store_id, region) values (1, 'EU')"
        + " on conflict (store_id) do nothing").sql().endsWith(" ON CONFLICT (\"store_id\") DO NOTHING"));
  }

  @Test
  void parametersKeepTheirNumbers() throws SqlRefusal {
    String sql = rewrite("update store_transactions set amount = $2 where store_id = $1").sql();
    assertTrue(sql.contains("SET \"amount\" = $2 WHERE"), sql);
    assertTrue(sql.contains("((\"store_id\" = $1))"), sql);
  }

  @Test
  void writingACatalogIsRefused() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyze("delete from pg_catalog.pg_class"));
    assertEquals("42501", refusal.sqlState());
  }

  @Test
  void aDenyingDecisionRefuses() throws SqlRefusal {
    AnalyzedStatement statement = analyze("delete from store_transactions");
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> statement.rewrite(
        new Decision(false, List.of("no writes"), Map.of(), List.of())));
    assertEquals("permission denied by policy: no writes", refusal.getMessage());
  }

  /** The worked write example of policies/CONTRACT.md, as Meshgate sends it. */
  @Test
  void theContractsWorkedWriteExample() throws SqlRefusal {
    String sql = analyze("UPDATE sales.store_transactions\nSET amount = amount * 1.1\n"
        + "WHERE store_id = 12 AND day = DATE '2025-06-03'").rewrite(DECISION);
    assertEquals("UPDATE \"sales\".\"store_transactions\" AS \"store_transactions\" SET \"amount\" = (\"amount\" * 1.1)"
        + " WHERE ((\"store_transactions\".\"region\" IN ('EU')))"
        + " AND (\"store_transactions\".\"store_id\" = 12) AND (\"store_transactions\".\"day\" = DATE '2025-06-03')"
        + " AND CASE WHEN ((\"store_transactions\".\"region\" IN ('EU')))"
        + " THEN (((\"store_id\" = 12) AND (\"day\" = DATE '2025-06-03'))) ELSE FALSE END", sql);
  }

  @Test
  void writesThatNameTheDiscoveryTablesAreRefused() {
    for (String sql : List.of(
        "insert into sales.stores (store_id, zip_code, region) select 1, product, 'EU' from meshgate.data_products",
        "delete from sales.stores where zip_code in (select product from meshgate.data_products)",
        "update meshgate.data_products set product = 'x'")) {
      SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql), sql);
      assertEquals("0A000", refusal.sqlState(), sql);
    }
  }

  @Test
  void anUpdateIsRefusedWhenTheFiltersReadAGeneratedColumn() throws SqlRefusal {
    // region is computed from country: SET country changes it, unseen by the changed-row check
    StatementAnalyzer notes = new StatementAnalyzer(new DemoCatalog().add(new TableSchema(
        new RelationName(DemoCatalog.DATABASE, "sales", "notes"), List.of(
            new ColumnSchema("note_id", "integer"), new ColumnSchema("country", "text"),
            new ColumnSchema("region", "text", true)))), DemoCatalog.DATABASE);
    Decision decision = new Decision(true, List.of(), Map.of("mesh.sales.notes", new RelationPolicy(
        List.of(new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU"))), Map.of(), Set.of())),
        List.of("test"));
    for (String sql : List.of(
        "update sales.notes set country = 'US' where note_id = 1",
        "insert into sales.notes as t (note_id, region) values (1, 'EU')"
            + " on conflict (note_id) do update set country = excluded.country")) {
      SqlRefusal refusal = assertThrows(SqlRefusal.class,
          () -> notes.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(decision), sql);
      assertEquals(SqlRefusal.Reason.NOT_GOVERNED, refusal.reason(), sql);
      assertTrue(refusal.getMessage().contains("generated column region"), refusal.getMessage());
    }
    // rows are still restricted by it where nothing changes them
    assertTrue(notes.analyze("delete from sales.notes where note_id = 1", DemoCatalog.SEARCH_PATH)
        .rewrite(decision).contains("\"region\" IN ('EU')"));
  }

  @Test
  void scalarSubqueriesInSetAndReturningKeepTheirParentheses() throws SqlRefusal {
    // written without them, PostgreSQL read "SET amount = SELECT ..." as a syntax error
    String sql = rewrite("update sales.store_transactions as t set amount = (select count(*)"
        + " from sales.stores s where s.store_id = t.store_id), region = (select 'EU')"
        + " where t.day = date '2025-01-01' returning (select max(s.zip_code) from sales.stores s)"
        + " as zip, (select 1), t.amount").sql();
    assertTrue(sql.contains(" SET \"amount\" = (SELECT count(*) FROM (SELECT"), sql);
    assertTrue(sql.contains("SELECT CAST((SELECT 'EU') AS text) AS \"region\""), sql);
    assertTrue(sql.contains(" RETURNING (SELECT max(\"s\".\"zip_code\") FROM (SELECT"), sql);
    assertTrue(sql.endsWith(" AS \"zip\", (SELECT 1), \"t\".\"amount\""), sql);
  }

  @Test
  void theNewRowIsComparedUnderTheColumnsOwnCollation() throws SqlRefusal {
    // the stored-row filter compares name under "und-x-icu"; a new value typed as plain text
    // would compare under the database's default collation and could pass where the row fails
    StatementAnalyzer people = new StatementAnalyzer(new DemoCatalog().add(new TableSchema(
        new RelationName(DemoCatalog.DATABASE, "sales", "people"), List.of(
            new ColumnSchema("id", "integer"),
            new ColumnSchema("name", "text", false,
                java.util.Optional.of(new ColumnSchema.Collation("pg_catalog", "und-x-icu")))))),
        DemoCatalog.DATABASE);
    Decision decision = new Decision(true, List.of(), Map.of("mesh.sales.people", new RelationPolicy(
        List.of(new RowFilter.Comparison("name", FilterOperator.LESS, List.of("n"))), Map.of(), Set.of())),
        List.of("test"));
    String insert = people.analyze("insert into sales.people (id, name) values (1, 'Zed')",
        DemoCatalog.SEARCH_PATH).rewrite(decision);
    assertTrue(insert.contains("SELECT CAST(\"meshgate_source\".\"id\" AS integer) AS \"id\","
        + " CAST(\"meshgate_source\".\"name\" AS text) COLLATE \"pg_catalog\".\"und-x-icu\" AS \"name\""),
        insert);
    String update = people.analyze("update sales.people set name = 'Zed' where id = 1",
        DemoCatalog.SEARCH_PATH).rewrite(decision);
    assertTrue(update.contains("(SELECT CAST('Zed' AS text) COLLATE \"pg_catalog\".\"und-x-icu\" AS \"name\""),
        update);
  }

  @Test
  void aColumnEveryRowGivesDefaultIsLeftOutOfACheckedInsert() throws SqlRefusal {
    RewrittenStatement rewritten = rewrite("insert into sales.store_transactions (store_id, day, amount, region)"
        + " values (1, DEFAULT, DEFAULT, 'EU'), (2, default, DEFAULT, 'EU')");
    assertEquals(
        "INSERT INTO \"sales\".\"store_transactions\" AS \"store_transactions\" (\"store_id\", \"region\")"
            + " SELECT * FROM (SELECT CAST(\"meshgate_source\".\"store_id\" AS integer) AS \"store_id\","
            + " CAST(\"meshgate_source\".\"region\" AS text) AS \"region\""
            + " FROM (VALUES (1, 'EU'), (2, 'EU')) AS \"meshgate_source\" (\"store_id\", \"region\")"
            + " OFFSET 0) AS \"meshgate_new\" WHERE CAST(CASE WHEN ((\"meshgate_new\".\"region\" IN ('EU')))"
            + " IS TRUE THEN NULL ELSE '" + marker(rewritten) + "' END AS integer) IS NULL",
        rewritten.sql());
  }

  @Test
  void defaultWhereTheCheckNeedsAValueIsRefusedNamingTheFix() {
    SqlRefusal filterColumn = assertThrows(SqlRefusal.class, () -> rewrite(
        "insert into sales.store_transactions (store_id, region) values (1, DEFAULT)"));
    assertEquals("42501", filterColumn.sqlState());
    assertTrue(filterColumn.getMessage().contains("must give column region a value"), filterColumn.getMessage());
    SqlRefusal someRows = assertThrows(SqlRefusal.class, () -> rewrite(
        "insert into sales.store_transactions (store_id, amount, region) values (1, DEFAULT, 'EU'), (2, 3.5, 'EU')"));
    assertEquals("0A000", someRows.sqlState());
    assertTrue(someRows.getMessage().contains("DEFAULT in some rows only of column amount"), someRows.getMessage());
    assertTrue(someRows.getMessage().contains("leave the column out of the column list"), someRows.getMessage());
  }

  @Test
  void outputColumnsThatNameAMaskedColumnKeepItsName() throws SqlRefusal {
    // PostgreSQL names (SELECT t.col) after the subquery's column, and t.col::text after col
    String sql = rewrite("update sales.store_transactions as t set amount = 1 where t.store_id = 1"
        + " returning (select t.customer_email), t.customer_email::text, upper(t.customer_email),"
        + " (select t.customer_email as e), t.customer_email").sql();
    assertTrue(sql.endsWith(" RETURNING (SELECT " + EMAIL_MASK + " AS \"customer_email\"),"
        + " CAST(" + EMAIL_MASK + " AS \"text\") AS \"customer_email\", upper(" + EMAIL_MASK + "),"
        + " (SELECT " + EMAIL_MASK + " AS \"e\"), " + EMAIL_MASK + " AS \"customer_email\""), sql);
  }
}
