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
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.DemoCatalog;
import io.meshgate.rewriter.RewrittenStatement;
import io.meshgate.rewriter.RowFilterCheck;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** INSERT ... ON CONFLICT ... DO UPDATE: policy input, the SQL written, and each refusal. */
class UpsertTest {
  private static final String TRANSACTIONS = "mesh.sales.store_transactions";
  private static final RelationName RELATION = new RelationName("mesh", "sales", "store_transactions");
  private static final List<String> COLUMNS =
      List.of("transaction_id", "store_id", "day", "amount", "customer_email", "region");
  private static final String EU = "(\"t\".\"region\" IN ('EU'))";
  private static final String EMAIL_MASK = "pg_catalog.regexp_replace(pg_catalog.regexp_replace("
      + "CAST(\"t\".\"customer_email\" AS pg_catalog.text), '^[^@]*$', 'xxxx'), '^.*@', 'xxxx@')";

  private static final Decision DECISION = new Decision(true, List.of(), Map.of(
      TRANSACTIONS, new RelationPolicy(
          List.of(new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU"))),
          Map.of("customer_email", new ColumnMask.Email()),
          Set.of("day"))),
      List.of("test"));

  private final StatementAnalyzer analyzer = DemoCatalog.analyzer();

  /** The DO UPDATE's WHERE: {@code then} on a conflicting row inside the filters, else an error. */
  private static String conflictWhere(String then, RowFilterCheck check) {
    assertEquals(RowFilterCheck.CheckedRow.CONFLICTING, check.row());
    return " WHERE CASE WHEN (" + EU + ") IS TRUE THEN " + then + " ELSE CAST(CASE WHEN (" + EU
        + ") IS TRUE THEN NULL ELSE '" + check.marker() + "' END AS integer) IS NULL END";
  }

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  private RewrittenStatement rewrite(String sql) throws SqlRefusal {
    return analyze(sql).rewriteWithChecks(DECISION);
  }

  @Test
  void thePolicySeesInsertUpdateAndTheReadOfTheExistingRow() throws SqlRefusal {
    AnalyzedStatement statement = analyze(
        "insert into store_transactions as t (transaction_id, store_id, region, amount)"
            + " values (1, 2, 'EU', 3) on conflict (transaction_id)"
            + " do update set amount = t.amount + excluded.amount, store_id = excluded.store_id"
            + " where t.store_id > 0");
    assertEquals(StatementKind.INSERT, statement.kind());
    assertEquals(List.of(
        new RelationAccess(RELATION, Access.INSERT, COLUMNS,
            List.of("transaction_id", "store_id", "amount", "region")),
        new RelationAccess(RELATION, Access.UPDATE, COLUMNS, List.of("store_id", "amount")),
        new RelationAccess(RELATION, Access.READ, COLUMNS, List.of("store_id", "amount"))),
        statement.relations());
  }

  @Test
  void excludedIsTheProposedRowNotARead() throws SqlRefusal {
    AnalyzedStatement statement = analyze(
        "insert into store_transactions (transaction_id, region, amount) values (1, 'EU', 3)"
            + " on conflict (transaction_id) do update set amount = excluded.amount,"
            + " store_id = excluded.store_id");
    // store_id is not inserted: EXCLUDED.store_id is its proposed (default) value, which the
    // DO UPDATE writes, so the policy is asked to let the client insert it
    assertEquals(List.of(
        new RelationAccess(RELATION, Access.INSERT, COLUMNS,
            List.of("transaction_id", "store_id", "amount", "region")),
        new RelationAccess(RELATION, Access.UPDATE, COLUMNS, List.of("store_id", "amount"))),
        statement.relations());
  }

  @Test
  void theDoUpdateIsRestrictedToRowsInsideTheFilters() throws SqlRefusal {
    RewrittenStatement rewritten = rewrite(
        "insert into store_transactions as t (transaction_id, store_id, region, amount)"
            + " values (1, 2, 'EU', 3) on conflict (transaction_id)"
            + " do update set amount = excluded.amount where t.amount < 1000 returning t.amount");
    String sql = rewritten.sql();
    assertEquals(2, rewritten.rowFilterChecks().size(), "the inserted row and the conflicting row");
    assertTrue(sql.startsWith("INSERT INTO \"sales\".\"store_transactions\" AS \"t\""
        + " (\"transaction_id\", \"store_id\", \"region\", \"amount\") SELECT * FROM (SELECT"), sql);
    assertTrue(sql.endsWith(" ON CONFLICT (\"transaction_id\") DO UPDATE SET"
        + " \"amount\" = \"excluded\".\"amount\""
        + conflictWhere("((\"t\".\"amount\" < 1000))", rewritten.rowFilterChecks().get(1))
        + " RETURNING \"t\".\"amount\""), sql);
  }

  @Test
  void withoutTheClientsWhereTheFiltersAloneRestrict() throws SqlRefusal {
    RewrittenStatement rewritten = rewrite("insert into store_transactions as t (transaction_id, region)"
        + " values (1, 'EU') on conflict (transaction_id) do update set amount = 0");
    assertTrue(rewritten.sql().endsWith(" DO UPDATE SET \"amount\" = 0"
        + conflictWhere("TRUE", rewritten.rowFilterChecks().get(1))), rewritten.sql());
  }

  @Test
  void anUpdatedRowIsCheckedWhenTheSetWritesAFilterColumn() throws SqlRefusal {
    RewrittenStatement rewritten = rewrite(
        "insert into store_transactions as t (transaction_id, region) values (1, 'EU')"
            + " on conflict (transaction_id) do update set region = excluded.region, amount = 1");
    assertEquals(3, rewritten.rowFilterChecks().size(), "the inserted, the updated and the conflicting row");
    String updateMarker = rewritten.rowFilterChecks().get(1).marker();
    assertFalse(updateMarker.equals(rewritten.rowFilterChecks().get(0).marker()));
    assertTrue(rewritten.sql().endsWith(" DO UPDATE SET \"amount\" = 1, (\"region\") = (SELECT"
        + " \"meshgate_new\".\"region\" FROM (SELECT CAST(\"excluded\".\"region\" AS text) AS"
        + " \"region\" OFFSET 0) AS \"meshgate_new\" WHERE CAST(CASE WHEN"
        + " ((\"meshgate_new\".\"region\" IN ('EU'))) IS TRUE THEN NULL ELSE '" + updateMarker
        + "' END AS integer) IS NULL)" + conflictWhere("TRUE", rewritten.rowFilterChecks().get(2))),
        rewritten.sql());
  }

  @Test
  void theExistingRowIsSeenMasked() throws SqlRefusal {
    String sql = rewrite("insert into store_transactions as t (transaction_id, region)"
        + " values (1, 'EU') on conflict (transaction_id) do update set region = t.region,"
        + " amount = length(t.customer_email) where t.customer_email like '%@x.org'"
        + " returning t.customer_email").sql();
    assertTrue(sql.contains(" DO UPDATE SET \"amount\" = length(" + EMAIL_MASK + "),"), sql);
    assertTrue(sql.contains("THEN ((" + EMAIL_MASK + " LIKE '%@x.org'))"), sql);
    assertTrue(sql.endsWith(" RETURNING " + EMAIL_MASK + " AS \"customer_email\""), sql);
    assertFalse(sql.replace(EMAIL_MASK, "").contains("customer_email\" "), sql);
  }

  @Test
  void theContractsExampleIsWhatIsSent() throws SqlRefusal {
    // policies/CONTRACT.md, "Writes", alice's upsert
    Decision alices = new Decision(true, List.of(), Map.of(
        TRANSACTIONS, new RelationPolicy(
            List.of(new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU"))),
            Map.of("customer_email", new ColumnMask.Email()), Set.of())),
        List.of("test"));
    AnalyzedStatement statement = analyze(
        "INSERT INTO sales.store_transactions AS t (transaction_id, store_id, day, amount, region)"
            + " VALUES (901, 12, DATE '2025-06-03', 5, 'EU')"
            + " ON CONFLICT (transaction_id) DO UPDATE SET amount = t.amount + EXCLUDED.amount");
    assertEquals(List.of(
        new RelationAccess(RELATION, Access.INSERT, COLUMNS,
            List.of("transaction_id", "store_id", "day", "amount", "region")),
        new RelationAccess(RELATION, Access.UPDATE, COLUMNS, List.of("amount")),
        new RelationAccess(RELATION, Access.READ, COLUMNS, List.of("amount"))),
        statement.relations());
    RewrittenStatement rewritten = statement.rewriteWithChecks(alices);
    assertTrue(rewritten.sql().endsWith(" ON CONFLICT (\"transaction_id\") DO UPDATE SET \"amount\" ="
        + " (\"t\".\"amount\" + \"excluded\".\"amount\")"
        + conflictWhere("TRUE", rewritten.rowFilterChecks().get(1))), rewritten.sql());
  }

  @Test
  void onConstraintIsWrittenBackWhenThePolicyHidesNoColumn() throws SqlRefusal {
    Decision open = new Decision(true, List.of(), Map.of(
        TRANSACTIONS, new RelationPolicy(List.of(), Map.of(), Set.of())), List.of("test"));
    String sql = analyze("insert into store_transactions as t (transaction_id, amount)"
        + " values (1, 2) on conflict on constraint \"Pkey\" do update set amount = DEFAULT")
        .rewrite(open);
    assertEquals("INSERT INTO \"sales\".\"store_transactions\" AS \"t\" (\"transaction_id\","
        + " \"amount\") VALUES (1, 2) ON CONFLICT ON CONSTRAINT \"Pkey\" DO UPDATE SET"
        + " \"amount\" = DEFAULT", sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // SET of a masked or a denied column
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set customer_email = 'x'",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set day = now()",
      // EXCLUDED of a column the client may not insert
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = length(excluded.customer_email)",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = 1 where excluded.day is null",
      // inserting a denied column
      "insert into store_transactions as t (transaction_id, region, day) values (1, 'EU', now()) on conflict (transaction_id) do update set amount = 1",
      // a conflict target the policy masks or denies
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (customer_email) do update set amount = 1",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (day) do update set amount = 1"})
  void hiddenColumnsAreRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(sql));
    assertEquals("42501", refusal.sqlState(), refusal.getMessage());
  }

