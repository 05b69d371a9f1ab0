package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The select list Meshgate forwards for {@code select <expression> <from>}, a catalog-free
 * statement that passes without a decision: what tests of one construct's written-back
 * spelling compare, without the FROM clause around it.
 */
record ForwardedSelectList(StatementAnalyzer analyzer, String from, String forwardedFrom) {
  String of(String expression) throws SqlRefusal {
    String sql = analyzer.analyze("select " + expression + from, DemoCatalog.SEARCH_PATH)
        .passthroughSql();
    assertTrue(sql.startsWith("SELECT ") && sql.endsWith(forwardedFrom), sql);
    return sql.substring("SELECT ".length(), sql.length() - forwardedFrom.length());
  }
}
