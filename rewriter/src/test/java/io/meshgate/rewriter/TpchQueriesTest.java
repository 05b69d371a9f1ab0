package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Access;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * All 22 TPC-H queries are governed reads of schema tpch: they parse, every table they name is a
 * relation of the policy input, and the rewrite (unrestricted and filtered) puts every table
 * behind a derived table. The proxy's TpchUnrestrictedIT and TpchFilteredIT compare their results
 * with PostgreSQL's own.
 */
class TpchQueriesTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer(TpchWorkload.catalog(), DemoCatalog.DATABASE);

  static List<TpchWorkload.Query> queries() {
    return TpchWorkload.queries();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void isAGovernedReadOfTpchTables(TpchWorkload.Query query) throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(query.sql(), TpchWorkload.SEARCH_PATH);
    assertEquals(StatementKind.SELECT, statement.kind());
    assertTrue(statement.requiresDecision(), query.name());
    for (RelationAccess relation : statement.relations()) {
      assertEquals("tpch", relation.relation().schema(), query.name());
      assertEquals(Access.READ, relation.access(), query.name());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void rewritesEveryTableBehindADerivedTable(TpchWorkload.Query query) throws SqlRefusal {
    AnalyzedStatement statement = analyzer.analyze(query.sql(), TpchWorkload.SEARCH_PATH);
    Decisions decisions = Decisions.allow();
    for (RelationAccess relation : statement.relations()) {
      String key = relation.relation().key();
      decisions.filter(key, new RowFilter.Comparison(relation.columns().get(0), FilterOperator.IS_NOT_NULL, List.of()));
    }
    Decision decision = decisions.build();
    String rewritten = statement.rewrite(decision);
    for (RelationAccess relation : statement.relations()) {
      assertTrue(rewritten.contains("FROM \"tpch\".\"" + relation.relation().table() + "\""),
          query.name() + ": " + rewritten);
    }
  }
}
