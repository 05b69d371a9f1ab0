package io.meshgate.rewriter.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Access;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.Decisions;
import io.meshgate.rewriter.DemoCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Row locks: the SQL Meshgate writes for each locking clause and the accesses it asks for. */
class LockingClausesTest {
  private static final String TRANSACTIONS = "mesh.sales.store_transactions";
  private static final RelationName TRANSACTIONS_NAME = new RelationName("mesh", "sales", "store_transactions");
  private static final RelationName STORES_NAME = new RelationName("mesh", "sales", "stores");
  private static final String EU_TRANSACTIONS = "(SELECT \"transaction_id\", \"store_id\", \"day\", \"amount\","
      + " \"customer_email\", \"region\" FROM \"sales\".\"store_transactions\" WHERE (\"region\" IN ('EU'))";
  /** Fenced: PostgreSQL keeps it apart from the query, so the client's conditions never see other rows. */
  private static final String FENCED_EU_TRANSACTIONS = EU_TRANSACTIONS + " OFFSET 0)";
  /** Mergeable: PostgreSQL merges it into the query and locks only the rows the query returns. */
  private static final String MERGEABLE_EU_TRANSACTIONS = EU_TRANSACTIONS + ")";
  private static final List<String> COLUMNS =
      List.of("transaction_id", "store_id", "day", "amount", "customer_email", "region");
  private static final Decision EU_ONLY = Decisions.allow()
      .filter(TRANSACTIONS, new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU")))
      .build();

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private String rewrite(String sql) throws SqlRefusal {
    return analyze(sql).rewrite(EU_ONLY);
  }

  private List<Access> accessesOf(String sql, RelationName relation) throws SqlRefusal {
    return analyze(sql).relations().stream()
        .filter(access -> access.relation().equals(relation))
        .map(RelationAccess::access)
        .toList();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      for update          | FOR UPDATE
      FOR NO KEY UPDATE   | FOR NO KEY UPDATE
      for share           | FOR SHARE
      For Key Share       | FOR KEY SHARE
      for update nowait   | FOR UPDATE NOWAIT
      for share skip locked | FOR SHARE SKIP LOCKED
      """)
  void eachStrengthIsWrittenBackAfterTheRewrittenQueryAndAsksForUpdate(String clause, String written)
      throws SqlRefusal {
    String sql = "select transaction_id from sales.store_transactions where store_id = 1 " + clause;
    assertEquals(
        "SELECT \"transaction_id\" FROM (SELECT \"transaction_id\", \"store_id\", \"day\", \"amount\","
            + " \"customer_email\", \"region\" FROM \"sales\".\"store_transactions\""
            + " WHERE (\"region\" IN ('EU'))) AS \"store_transactions\""
            + " WHERE (\"store_id\" = 1) " + written,
        rewrite(sql));
    AnalyzedStatement statement = analyze(sql);
    assertEquals(StatementKind.SELECT, statement.kind());
    assertEquals(
        List.of(
            new RelationAccess(TRANSACTIONS_NAME, Access.READ, COLUMNS, List.of("transaction_id", "store_id")),
            new RelationAccess(TRANSACTIONS_NAME, Access.UPDATE, COLUMNS, List.of())),
        statement.relations());
  }

  /** The worked example of policies/CONTRACT.md ("alice locks sales of her region"), as Meshgate sends it. */
  @Test
  void theContractsWorkedLockExample() throws SqlRefusal {
    AnalyzedStatement statement = analyze("SELECT transaction_id, amount\nFROM sales.store_transactions\n"
        + "WHERE store_id = 12 AND day = DATE '2025-06-03'\nFOR UPDATE");
    assertEquals(
        List.of(
            new RelationAccess(TRANSACTIONS_NAME, Access.READ, COLUMNS, List.of("transaction_id", "store_id", "day", "amount")),
            new RelationAccess(TRANSACTIONS_NAME, Access.UPDATE, COLUMNS, List.of())),
        statement.relations());
    assertEquals(
        "SELECT \"transaction_id\", \"amount\" FROM (SELECT \"transaction_id\", \"store_id\", \"day\", \"amount\","
            + " pg_catalog.regexp_replace(pg_catalog.regexp_replace(CAST(\"customer_email\" AS pg_catalog.text), '^[^@]*$',"
            + " 'xxxx'), '^.*@', 'xxxx@') AS \"customer_email\", \"region\" FROM \"sales\".\"store_transactions\""
            + " WHERE (\"region\" IN ('EU'))) AS \"store_transactions\""
            + " WHERE ((\"store_id\" = 12) AND (\"day\" = DATE '2025-06-03')) FOR UPDATE",
        statement.rewrite(Decisions.allow()
            .relation(TRANSACTIONS, List.of(new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU"))),
                Map.of("customer_email", new ColumnMask.Email()), Set.of())
            .build()));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      prepare p as select store_id from sales.stores where store_id = $1 for update | PREPARE
      declare c cursor for select store_id from sales.stores for share skip locked  | DECLARE
      explain select store_id from sales.stores for update nowait                   | EXPLAIN
      """)
  void statementsThatCarryALockingSelectAreGovernedAsIt(String sql, String start) throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    assertEquals(List.of(Access.READ, Access.UPDATE), statement.relations().stream().map(RelationAccess::access).toList());
    String rewritten = statement.rewrite(Decisions.allow().build());
    assertTrue(rewritten.startsWith(start) && rewritten.matches(".* FOR (UPDATE|SHARE)( SKIP LOCKED| NOWAIT)?"), rewritten);
  }

