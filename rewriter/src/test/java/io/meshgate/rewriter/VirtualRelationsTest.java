package io.meshgate.rewriter;

import static io.meshgate.rewriter.RewriteAssertions.assertGovernedOnlyThroughDerivedTables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** References to the meshgate schema become derived tables of literal rows, wherever they stand. */
class VirtualRelationsTest {
  private static final DataProductRow STORES = new DataProductRow("sales", "stores",
      Optional.of("The stores."), List.of("sales_team"), Optional.of("Sales."), true);
  private static final ProductColumnRow EMAIL = new ProductColumnRow("sales", "store_transactions",
      "customer_email", 5, "text", Optional.of("E-mail."), Optional.of("pii.email"), Optional.of("email"));
  private static final DiscoveryRows ROWS = new DiscoveryRows(List.of(STORES), List.of(EMAIL));

  private static final String STORES_VALUES = "(CAST('sales' AS text), CAST('stores' AS text),"
      + " CAST('sales.stores' AS text), CAST('The stores.' AS text), CAST('{\"sales_team\"}' AS text[]),"
      + " CAST('Sales.' AS text), CAST(TRUE AS boolean))";
  private static final String DATA_PRODUCTS_COLUMNS = "\"domain\", \"product\", \"qualified_name\","
      + " \"description\", \"owners\", \"domain_description\", \"row_filtered\"";
  private static final String DATA_PRODUCTS_TABLE = "(SELECT " + DATA_PRODUCTS_COLUMNS
      + " FROM (VALUES " + STORES_VALUES + ") AS \"meshgate_rows\" (" + DATA_PRODUCTS_COLUMNS + "))";

  private final DemoCatalog catalog = new DemoCatalog();
  private final StatementAnalyzer analyzer = new StatementAnalyzer(catalog, DemoCatalog.DATABASE);

  private AnalyzedStatement analyze(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
  }

  @Test
  void aVirtualRelationAloneNeedsADecisionWithNoRelations() throws SqlRefusal {
    AnalyzedStatement statement = analyze("select * from meshgate.data_products");
    assertTrue(statement.requiresDecision());
    assertEquals(List.of(), statement.relations());
    assertEquals(Set.of(VirtualRelation.DATA_PRODUCTS), statement.virtualRelations());
    assertEquals(
        "SELECT * FROM " + DATA_PRODUCTS_TABLE + " AS \"data_products\"",
        statement.rewrite(Decisions.allow().build(), ROWS));
    assertFalse(catalog.lookups().stream().anyMatch(name -> name.startsWith("meshgate.")),
        "the backend is never asked about the meshgate schema: " + catalog.lookups());
  }

  @Test
  void noRowsStillHaveTheColumnsAndTypes() throws SqlRefusal {
    String rewritten = analyze("select domain, product from mesh.meshgate.data_products")
        .rewrite(Decisions.allow().build(), DiscoveryRows.empty());
    assertEquals("SELECT \"domain\", \"product\" FROM (SELECT CAST(NULL AS text) AS \"domain\","
        + " CAST(NULL AS text) AS \"product\", CAST(NULL AS text) AS \"qualified_name\","
        + " CAST(NULL AS text) AS \"description\", CAST(NULL AS text[]) AS \"owners\","
        + " CAST(NULL AS text) AS \"domain_description\", CAST(NULL AS boolean) AS \"row_filtered\""
        + " WHERE FALSE) AS \"data_products\"", rewritten);
  }

  @Test
  void columnsRowsAreTyped() throws SqlRefusal {
    String rewritten = analyze("select * from meshgate.columns c where c.masked")
        .rewrite(Decisions.allow().build(), ROWS);
    assertTrue(rewritten.contains("(VALUES (CAST('sales' AS text), CAST('store_transactions' AS text),"
        + " CAST('customer_email' AS text), CAST(5 AS integer), CAST('text' AS text),"
        + " CAST('E-mail.' AS text), CAST('pii.email' AS text), CAST(TRUE AS boolean),"
        + " CAST('email' AS text)))"), rewritten);
    assertTrue(rewritten.endsWith(") AS \"c\" WHERE \"c\".\"masked\""), rewritten);
  }

  @Test
  void anAliasAndItsColumnListApplyToTheDerivedTable() throws SqlRefusal {
    String rewritten = analyze("select p.d from meshgate.data_products as p(d, n) order by p.d")
        .rewrite(Decisions.allow().build(), ROWS);
    assertEquals("SELECT \"p\".\"d\" FROM " + DATA_PRODUCTS_TABLE + " AS \"p\" (\"d\", \"n\")"
        + " ORDER BY \"p\".\"d\"", rewritten);
  }

  @Test
  void schemaQualifiedColumnNamesFollowTheDerivedTable() throws SqlRefusal {
    String rewritten = analyze("select meshgate.data_products.product from meshgate.data_products"
        + " where meshgate.data_products.domain = 'sales'")
        .rewrite(Decisions.allow().build(), ROWS);
    assertTrue(rewritten.startsWith("SELECT \"data_products\".\"product\" FROM (SELECT"), rewritten);
    assertTrue(rewritten.endsWith("AS \"data_products\" WHERE (\"data_products\".\"domain\" = 'sales')"), rewritten);
  }

