package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for constants with a letter before the quote
 * returns what the client's own text returns, against a table whose columns are named by those
 * letters (so a constant misread as a column would return the column's values).
 */
class PrefixedLiteralsIT {
  private static final String SCHEMA = """
      CREATE SCHEMA docs;
      CREATE TABLE docs.letters (id integer, b bit(3), x bytea, n text, e text, u text);
      INSERT INTO docs.letters VALUES
        (1, B'111', '\\x00', 'column n', 'column e', 'column u'),
        (2, B'000', '\\x01', 'column n 2', 'column e 2', 'column u 2');
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id, B'101', b'10', B'' FROM docs.letters ORDER BY id",
      "SELECT id, B'101' | b, b & B'010', b # B'110', B'101' || b, B'1'\n  '01' FROM docs.letters ORDER BY id",
      "SELECT id, b = B'111', B'101'::varbit, length(B'10101'), B'101' AS b FROM docs.letters ORDER BY id",
      "SELECT id FROM docs.letters WHERE b <> B'111' OR b = b'000' ORDER BY id",
      "SELECT id, X'FF', x'0a', X'F' || B'1', x FROM docs.letters ORDER BY id",
      "SELECT id, N'abc', n'it''s', n = N'column n', N'a  ' = 'a', N'ab ' || 'c', N'a' AS n FROM docs.letters ORDER BY id",
      "SELECT id, E'a\\tb', e'it\\'s', e = E'column e' FROM docs.letters ORDER BY id",
      "SELECT id, U&'d\\0061t\\+000061', U&'d!0061t!+000061' UESCAPE '!', u = u&'column u' FROM docs.letters ORDER BY id"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  /** {@code b '101'} is a typed literal of a type named b, which PostgreSQL does not know. */
  @Test
  void aSpaceAfterTheLetterMakesATypedLiteral() throws Exception {
    database.assertForwardedFailsTheSame("SELECT b '101' FROM docs.letters");
  }

  /** A masked bit column compared with a bit-string constant compares the masked value. */
  @Test
  void aBitStringComparesWithTheMaskedColumn() throws Exception {
    Decision masked = Decisions.allow()
        .mask("mesh.docs.letters", "b", new ColumnMask.Constant("000"))
        .build();
    List<List<String>> rows = database.runGoverned(
        "SELECT id, b = B'000', b FROM docs.letters ORDER BY id", masked);
    assertEquals(List.of("1", "t", "000"), rows.get(1));
    assertEquals(List.of("2", "t", "000"), rows.get(2));
  }
}
