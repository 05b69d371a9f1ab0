package io.meshgate.rewriter.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rewriter.DemoCatalog;
import io.meshgate.rewriter.Decisions;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShapeTemplateTest {
  private static final Random RANDOM = new Random(7);

  @Test
  void everyOccurrenceOfASentinelIsAHole() throws SqlRefusal {
    // Predicate pushdown copies store_id = <literal> into the derived table: two holes.
    String sql = "SELECT zip_code FROM sales.stores WHERE store_id = 42 AND zip_code = 'x'";
    StatementShape shape = StatementShape.of(sql).orElseThrow();
    ShapeSentinels sentinels = ShapeSentinels.of(sql, shape, RANDOM).orElseThrow();
    String rewritten = DemoCatalog.analyzer().analyze(sentinels.sql(), DemoCatalog.SEARCH_PATH)
        .rewrite(Decisions.allow().filter("mesh.sales.stores",
            new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))).build());
    ShapeTemplate template = ShapeTemplate.of(rewritten, sentinels).orElseThrow();
    assertEquals(List.of(0, 1, 0, 1), template.holes(), rewritten);
    String filled = template.fill(shape.renderedLiterals());
    assertEquals(rewritten.replace(sentinels.renderings().get(0), "42").replace(sentinels.renderings().get(1), "'x'"),
        filled);
  }

  @Test
  void aSentinelMissingOrAnywhereButAWholeLiteralMeansNoTemplate() {
    ShapeSentinels sentinels = new ShapeSentinels("SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_ab'",
        List.of("1234567890", "'meshgate_shape_ab'"));
    assertTrue(ShapeTemplate.of("SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_ab'", sentinels)
        .isPresent());
    for (String rewritten : List.of(
        // missing
        "SELECT * FROM t WHERE a = 1234567890",
        "SELECT * FROM t WHERE b = 'meshgate_shape_ab'",
        // inside another token: a string, an identifier, a comment, a longer number, a decimal
        "SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_ab' AND c = 'x1234567890'",
        "SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_ab' AND \"meshgate_shape_ab\" = 1",
        "SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_ab' /* 1234567890 */",
        "SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_ab' AND c = 91234567890",
        "SELECT * FROM t WHERE a = 1234567890.5 AND b = 'meshgate_shape_ab'",
        "SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_ab'\n'continued'",
        "SELECT * FROM t WHERE a = 1234567890 AND b = E'meshgate_shape_ab'",
        "SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_abc'",
        // does not lex
        "SELECT * FROM t WHERE a = 1234567890 AND b = 'meshgate_shape_ab' AND c = 'open")) {
      assertEquals(Optional.empty(), ShapeTemplate.of(rewritten, sentinels), rewritten);
    }
  }

  /**
   * Whatever a string literal holds, it is spliced as one plain string token that decodes to
   * exactly the client's value, and the tokens around it are the template's own.
   */
  @Test
  void aHostileLiteralIsSplicedAsOneValue() throws SqlRefusal, LexicalException {
    String sql = "SELECT zip_code FROM sales.stores WHERE zip_code = 'x' AND store_id = 1";
    StatementShape shape = StatementShape.of(sql).orElseThrow();
    ShapeSentinels sentinels = ShapeSentinels.of(sql, shape, RANDOM).orElseThrow();
    String rewritten = DemoCatalog.analyzer().analyze(sentinels.sql(), DemoCatalog.SEARCH_PATH)
        .rewrite(Decisions.allow().build());
    ShapeTemplate template = ShapeTemplate.of(rewritten, sentinels).orElseThrow();
    List<Token> templateTokens = significant(rewritten);
    for (String hostile : List.of("x' OR '1'='1", "$1", "-- c", "/* c", "*/", "; SELECT 1; --", "\\", "\\'",
        "E'\\x41'", "'", "''", "\n'\n", "$$", "$a$", "?", "\u0000", "U&'\\0041'")) {
      String quoted = "'" + hostile.replace("'", "''") + "'";
      String client = "SELECT zip_code FROM sales.stores WHERE zip_code = " + quoted + " AND store_id = 1";
      StatementShape clientShape = StatementShape.of(client).orElseThrow();
      assertEquals(shape.key(), clientShape.key(), client);
      String filled = template.fill(clientShape.renderedLiterals());
      List<Token> filledTokens = significant(filled);
      assertEquals(templateTokens.size(), filledTokens.size(), filled);
      for (int index = 0; index < templateTokens.size(); index++) {
        Token expected = templateTokens.get(index);
        Token actual = filledTokens.get(index);
        if (expected.text().equals(sentinels.renderings().get(0))) {
          assertEquals(TokenType.STRING, actual.type(), filled);
          assertEquals(hostile, PgStringLiterals.value(actual), filled);
        } else if (expected.text().equals(sentinels.renderings().get(1))) {
          assertEquals("1", actual.text(), filled);
        } else {
          assertEquals(expected.type(), actual.type(), filled);
          assertEquals(expected.text(), actual.text(), filled);
        }
      }
    }
  }

  /**
   * The sentinel statement is shared by every session with statements of the shape, so it keeps
   * nothing of the first statement but its key: no literal value, no comment.
   */
  @Test
  void theSentinelStatementKeepsOnlyTheKey() {
    String sql = "SELECT a FROM t /* alice's note */ WHERE a = 'secret' -- more\n AND b = 1234";
    StatementShape shape = StatementShape.of(sql).orElseThrow();
    ShapeSentinels sentinels = ShapeSentinels.of(sql, shape, RANDOM).orElseThrow();
    assertEquals(shape.key(), StatementShape.of(sentinels.sql()).orElseThrow().key());
    for (String kept : List.of("alice", "more", "secret", "1234")) {
      assertTrue(!sentinels.sql().contains(kept), sentinels.sql());
    }
  }

  /** E'' strings, dollar strings and other literals are not lifted at all: they stay in the key. */
  @Test
  void literalsWithEscapesAreNotLifted() {
    for (String sql : List.of(
        "SELECT * FROM t WHERE a = E'\\' OR 1=1 --'",
        "SELECT * FROM t WHERE a = $$x$$",
        "SELECT * FROM t WHERE a = $q$'$q$",
        "SELECT * FROM t WHERE a = U&'\\0041'",
        "SELECT * FROM t WHERE a = N'x'",
        "SELECT * FROM t WHERE a = B'101'",
        "SELECT * FROM t WHERE a = 1e5",
        "SELECT * FROM t WHERE a = 99999999999999999999")) {
      assertEquals(Optional.empty(), StatementShape.of(sql), sql);
    }
  }

  private static List<Token> significant(String sql) throws LexicalException {
    List<Token> tokens = new ArrayList<>();
    for (Token token : PgLexer.tokenize(sql)) {
      if (token.type().isSignificant()) {
        tokens.add(token);
      }
    }
    return tokens;
  }
}
