package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshgate.policy.Decision;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code unnest(...)} outside FROM: PostgreSQL's unnest is a plain set-returning function, used
 * in select lists (SQLAlchemy reflects primary keys and indexes that way), while Calcite reads
 * UNNEST only as a FROM item. Where a FROM item starts it stays Calcite's UNNEST; elsewhere it
 * is a call like any other, governed as one. {@code SelectListUnnestIT} runs these texts on
 * PostgreSQL.
 */
class SelectListUnnestTest {
  private static final String TRANSACTIONS = DemoCatalog.TRANSACTIONS;
  private static final String DERIVED = DemoCatalog.unrestrictedTransactions("s");
  private static final String STORES =
      "(SELECT \"store_id\", \"zip_code\", \"region\" FROM \"sales\".\"stores\") AS \"t\"";

  static Stream<Arguments> forwardedTexts() {
    return Stream.of(
        arguments("select s.store_id, unnest(string_to_array(s.customer_email, '@')) as piece"
                + " from sales.store_transactions s",
            "SELECT \"s\".\"store_id\", unnest(string_to_array(\"s\".\"customer_email\", '@')) AS \"piece\""
                + " FROM " + DERIVED),
        arguments("select count(*) from (select unnest(array[s.store_id, 1]) as n from sales.store_transactions s) x"
                + " where x.n > 0",
            "SELECT count(*) FROM (SELECT unnest((ARRAY[\"s\".\"store_id\", 1])) AS \"n\" FROM " + DERIVED
                + ") AS \"x\" WHERE (\"x\".\"n\" > 0)"),
        // where a FROM item starts it stays Calcite's UNNEST: after FROM, JOIN and a FROM list's comma
        arguments("select u from sales.store_transactions s, unnest(array[s.store_id]) u",
            "SELECT \"u\" FROM " + DERIVED + ", UNNEST((ARRAY[\"s\".\"store_id\"])) AS \"u\""),
        arguments("select u from sales.store_transactions s join sales.stores t on t.store_id = s.store_id,"
                + " unnest(array[s.amount]) u",
            "SELECT \"u\" FROM " + DERIVED + " INNER JOIN " + STORES
                + " ON (\"t\".\"store_id\" = \"s\".\"store_id\"), UNNEST((ARRAY[\"s\".\"amount\"])) AS \"u\""),
        // a comma of a select list, a call's arguments and DISTINCT ON's list are no FROM list
        arguments("select distinct on (s.store_id) s.store_id, unnest(array[s.day]) from sales.store_transactions s"
                + " order by s.store_id",
            "SELECT DISTINCT ON (\"s\".\"store_id\") \"s\".\"store_id\", unnest((ARRAY[\"s\".\"day\"])) FROM "
                + DERIVED + " ORDER BY \"s\".\"store_id\""));
  }

  @ParameterizedTest
  @MethodSource("forwardedTexts")
  void unnestIsACallOutsideFromAndAFromItemWhereOneStarts(String sql, String forwarded) throws SqlRefusal {
    assertEquals(forwarded, DemoCatalog.rewrite(sql, Decisions.allow().build()));
  }

  /** Without governed relations the analysed text is sent as it is unparsed. */
  @ParameterizedTest
  @MethodSource("relationFreeTexts")
  void withoutRelationsItIsSentAsACallOrAFromItem(String sql, String sent) throws SqlRefusal {
    assertEquals(sent, DemoCatalog.analyze(sql).passthroughSql());
  }

  static Stream<Arguments> relationFreeTexts() {
    return Stream.of(
        arguments("select unnest(array[1, 2])", "SELECT unnest((ARRAY[1, 2]))"),
        arguments("select coalesce(null, unnest(array[1]))", "SELECT coalesce(NULL, unnest((ARRAY[1])))"),
        arguments("select * from unnest(array[1, 2]) with ordinality as u(v, n)",
            "SELECT * FROM UNNEST((ARRAY[1, 2])) WITH ORDINALITY AS \"u\" (\"v\", \"n\")"));
  }

  @Test
  void itsArgumentsAreColumnUsage() throws SqlRefusal {
    AnalyzedStatement statement = DemoCatalog.analyze(
        "select unnest(string_to_array(customer_email, '@')) from sales.store_transactions");
    assertEquals(Set.of("customer_email"), Set.copyOf(statement.relations().getFirst().referencedColumns()));
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> DemoCatalog.rewrite(
        "select unnest(array[customer_email]) from sales.store_transactions",
        Decisions.allow().deny(TRANSACTIONS, "customer_email").build()));
    assertEquals("42501", refusal.sqlState());
    assertTrue(refusal.getMessage().contains("customer_email"), refusal.getMessage());
  }

  /** Above the derived table, as every expression of the client's: it reads the masked value of filtered rows. */
  @Test
  void aMaskedColumnReachesItMaskedBeneathTheRowFilter() throws SqlRefusal {
    Decision decision = Decisions.allow().euRowsMasking(TRANSACTIONS, "customer_email", "hidden@example.com").build();
    assertEquals("SELECT unnest(string_to_array(\"s\".\"customer_email\", '@')) FROM (SELECT \"transaction_id\","
            + " \"store_id\", \"day\", \"amount\", CAST('hidden@example.com' AS text) AS \"customer_email\", \"region\""
            + " FROM \"sales\".\"store_transactions\" WHERE (\"region\" = 'EU') OFFSET 0) AS \"s\"",
        DemoCatalog.rewrite("select unnest(string_to_array(s.customer_email, '@')) from sales.store_transactions s",
            decision));
  }

  /** SQLAlchemy 2's reflection of a primary key (the text it sends, parameters and all). */
  @Test
  void sqlAlchemysPrimaryKeyReflectionParses() throws SqlRefusal {
    String sql = "SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols,"
        + " attr.conname, min(attr.description) AS description\n"
        + "FROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description,"
        + " con.ord AS ord, pg_catalog.pg_attribute.attname AS attname\n"
        + "FROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid,"
        + " pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum,"
        + " generate_subscripts(pg_catalog.pg_index.indkey, $1::INTEGER) AS ord,"
        + " pg_catalog.pg_description.description AS description\n"
        + "FROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index ON pg_catalog.pg_constraint.conindid"
        + " = pg_catalog.pg_index.indexrelid LEFT OUTER JOIN pg_catalog.pg_description ON"
        + " pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid\n"
        + "WHERE pg_catalog.pg_constraint.contype = $2::VARCHAR AND pg_catalog.pg_constraint.conrelid IN ($3))"
        + " AS con ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid\n"
        + "WHERE con.conrelid IN ($3)) AS attr GROUP BY attr.conrelid, attr.conname ORDER BY attr.conrelid, attr.conname";
    String sent = DemoCatalog.analyze(sql).passthroughSql();
    assertTrue(sent.contains("unnest(\"pg_catalog\".\"pg_index\".\"indkey\") AS \"attnum\""), sent);
  }
}
