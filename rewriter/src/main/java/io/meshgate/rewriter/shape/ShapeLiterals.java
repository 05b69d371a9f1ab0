package io.meshgate.rewriter.shape;

import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.unparse.PostgresDialect;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.HexFormat;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Lifted literals as the rewriter writes them, and the sentinels that stand for them while the
 * first statement of a shape is governed.
 */
final class ShapeLiterals {
  /** Every string sentinel starts so; the rest is random, so no statement holds it by chance. */
  static final String STRING_SENTINEL_PREFIX = "meshgate_shape_";

  private static final long INTEGER_SENTINEL_FLOOR = 1_000_000_000L;
  private static final long BIGINT_SENTINEL_FLOOR = 1_000_000_000_000_000_000L;
  private static final long NUMERIC_SENTINEL_FLOOR = 100_000_000_000L;

  private ShapeLiterals() {}

  /**
   * The literal as the rewriter writes it: a string re-quoted from its decoded value by the
   * rewriter's own dialect (so {@code 'a' 'b'} continuations and doubled quotes come out as a
   * fresh rewrite would write them), a number as Calcite unparses the literal its parser makes of
   * it ({@code 007} is {@code 7}).
   */
  static String render(Token literal, LiteralClass literalClass) {
    return switch (literalClass) {
      case STRING -> {
        String value;
        try {
          value = PgStringLiterals.value(literal);
        } catch (LexicalException unreadable) {
          // The shape lexed it as one string token, so it decodes; anything else is a bug here.
          throw new IllegalStateException("a lifted string literal does not decode", unreadable);
        }
        StringBuilder quoted = new StringBuilder(value.length() + 2);
        PostgresDialect.INSTANCE.quoteStringLiteral(quoted, null, value);
        yield quoted.toString();
      }
      // A plain integer in bigint's range: Calcite writes its value's digits, leading zeros
      // dropped; computed here, since this runs for every spliced statement.
      case INTEGER, BIGINT -> Long.toString(Long.parseLong(literal.text()));
      case NUMERIC ->
          PostgresUnparser.unparse(SqlLiteral.createExactNumeric(literal.text(), SqlParserPos.ZERO), List.of());
    };
  }

  /**
   * A fresh sentinel of {@code literalClass}, spelled as a client would write it: a number of
   * the class's range with as many digits as the class allows (so it cannot be a piece of
   * another sentinel of its class), or a string of the prefix and 16 random hexadecimal digits.
   */
  static String sentinel(LiteralClass literalClass, RandomGenerator random) {
    return switch (literalClass) {
      case INTEGER -> Long.toString(random.nextLong(INTEGER_SENTINEL_FLOOR, Integer.MAX_VALUE + 1L));
      case BIGINT -> Long.toString(random.nextLong(BIGINT_SENTINEL_FLOOR, Long.MAX_VALUE));
      case NUMERIC -> "0." + random.nextLong(NUMERIC_SENTINEL_FLOOR, 10 * NUMERIC_SENTINEL_FLOOR);
      case STRING -> {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        yield "'" + STRING_SENTINEL_PREFIX + HexFormat.of().formatHex(bytes) + "'";
      }
    };
  }
}
