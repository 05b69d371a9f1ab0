package io.meshgate.rewriter.unparse;

import java.util.List;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.pretty.SqlPrettyWriter;

/**
 * A writer that prints dynamic parameters back as PostgreSQL's numbered {@code $n} and
 * keeps the statement on one line (line breaks inside literals are part of the literal and
 * are kept).
 */
final class PostgresSqlWriter extends SqlPrettyWriter {
  private final List<Integer> parameterNumbers;
  private final StringBuilder buffer;

  PostgresSqlWriter(List<Integer> parameterNumbers) {
    this(parameterNumbers, new StringBuilder());
  }

  private PostgresSqlWriter(List<Integer> parameterNumbers, StringBuilder buffer) {
    super(
        SqlPrettyWriter.config()
            .withDialect(PostgresDialect.INSTANCE)
            .withQuoteAllIdentifiers(true)
            // Every operand is parenthesized so PostgreSQL's operator precedence, which
            // differs from Calcite's, cannot regroup the expression tree that was analysed.
            .withAlwaysUseParentheses(true)
            .withIndentation(0)
            .withClauseStartsLine(false)
            .withClauseEndsLine(false)
            .withSelectListItemsOnSeparateLines(false)
            .withWhereListItemsOnSeparateLines(false)
            .withUpdateSetListNewline(false),
        buffer);
    this.parameterNumbers = List.copyOf(parameterNumbers);
    this.buffer = buffer;
  }

  @Override
  public void dynamicParam(int index) {
    if (index >= parameterNumbers.size()) {
      throw new IllegalStateException("parameter " + index + " has no number");
    }
    print("$" + parameterNumbers.get(index));
    setNeedWhitespace(true);
  }

  /** The type of the innermost open frame, or null at the top. */
  SqlWriter.FrameType currentFrameType() {
    return frame == null ? null : frame.getFrameType();
  }

  @Override
  public void newlineAndIndent(int indent) {
    buffer.append(' ');
    setNeedWhitespace(false);
  }
}