  @Test
  void aSelectWithoutLockingClauseAsksOnlyToRead() throws SqlRefusal {
    assertEquals(List.of(Access.READ), accessesOf("select * from sales.store_transactions", TRANSACTIONS_NAME));
  }

  @Test
  void ofLocksOnlyTheNamedItemAndTheOthersAreOnlyRead() throws SqlRefusal {
    String sql = "select t.transaction_id from sales.store_transactions t join sales.stores s using (store_id)"
        + " for update of s skip locked";
    assertEquals(List.of(Access.READ), accessesOf(sql, TRANSACTIONS_NAME));
    assertEquals(List.of(Access.READ, Access.UPDATE), accessesOf(sql, STORES_NAME));
    // stores is not filtered: its derived table is merged anyway; transactions is not locked: fenced
    assertEquals(
        "SELECT \"t\".\"transaction_id\" FROM " + FENCED_EU_TRANSACTIONS + " AS \"t\" INNER JOIN (SELECT \"store_id\","
            + " \"zip_code\", \"region\" FROM \"sales\".\"stores\") AS \"s\" USING (\"store_id\")"
            + " FOR UPDATE OF \"s\" SKIP LOCKED",
        rewrite(sql));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select t.transaction_id from sales.store_transactions t join sales.stores s using (store_id) for update of t",
      "select 1 from sales.store_transactions, sales.stores for share",
      "select * from store_transactions where amount > 10 for update",
      "select * from store_transactions where store_id = 1.5 for update",
      "select * from store_transactions where store_id = 1 or store_id = 2 for update",
      "select * from store_transactions where store_id in (1, 2) for update",
      "select * from store_transactions where 1 / (store_id - 7) > 0 for update",
      "select * from (select * from store_transactions where store_id = 1) x for update",
      "select * from store_transactions tablesample bernoulli (50) for update",
  })
  void aFilteredTableIsLockedOnlyWhereItsRowsCanBeLockedExactlyAndSafely(String sql) throws SqlRefusal {
    AnalyzedStatement statement = analyze(sql);
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> statement.rewrite(EU_ONLY));
    assertEquals("0A000", refusal.sqlState());
    assertTrue(refusal.getMessage().startsWith("Meshgate cannot lock exactly the selected rows of sales.store_transactions"),
        refusal.getMessage());
    // without a row filter there is no fence to lift: PostgreSQL merges the derived table anyway
    assertTrue(statement.rewrite(Decisions.allow().build()).contains(" FOR "));
  }

  @Test
  void anUnaliasedTableIsNamedByItsTableNameWhichTheDerivedTableKeeps() throws SqlRefusal {
    String sql = "select store_id from sales.stores, sales.store_transactions"
        + " for share of store_transactions nowait";
    assertEquals(List.of(Access.READ), accessesOf(sql, STORES_NAME));
    assertEquals(List.of(Access.READ, Access.UPDATE), accessesOf(sql, TRANSACTIONS_NAME));
    assertTrue(analyze(sql).rewrite(Decisions.allow().build())
        .endsWith(" AS \"store_transactions\" FOR SHARE OF \"store_transactions\" NOWAIT"));
  }

  @Test
  void severalClausesLockEveryItemTheyName() throws SqlRefusal {
    String sql = "select 1 from sales.store_transactions t, sales.stores s"
        + " for update of t for key share of \"s\" nowait";
    assertEquals(List.of(Access.READ, Access.UPDATE), accessesOf(sql, TRANSACTIONS_NAME));
    assertEquals(List.of(Access.READ, Access.UPDATE), accessesOf(sql, STORES_NAME));
    assertTrue(analyze(sql).rewrite(Decisions.allow().build())
        .endsWith(" FOR UPDATE OF \"t\" FOR KEY SHARE OF \"s\" NOWAIT"));
  }

  @Test
  void withoutOfEveryTableOfTheOutermostFromIsLockedOnce() throws SqlRefusal {
    String sql = "select 1 from sales.store_transactions a join sales.store_transactions b using (store_id)"
        + " where exists (select 1 from sales.stores) for update";
    assertEquals(List.of(Access.READ, Access.UPDATE), accessesOf(sql, TRANSACTIONS_NAME));
    // the subquery of WHERE is not locked by PostgreSQL, so stores is only read
    assertEquals(List.of(Access.READ), accessesOf(sql, STORES_NAME));
  }

  @Test
  void aSubqueryInFromIsLockedWithItsTables() throws SqlRefusal {
    String sql = "select * from (select transaction_id from sales.store_transactions) x for update of x";
    assertEquals(List.of(Access.READ, Access.UPDATE), accessesOf(sql, TRANSACTIONS_NAME));
  }

  @Test
  void rowsOfAWithQueryAreNotLockedSoItsTablesAreOnlyRead() throws SqlRefusal {
    String sql = "with x as (select transaction_id from sales.store_transactions) select * from x for update";
    assertEquals(List.of(Access.READ), accessesOf(sql, TRANSACTIONS_NAME));
    assertTrue(rewrite(sql).endsWith(" FOR UPDATE"), rewrite(sql));
  }

  @Test
  void aClauseBeforeLimitIsWrittenAfterIt() throws SqlRefusal {
    assertEquals(
        "SELECT \"transaction_id\" FROM " + MERGEABLE_EU_TRANSACTIONS + " AS \"store_transactions\" ORDER BY \"transaction_id\""
            + " LIMIT 1 FOR UPDATE SKIP LOCKED",
        rewrite("select transaction_id from sales.store_transactions order by transaction_id"
            + " for update skip locked limit 1"));
  }

  @Test
  void parametersAndForInsideFunctionsAreKept() throws SqlRefusal {
    String sql = rewrite("select substring(customer_email from 1 for 2) from store_transactions"
        + " where transaction_id = $1 and day >= DATE '2025-01-01' and 'EU' = region for no key update");
    assertTrue(sql.startsWith("SELECT SUBSTRING(\"customer_email\", 1, 2) FROM"), sql);
    assertTrue(sql.contains(" AS \"store_transactions\" WHERE (((\"transaction_id\" = $1)"), sql);
    assertFalse(sql.contains("OFFSET 0"), sql);
    assertTrue(sql.endsWith(" FOR NO KEY UPDATE"), sql);
  }

  @Test
  void aQueryWithoutGovernedTablesPassesWithItsClause() throws SqlRefusal {
    AnalyzedStatement statement = analyze("select 1 for update");
    assertFalse(statement.requiresDecision());
    assertEquals("SELECT 1 FOR UPDATE", statement.passthroughSql());
  }

  @Test
  void aDeniedUpdateRefusesTheLockingSelect() throws SqlRefusal {
    AnalyzedStatement statement = analyze("select transaction_id from sales.store_transactions for update");
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> statement.rewrite(
        Decision.deny("mesh.sales.store_transactions: no rule of domain sales grants update access")));
    assertEquals("42501", refusal.sqlState());
    assertEquals(StatementKind.SELECT, refusal.statementKind().orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select * from sales.store_transactions where store_id in (select store_id from sales.stores for update)",
      "select * from (select * from sales.store_transactions for update) x",
      "with x as (select * from sales.store_transactions for update) select * from x",
      "(select * from sales.store_transactions for update)",
      "select * from sales.store_transactions for update limit 1 for share",
      "insert into sales.stores select * from sales.stores for update",
      "update sales.store_transactions set amount = 1 where transaction_id = (select 1 for update)",
      "delete from sales.stores where store_id in (select store_id from sales.stores for key share)",
      "copy (select * from sales.stores for update) to stdout",
      "select * from sales.stores union select * from sales.stores for update",
      "values (1) for update",
      "select * from pg_catalog.pg_class for update",
      "select * from pg_class for update",
      "select * from sales.stores, pg_catalog.pg_namespace for share",
      "select * from meshgate.data_products for update",
  })
  void lockingClausesMeshgateDoesNotGovernAreRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql));
    assertEquals("0A000", refusal.sqlState(), refusal.getMessage());
  }

  @Test
  void aCatalogRelationThatIsNotLockedMayBeRead() throws SqlRefusal {
    String sql = "select 1 from sales.stores s, pg_catalog.pg_namespace n for update of s";
    assertEquals(List.of(Access.READ, Access.UPDATE), accessesOf(sql, STORES_NAME));
  }

  @Test
  void ofMustNameAFromItemWithoutSchema() {
    SqlRefusal qualified = assertThrows(SqlRefusal.class,
        () -> analyze("select * from sales.stores for update of sales.stores"));
    assertEquals("42601", qualified.sqlState());
    assertTrue(qualified.getMessage().startsWith("FOR UPDATE must specify unqualified relation names"),
        qualified.getMessage());
    SqlRefusal missing = assertThrows(SqlRefusal.class,
        () -> analyze("select * from sales.stores s for share of stores"));
    assertEquals("42P01", missing.sqlState());
    assertTrue(missing.getMessage().startsWith("relation \"stores\" in FOR SHARE clause not found in FROM clause"),
        missing.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select * from sales.stores for update of",
      "select * from sales.stores for update of t,",
      "select * from sales.stores for update skip",
      "select * from sales.stores for no key share",
      "select * from sales.stores for update wait",
      "select * from sales.stores for update x",
      "select * from sales.stores for update of stores where store_id = 1",
  })
  void aClauseThatDoesNotReadIsASyntaxError(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql));
    assertEquals("42601", refusal.sqlState(), refusal.getMessage());
  }
}
