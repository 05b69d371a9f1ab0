package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Calcite's Babel parser configured with PostgreSQL's conventions: double-quoted
 * identifiers, unquoted names folded to lower case, quoted names kept, case-sensitive. The
 * configuration is an immutable singleton; a parser is created for each use.
 */
public final class SqlParsing {
  public static final SqlParser.Config CONFIG =
      PostgresqlSqlDialect.DEFAULT
          .configureParser(SqlParser.config())
          .withParserFactory(SqlBabelParserImpl.FACTORY)
          .withConformance(SqlConformanceEnum.BABEL);

  private SqlParsing() {}

  /** Parses one normalized statement; a failure is a 42601 refusal pointing at the client's text. */
  public static SqlNode parseStatement(NormalizedText statement) throws SqlRefusal {
    try {
      SqlNode parsed = SqlParser.create(statement.text(), CONFIG).parseStmt();
      OperatorCarriers.restore(parsed, statement);
      SqlNode repaired = PrecedenceRepair.repair(parsed, statement.text());
      MarkerCalls.restore(repaired);
      MaterializationHints.restore(repaired, statement);
      ColumnDefinitionLists.restore(repaired, statement);
      return FetchesWithTies.restore(ExplicitTables.expand(repaired), statement);
    } catch (SqlParseException e) {
      throw syntaxError(statement, e.getPos(), firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      // Calcite reports some grammar violations as unchecked exceptions
      throw syntaxError(statement, null, firstLine(e.getMessage()));
    }
  }

  /** Parses a normalized standalone expression (a policy's filter or mask). */
  public static SqlNode parseExpression(NormalizedText expression) throws SqlRefusal {
    try {
      SqlNode parsed = SqlParser.create(expression.text(), CONFIG).parseExpression();
      OperatorCarriers.restore(parsed, expression);
      SqlNode repaired = PrecedenceRepair.repair(parsed, expression.text());
      MarkerCalls.restore(repaired);
      return FetchesWithTies.restore(repaired, expression);
    } catch (SqlParseException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, "cannot parse: " + firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, "cannot parse: " + firstLine(e.getMessage()));
    }
  }

  private static SqlRefusal syntaxError(
      NormalizedText statement, SqlParserPos position, String detail) {
    StringBuilder message = new StringBuilder("syntax error");
    if (position != null && position.getLineNum() > 0) {
      int offset =
          SourcePositions.offsetOf(statement.text(), position.getLineNum(), position.getColumnNum());
      message.append(" at ").append(statement.describeOriginalPosition(offset));
    }
    message.append(": Meshgate could not parse this statement, so it was not forwarded");
    if (detail != null && !detail.isBlank()) {
      message.append(" (").append(withoutCalcitePosition(detail)).append(')');
    }
    return new SqlRefusal(Reason.SYNTAX_ERROR, message.toString());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  /** Calcite's own "at line x, column y" refers to the normalized text, so it is dropped. */
  private static String withoutCalcitePosition(String detail) {
    return detail.replaceAll(" at line \\d+, column \\d+\\.?", "").strip();
  }
}
