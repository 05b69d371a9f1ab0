package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL's quantified pattern match, {@code x [NOT] LIKE|ILIKE ANY|SOME|ALL (array)}, is
 * parsed, written back as PostgreSQL reads it and governed like any expression. {@code
 * QuantifiedLikeIT} runs these texts on PostgreSQL.
 */
class QuantifiedLikeTest {
  private static final String TRANSACTIONS = DemoCatalog.TRANSACTIONS;
  private static final String DERIVED = DemoCatalog.unrestrictedTransactions("store_transactions");

  static Stream<Arguments> forwardedTexts() {
    return Stream.of(
        arguments("select * from sales.store_transactions where customer_email like any (array['%a%', '%b%'])",
            "SELECT * FROM " + DERIVED + " WHERE (\"customer_email\" LIKE ANY ((ARRAY['%a%', '%b%'])))"),
        arguments("select * from sales.store_transactions where customer_email LIKE SOME ('{%a%,%b%}')",
            "SELECT * FROM " + DERIVED + " WHERE (\"customer_email\" LIKE ANY ('{%a%,%b%}'))"),
        arguments("select * from sales.store_transactions where customer_email not like all (array['%a%'])",
            "SELECT * FROM " + DERIVED + " WHERE (\"customer_email\" NOT LIKE ALL ((ARRAY['%a%'])))"),
        arguments("select * from sales.store_transactions where customer_email ilike all (array[region, '%'])",
            "SELECT * FROM " + DERIVED + " WHERE (\"customer_email\" ILIKE ALL ((ARRAY[\"region\", '%'])))"),
        arguments("select * from sales.store_transactions where customer_email not ilike /* c */ any ($1)",
            "SELECT * FROM " + DERIVED + " WHERE (\"customer_email\" NOT ILIKE ANY ($1))"),
        // LIKE binds looser than ||, and the quantified form is an operand of AND and IS
        arguments("select customer_email || 'x' like any (array['%x']) is true and amount > 1"
                + " from sales.store_transactions",
            "SELECT ((((\"customer_email\" || 'x') LIKE ANY ((ARRAY['%x']))) IS TRUE) AND (\"amount\" > 1))"
                + " FROM " + DERIVED));
  }

  @ParameterizedTest
  @MethodSource("forwardedTexts")
  void theQuantifiedMatchIsForwardedAsPostgresqlReadsIt(String sql, String forwarded) throws SqlRefusal {
    assertEquals(forwarded, DemoCatalog.rewrite(sql, Decisions.allow().build()));
  }

  @Test
  void theOperandAndTheArrayAreColumnUsage() throws SqlRefusal {
    AnalyzedStatement statement = DemoCatalog.analyze("select 1 from sales.store_transactions"
        + " where customer_email like any (array[region || '%'])");
    RelationAccess transactions = statement.relations().getFirst();
    assertEquals(Set.of("customer_email", "region"), Set.copyOf(transactions.referencedColumns()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "select 1 from sales.store_transactions where customer_email like any (array['%a%'])",
      "select 1 from sales.store_transactions where region not like all (array[customer_email])",
      "select 1 from sales.store_transactions where region ilike some (array[upper(customer_email)])"})
  void aDeniedColumnIsRefusedOnEitherSide(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> DemoCatalog.rewrite(sql, Decisions.allow().deny(TRANSACTIONS, "customer_email").build()), sql);
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("customer_email"), refusal.getMessage());
  }

  /** The match stands above the derived table: it sees the masked value of filtered rows. */
  @Test
  void aMaskedColumnIsMatchedMasked() throws SqlRefusal {
    Decision decision = Decisions.allow().euRowsMasking(TRANSACTIONS, "customer_email", "hidden@example.com").build();
    assertEquals("SELECT \"transaction_id\" FROM (SELECT \"transaction_id\", \"store_id\", \"day\","
            + " \"amount\", CAST('hidden@example.com' AS text) AS \"customer_email\", \"region\""
            + " FROM \"sales\".\"store_transactions\" WHERE (\"region\" = 'EU') OFFSET 0)"
            + " AS \"store_transactions\" WHERE (\"customer_email\" LIKE ANY ((ARRAY['a%'])))",
        DemoCatalog.rewrite("select transaction_id from sales.store_transactions"
            + " where customer_email like any (array['a%'])", decision));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // PostgreSQL's grammar has no ESCAPE after a quantified pattern
      "select 1 from sales.store_transactions where region like any (array['a!%']) escape '!'",
      // Calcite reads ANY (SELECT ...) and ANY ((SELECT ...)) alike; PostgreSQL does not
      "select 1 from sales.store_transactions where region like any (select region from sales.stores)",
      "select 1 from sales.store_transactions where region like all ((select array_agg(region) from sales.stores))",
      // PostgreSQL has no quantifier after SIMILAR TO
      "select 1 from sales.store_transactions where region similar to any (array['E%'])",
      "select 1 from sales.store_transactions where region not similar to all (array['E%'])"})
  void whatPostgresqlOrMeshgateCannotReadIsRefused(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.rewrite(sql, Decisions.allow().build()), sql);
    assertTrue(Set.of("42601", "0A000", "42501").contains(refusal.sqlState()), refusal.getMessage());
  }

  @Test
  void similarToWithAQuantifierNamesTheWayAround() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.analyze(
        "select 1 from sales.store_transactions where region similar to some (array['E%'])"));
    assertEquals("42601", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("SIMILAR TO takes no ANY, SOME or ALL"), refusal.getMessage());
  }

  /** A client cannot write the marker itself to reach the quantifier by another road. */
  @Test
  void theMarkerNameIsReserved() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.analyze(
        "select 1 from sales.store_transactions where region like \"meshgate$like_all\"(array['E%'])"));
    assertEquals("42601", refusal.sqlState());
  }
}
