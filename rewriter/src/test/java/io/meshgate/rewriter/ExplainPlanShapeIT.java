package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a real PostgreSQL 15, why {@code ExplainStatement} refuses every EXPLAIN over a relation
 * with row filters, {@code COSTS off} included: the plan PostgreSQL picks for the rewritten
 * query tells how common a value is among the rows the filter hides.
 */
class ExplainPlanShapeIT {
  /** EU rows have names of their own; nine in ten of the hidden US rows are called Smith. */
  private static final String SCHEMA = """
      CREATE SCHEMA hr;
      CREATE TABLE hr.people (id integer PRIMARY KEY, region text, name text);
      INSERT INTO hr.people SELECT i, CASE WHEN i % 10 = 0 THEN 'EU' ELSE 'US' END,
        CASE WHEN i % 10 = 0 THEN 'eu' || i ELSE 'Smith' END FROM generate_series(1, 20000) i;
      CREATE INDEX ON hr.people (name);
      CREATE TABLE hr.badges (id integer PRIMARY KEY, label text);
      INSERT INTO hr.badges SELECT i, 'b' || i FROM generate_series(1, 20000) i;
      ANALYZE hr.people;
      ANALYZE hr.badges;
      """;
  private static final Decision EU_ONLY = Decisions.allow()
      .filter("mesh.hr.people", new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
      .build();

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  private String planWithoutCosts(String query) throws Exception {
    String rewritten = database.analyzer().analyze(query, List.of("public")).rewrite(EU_ONLY);
    return String.join("\n", database.run("EXPLAIN (COSTS off) " + rewritten).stream().skip(1).map(row -> row.get(0)).toList());
  }

  @Test
  void thePlanWithoutCostsStillTellsACommonHiddenValueFromAnAbsentOne() throws Exception {
    // the filtered rows hold neither name: to the user both queries are equally empty
    assertEquals(List.of(List.of("count"), List.of("0")),
        database.runGoverned("SELECT count(*) FROM hr.people WHERE name IN ('Smith', 'Jones')", EU_ONLY));
    // a comparison copied beside the filter: a sequential scan for the common value
    String smith = planWithoutCosts("SELECT id FROM hr.people WHERE name = 'Smith'");
    String jones = planWithoutCosts("SELECT id FROM hr.people WHERE name = 'Jones'");
    assertTrue(smith.contains("Seq Scan on people"), smith);
    assertTrue(jones.contains("Index Scan using people_name_idx"), jones);
    // a predicate left above the filter: PostgreSQL estimates it from the table's statistics all the same
    String smithJoin = planWithoutCosts(
        "SELECT * FROM hr.people p JOIN hr.badges b ON b.id = p.id WHERE p.name IN ('Smith', 'x')");
    String jonesJoin = planWithoutCosts(
        "SELECT * FROM hr.people p JOIN hr.badges b ON b.id = p.id WHERE p.name IN ('Jones', 'x')");
    assertTrue(smithJoin.startsWith("Hash Join"), smithJoin);
    assertTrue(jonesJoin.startsWith("Nested Loop"), jonesJoin);
  }

  @Test
  void meshgateRefusesExplainOnTheFilteredTableHoweverItIsSpelled() {
    for (String explain : List.of("EXPLAIN (COSTS off) SELECT id FROM hr.people WHERE name = 'Smith'",
        "EXPLAIN (COSTS false, FORMAT json) SELECT * FROM hr.people p JOIN hr.badges b ON b.id = p.id",
        "EXPLAIN (COSTS 0) SELECT id FROM hr.people")) {
      SqlRefusal refusal = assertThrows(SqlRefusal.class,
          () -> database.analyzer().analyze(explain, List.of("public")).rewrite(EU_ONLY), explain);
      assertEquals("42501", refusal.sqlState());
    }
  }

  @Test
  void explainOnTablesWithoutRowFiltersRuns() throws Exception {
    String rewritten = database.analyzer().analyze("EXPLAIN SELECT label FROM hr.badges WHERE id = 7", List.of("public"))
        .rewrite(EU_ONLY);
    String plan = String.join("\n", database.run(rewritten).stream().map(row -> row.get(0)).toList());
    assertTrue(plan.contains("Index Scan using badges_pkey") && plan.contains("rows="), plan);
  }
}