  @Test
  void joinedWithAGovernedTableBothAreReplaced() throws SqlRefusal {
    Decision decision = Decisions.allow()
        .filter("mesh.sales.stores", new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
        .build();
    AnalyzedStatement statement = analyze("select s.zip_code, p.description from sales.stores s"
        + " join meshgate.data_products p on p.qualified_name = 'sales.stores'"
        + " where exists (select 1 from meshgate.columns c where c.product = p.product)");
    assertEquals(List.of("mesh.sales.stores"),
        statement.relations().stream().map(relation -> relation.relation().key()).toList());
    assertEquals(Set.of(VirtualRelation.DATA_PRODUCTS, VirtualRelation.COLUMNS), statement.virtualRelations());
    String rewritten = statement.rewrite(decision, ROWS);
    assertEquals(1, assertGovernedOnlyThroughDerivedTables(rewritten, Map.of("sales.stores", "(\"region\" = 'EU')")));
    assertFalse(rewritten.contains("\"meshgate\""), rewritten);
  }

  @Test
  void everyReferenceIsReplacedInCtesAndSetOperations() throws SqlRefusal {
    String rewritten = analyze("with p as (select product from meshgate.data_products)"
        + " select product from p union all select product from meshgate.columns")
        .rewrite(Decisions.allow().build(), ROWS);
    assertFalse(rewritten.contains("\"meshgate\""), rewritten);
    assertEquals(2, rewritten.split("VALUES", -1).length - 1, rewritten);
  }

  @Test
  void theSearchPathReachesTheMeshgateSchema() throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze("select * from columns", List.of("meshgate", "public"));
    assertEquals(Set.of(VirtualRelation.COLUMNS), statement.virtualRelations());
    // without it, an unqualified name is not a virtual relation
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze("select * from data_products"));
    assertEquals(SqlRefusal.Reason.UNDEFINED_TABLE, refusal.reason());
  }

  @Test
  void aCteOfTheSameNameIsNotTheVirtualRelation() throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(
        "with columns as (select 1 as x) select * from columns", List.of("meshgate"));
    assertFalse(statement.requiresDecision());
  }

  @ParameterizedTest
  @ValueSource(strings = {"select * from meshgate.nothing", "select * from mesh.meshgate.tables"})
  void anUnknownNameInTheMeshgateSchemaDoesNotExist(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyze(sql));
    assertEquals(SqlRefusal.Reason.UNDEFINED_TABLE, refusal.reason());
  }

  @Test
  void aDenialStillRefusesAStatementThatReadsOnlyVirtualRelations() throws SqlRefusal {
    AnalyzedStatement statement = analyze("select * from meshgate.data_products");
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> statement.rewrite(Decision.deny("outside office hours"), ROWS));
    assertEquals(SqlRefusal.Reason.PERMISSION_DENIED, refusal.reason());
  }

  @Test
  void rewritingWithoutRowsIsAProgrammingError() throws SqlRefusal {
    AnalyzedStatement statement = analyze("select * from meshgate.columns");
    assertThrows(IllegalStateException.class, () -> statement.rewrite(Decisions.allow().build()));
  }

  @Test
  void valuesAreLiteralsHoweverTheyAreSpelled() throws SqlRefusal {
    DataProductRow hostile = new DataProductRow("sales", "stores",
        Optional.of("it's \\ a '); DROP TABLE x; --"), List.of("a\"b", "c\\d", "e,f}"), Optional.empty(), false);
    String rewritten = analyze("select description, owners from meshgate.data_products")
        .rewrite(Decisions.allow().build(), new DiscoveryRows(List.of(hostile), List.of()));
    assertTrue(rewritten.contains("CAST('it''s \\ a ''); DROP TABLE x; --' AS text)"), rewritten);
    assertTrue(rewritten.contains("CAST('{\"a\\\"b\",\"c\\\\d\",\"e,f}\"}' AS text[])"), rewritten);
    assertTrue(rewritten.contains("CAST(NULL AS text)"), rewritten);
  }

  @Test
  void copyOutOfAVirtualRelationIsGovernedLikeItsQuery() throws SqlRefusal {
    AnalyzedStatement statement = analyze("copy meshgate.data_products to stdout with (format csv)");
    assertEquals(StatementKind.COPY_OUT, statement.kind());
    assertEquals(Set.of(VirtualRelation.DATA_PRODUCTS), statement.virtualRelations());
    String rewritten = statement.rewrite(Decisions.allow().build(), ROWS);
    assertTrue(rewritten.startsWith("COPY (SELECT * FROM (SELECT"), rewritten);
    assertTrue(rewritten.endsWith(") TO STDOUT with (format csv)"), rewritten);
  }

  @Test
  void copyIntoAVirtualRelationIsRefused() {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> analyze("copy meshgate.columns from stdin"));
    assertEquals(SqlRefusal.Reason.PERMISSION_DENIED, refusal.reason());
  }

  @Test
  void tablesampleIsRefused() {
    assertThrows(SqlRefusal.class,
        () -> analyze("select * from meshgate.data_products tablesample system (10)"));
  }
}