  @Test
  void aRefusedColumnIsNamed() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(
        "insert into store_transactions as t (transaction_id, region) values (1, 'EU')"
            + " on conflict (transaction_id) do update set customer_email = 'x'"));
    assertTrue(refusal.getMessage().contains("customer_email"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = (select max(amount) from sales.store_transactions)",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = 1 where exists (select 1 from sales.stores)",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = 1 where t.store_id in (select store_id from sales.stores)",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set (amount, store_id) = (1, 2)",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = 1 where current of c",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = row_to_json(excluded)::text::numeric",
      "insert into store_transactions as excluded (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = 1",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict on constraint pk do update set amount = 1",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (lower(region)) do update set amount = 1",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) where amount > 0 do update set amount = 1",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = 1 from sales.stores",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set t.amount = 1",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set region = meshgate_source.region",
      "insert into store_transactions as t (transaction_id, region) values (1, 'EU') on conflict (transaction_id) do update set amount = 1 where meshgate_new.region = 'EU'"})
  void constructsNotGovernedAreRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(sql));
    assertTrue(Set.of("0A000", "42601").contains(refusal.sqlState()), refusal.getMessage());
    assertEquals(StatementKind.INSERT, refusal.statementKind().orElseThrow());
  }

  @Test
  void anUnqualifiedColumnIsAmbiguousAsInPostgres() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(
        "insert into store_transactions as t (transaction_id, region) values (1, 'EU')"
            + " on conflict (transaction_id) do update set amount = customer_email::numeric"));
    assertEquals("42601", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("ambiguous"), refusal.getMessage());
  }

  @Test
  void doUpdateNeedsAConflictTarget() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> rewrite(
        "insert into store_transactions as t (transaction_id, region) values (1, 'EU')"
            + " on conflict do update set amount = 1"));
    assertEquals("42601", refusal.sqlState());
  }
}
