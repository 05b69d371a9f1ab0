package io.meshgate.rewriter.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.Token;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatementShapeTest {

  @Test
  void statementsDifferingOnlyInComparedValuesShareAShape() {
    StatementShape first = shape("SELECT abalance FROM pgbench_accounts WHERE aid = 42");
    StatementShape second = shape("select abalance from pgbench_accounts where aid = 77");
    assertNotEquals(first.key(), second.key(), "words are kept verbatim, case included");
    assertEquals(first.key(), shape("SELECT abalance FROM pgbench_accounts WHERE aid = 99812").key());
    assertEquals(List.of("42"), texts(first));
    assertEquals(shape("SELECT * FROM s.t WHERE a = 'x' AND b >= 3 AND c <> 'it''s'").key(),
        shape("SELECT * FROM s.t WHERE a = 'yy' AND b >= 7 AND c <> ''").key());
    assertEquals(List.of("'x'", "3", "'it''s'"),
        texts(shape("SELECT * FROM s.t WHERE a = 'x' AND b >= 3 AND c <> 'it''s'")));
    // Whitespace and comments are not part of the shape.
    assertEquals(first.key(), shape("SELECT abalance /* c */ FROM pgbench_accounts\n WHERE aid =  1 -- x").key());
  }

  @Test
  void theShapeOfTokensIsTheShapeOfTheirText() throws LexicalException {
    for (String sql : List.of("SELECT abalance FROM pgbench_accounts WHERE aid = 42;",
        "SELECT * FROM s.t /* c */ WHERE a = 'x' AND b >= 3 -- d", "SET a = 1", "SELECT 1")) {
      assertEquals(StatementShape.of(sql), StatementShape.of(PgLexer.tokenize(sql)), sql);
    }
  }

  @Test
  void aLiteralsTypeIsPartOfTheShape() {
    assertNotEquals(shape("SELECT * FROM t WHERE a = 1").key(), shape("SELECT * FROM t WHERE a = 1.0").key());
    assertNotEquals(shape("SELECT * FROM t WHERE a = 1").key(), shape("SELECT * FROM t WHERE a = 5000000000").key());
    // Beyond bigint, and exponents, stay in the key: predicate pushdown treats a huge integer as
    // an integer, a decimal not, so they must not share the numeric class.
    assertEquals(Optional.empty(), StatementShape.of("SELECT * FROM t WHERE a = 50000000000000000000"));
    assertEquals(Optional.empty(), StatementShape.of("SELECT * FROM t WHERE a = 1e5"));
    assertEquals(shape("SELECT * FROM t WHERE a = 1.5").key(), shape("SELECT * FROM t WHERE a = .25").key());
    assertNotEquals(shape("SELECT * FROM t WHERE a = 1").key(), shape("SELECT * FROM t WHERE a = '1'").key());
    assertEquals(shape("SELECT * FROM t WHERE a = 2147483647").key(), shape("SELECT * FROM t WHERE a = 0").key());
    assertNotEquals(shape("SELECT * FROM t WHERE a = 2147483647").key(),
        shape("SELECT * FROM t WHERE a = 2147483648").key());
  }

  @Test
  void literalsThatAreNotPlainValuesStayInTheKey() {
    // Positions, limits, typed literals, casts, type modifiers, other string kinds.
    for (String sql : List.of(
        "SELECT a FROM t ORDER BY 1",
        "SELECT a, count(*) FROM t GROUP BY 1",
        "SELECT a FROM t LIMIT 10 OFFSET 5",
        "SELECT a FROM t WHERE d = DATE '2026-01-01'",
        "SELECT a FROM t WHERE d > now() - interval '1 day'",
        "SELECT a FROM t WHERE d = '2026-01-01'::date",
        "SELECT CAST(a AS varchar(3)) FROM t",
        "SELECT a FROM t WHERE b = E'x\\\\'",
        "SELECT a FROM t WHERE b = $$x$$",
        "SELECT a FROM t WHERE b = U&'x'",
        "SELECT a FROM t WHERE b = -1",
        "SELECT a FROM t WHERE b = 1 + 2",
        "SELECT a FROM t WHERE b[1] = c")) {
      assertEquals(Optional.empty(), StatementShape.of(sql), sql);
    }
  }

  @Test
  void utilityStatementsAreNeverShaped() {
    for (String sql : List.of(
        "SET search_path = 'sales'",
        "SET statement_timeout = 1000",
        "SHOW x",
        "PREPARE p AS SELECT * FROM t WHERE a = 1",
        "EXPLAIN SELECT * FROM t WHERE a = 1",
        "COPY t TO STDOUT WHERE a = 1",
        "DO $$ BEGIN END $$",
        "  ",
        "")) {
      assertEquals(Optional.empty(), StatementShape.of(sql), sql);
    }
  }

  /**
   * A literal's content can never make two statements of different structure share a shape:
   * whatever it holds (quotes, a parameter, comment markers, a semicolon), it is one token, and
   * the rest of the statement is compared token by token.
   */
  @Test
  void aLiteralCannotChangeTheStructureOfTheKey() {
    StatementShape plain = shape("SELECT * FROM t WHERE a = 'x' AND b = 1");
    for (String hostile : List.of(
        "SELECT * FROM t WHERE a = 'x'' OR 1=1 --' AND b = 1",
        "SELECT * FROM t WHERE a = '$1' AND b = 1",
        "SELECT * FROM t WHERE a = '/* x */' AND b = 1",
        "SELECT * FROM t WHERE a = '''; DROP TABLE t; --' AND b = 1",
        "SELECT * FROM t WHERE a = 'x\nAND b = 2' AND b = 1")) {
      StatementShape shape = shape(hostile);
      assertEquals(plain.key(), shape.key(), hostile);
      assertEquals(2, shape.literals().size(), hostile);
      assertTrue(shape.literals().get(0).text().startsWith("'"), hostile);
    }
    // The same characters outside a string are structure, and give another key.
    assertNotEquals(plain.key(), shape("SELECT * FROM t WHERE a = 'x' OR 1=1 AND b = 1").key());
    assertNotEquals(plain.key(), shape("SELECT * FROM t WHERE a = $1 AND b = 1").key());
  }

  @Test
  void writesAndCommonTableExpressionsAreShaped() {
    assertEquals(List.of("5", "'EU'"), texts(shape("UPDATE s.t SET a = 5 WHERE region = 'EU'")));
    assertEquals(List.of("3"), texts(shape("DELETE FROM s.t WHERE id = 3")));
    assertEquals(List.of("7"), texts(shape("WITH x AS (SELECT * FROM t WHERE a = 7) SELECT * FROM x")));
  }

  private static StatementShape shape(String sql) {
    return StatementShape.of(sql).orElseThrow(() -> new AssertionError("no shape for " + sql));
  }

  private static List<String> texts(StatementShape shape) {
    return shape.literals().stream().map(Token::text).toList();
  }
}
