package io.meshgate.rewriter.unparse;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.Token;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.util.Litmus;

/**
 * A PostgreSQL type written exactly as PostgreSQL's {@code format_type()} spells it (e.g.
 * {@code character varying(100)}, {@code numeric(12,2)}, {@code timestamp without time zone}),
 * so a masked column is cast back to precisely its own type. The text must consist of
 * names, quoted names, numbers, parentheses, commas, dots and array brackets only.
 */
public final class PostgresTypeNameSpec extends SqlTypeNameSpec {
  private final String typeText;

  private PostgresTypeNameSpec(String typeText) {
    super(new SqlIdentifier(typeText, SqlParserPos.ZERO), SqlParserPos.ZERO);
    this.typeText = typeText;
  }

  /** A data type spec for {@code typeText}; rejects text that is not a plain type name. */
  public static SqlDataTypeSpec of(String typeText) {
    requireNonNull(typeText, "typeText is null");
    String trimmed = typeText.strip();
    if (!isPlainTypeName(trimmed)) {
      throw new IllegalArgumentException("not a plain PostgreSQL type name: " + typeText);
    }
    return new SqlDataTypeSpec(new PostgresTypeNameSpec(trimmed), SqlParserPos.ZERO);
  }

  public String typeText() {
    return typeText;
  }

  static boolean isPlainTypeName(String text) {
    if (text.isEmpty()) {
      return false;
    }
    try {
      for (Token token : PgLexer.tokenize(text)) {
        switch (token.type()) {
          case WHITESPACE, WORD, QUOTED_IDENTIFIER, NUMBER, OPEN_PAREN, CLOSE_PAREN,
              OPEN_BRACKET, CLOSE_BRACKET, COMMA, DOT -> {
            // allowed in a type name
          }
          case LINE_COMMENT, BLOCK_COMMENT, UNICODE_IDENTIFIER, STRING, ESCAPE_STRING,
              UNICODE_STRING, NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, PARAMETER,
              OPERATOR, SEMICOLON, COLON, TYPECAST, OTHER -> {
            return false;
          }
        }
      }
      return true;
    } catch (LexicalException e) {
      return false;
    }
  }

  @Override
  public RelDataType deriveType(SqlValidator validator) {
    throw new UnsupportedOperationException("PostgreSQL type names are not validated by Calcite");
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.print(typeText);
    writer.setNeedWhitespace(true);
  }

  @Override
  public boolean equalsDeep(SqlTypeNameSpec spec, Litmus litmus) {
    if (spec instanceof PostgresTypeNameSpec other && other.typeText.equals(typeText)) {
      return litmus.succeed();
    }
    return litmus.fail("{} != {}", this, spec);
  }
}
