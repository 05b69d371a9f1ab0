package io.meshgate.rewriter;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.later.LaterCommand;
import io.meshgate.rewriter.later.LaterCommandParser;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.StatementSplitter;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Statements whose SQL runs later or differently. PREPARE, DECLARE and EXPLAIN carry a
 * statement that is governed like the statement itself and forwarded behind Meshgate's own
 * head; EXECUTE, FETCH and MOVE run what was governed before and pass (EXECUTE's parameters
 * are checked like a SELECT list); DO runs procedural code Meshgate cannot analyse and is
 * refused.
 */
final class LaterStatements {
  /** Governs the statement a PREPARE, DECLARE or EXPLAIN carries, as if it were sent alone. */
  @FunctionalInterface
  interface InnerAnalysis {
    AnalyzedStatement analyze(StatementText statement) throws SqlRefusal;
  }

  /** What a PREPARE may hold: the statements PostgreSQL prepares. */
  private static final Set<String> PREPARABLE =
      Set.of("select", "with", "values", "table", "insert", "update", "delete", "merge");
  private static final Set<String> QUERY = Set.of("select", "with", "values", "table");

  private LaterStatements() {}

  /** The analysed statement if it is one of these; empty for every other statement. */
  static Optional<AnalyzedStatement> analyze(StatementText statement, InnerAnalysis inner)
      throws SqlRefusal {
    List<Token> significant = statement.significantTokens();
    Token first = significant.get(0);
    if (first.isWord("do")) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "DO blocks are not allowed through Meshgate: the SQL they run is procedural code"
              + " Meshgate cannot analyse; send the statements themselves",
          StatementKind.CALL);
    }
    if (first.isWord("fetch") || first.isWord("move")) {
      return Optional.of(cursorMovement(statement, significant));
    }
    Optional<LaterCommand> command = LaterCommandParser.parse(statement);
    if (command.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(switch (command.get()) {
      case LaterCommand.Prepare prepare -> {
        AnalyzedStatement prepared = carried(prepare.statement(), PREPARABLE, "PREPARE", inner);
        String types = prepare.types().isEmpty() ? "" : " (" + prepare.types() + ")";
        yield new WrappedStatement(
            "PREPARE " + PgIdentifiers.quote(prepare.name()) + types + " AS ",
            prepared,
            Optional.of(new PreparedStatementUse.Prepare(prepare.name())));
      }
      case LaterCommand.Declare declare -> {
        AnalyzedStatement query = carried(declare.query(), QUERY, "DECLARE CURSOR", inner);
        String options = declare.options().isEmpty() ? "" : declare.options() + " ";
        String hold = declare.hold().isEmpty() ? "" : declare.hold() + " ";
        yield new WrappedStatement(
            "DECLARE " + PgIdentifiers.quote(declare.name()) + " " + options + "CURSOR " + hold + "FOR ",
            query,
            Optional.of(new PreparedStatementUse.DeclareCursor(declare.name())));
      }
      case LaterCommand.Explain explain -> new ExplainStatement(
          "EXPLAIN " + (explain.options().isEmpty() ? "" : explain.options() + " "),
          carried(explain.statement(), QUERY, "EXPLAIN", inner));
      case LaterCommand.Execute execute -> new PassthroughStatement(
          StatementKind.UTILITY,
          "EXECUTE " + PgIdentifiers.quote(execute.name()) + parameters(execute, inner),
          Optional.of(new PreparedStatementUse.Execute(execute.name())));
    });
  }

  /**
   * The statement a PREPARE, DECLARE or EXPLAIN carries: only what PostgreSQL accepts there
   * and Meshgate governs (queries; writes once the analyzer governs them), never another
   * utility or a statement of this kind.
   */
  private static AnalyzedStatement carried(
      StatementText statement, Set<String> allowed, String construct, InnerAnalysis inner)
      throws SqlRefusal {
    Token first = statement.significantTokens().get(0);
    boolean fits = first.type() == TokenType.OPEN_PAREN
        || (first.type() == TokenType.WORD && allowed.contains(first.foldedWord()));
    if (!fits) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          construct + " of " + first.text() + " statements is not governed by Meshgate; the"
              + " statement was not forwarded",
          StatementKind.UTILITY);
    }
    AnalyzedStatement analyzed = inner.analyze(statement);
    boolean query = analyzed.kind() == StatementKind.SELECT;
    if (!query && allowed == QUERY) {
      // EXPLAIN ANALYZE would run a write: refused until writes are governed under EXPLAIN
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          construct + " of " + analyzed.kind().wireName() + " statements is not governed by"
              + " Meshgate yet; the statement was not forwarded",
          analyzed.kind());
    }
    return analyzed;
  }

  /**
   * EXECUTE's parameters are expressions evaluated by the backend: they may call functions
   * (PostgreSQL forbids subqueries there), so they are analysed as a SELECT list and
   * forwarded as analysed.
   */
  private static String parameters(LaterCommand.Execute execute, InnerAnalysis inner)
      throws SqlRefusal {
    if (execute.parameters().isEmpty()) {
      return "";
    }
    AnalyzedStatement select = inner.analyze(statementOf("SELECT " + execute.parameters().get()));
    String prefix = "SELECT ";
    if (select.requiresDecision() || !select.passthroughSql().startsWith(prefix)) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "EXECUTE parameters must be values, not queries; the statement was not forwarded",
          StatementKind.UTILITY);
    }
    return " (" + select.passthroughSql().substring(prefix.length()) + ")";
  }

  /** FETCH and MOVE name a direction, a count and a cursor: nothing that computes. */
  private static AnalyzedStatement cursorMovement(StatementText statement, List<Token> significant)
      throws SqlRefusal {
    for (Token token : significant) {
      boolean plain = token.type() == TokenType.WORD || token.type() == TokenType.NUMBER
          || token.type() == TokenType.QUOTED_IDENTIFIER
          || (token.type() == TokenType.OPERATOR && (token.text().equals("-") || token.text().equals("+")));
      if (!plain) {
        throw new SqlRefusal(
            Reason.SYNTAX_ERROR,
            "syntax error at or near \"" + token.text() + "\": Meshgate could not read this "
                + significant.get(0).text().toUpperCase(java.util.Locale.ROOT)
                + " statement, so it was not forwarded",
            StatementKind.UTILITY);
      }
    }
    return new PassthroughStatement(StatementKind.UTILITY, StatementAnalyzer.canonical(significant));
  }

  /** What an allowlisted utility statement does to prepared statements and portals, if anything. */
  static Optional<PreparedStatementUse> utilityUse(List<Token> significant) throws SqlRefusal {
    Token first = significant.get(0);
    if (first.isWord("discard") && significant.size() == 2 && significant.get(1).isWord("all")) {
      return Optional.of(new PreparedStatementUse.DeallocateAll());
    }
    if (first.isWord("close") && significant.size() == 2) {
      return Optional.of(significant.get(1).isWord("all")
          ? new PreparedStatementUse.CloseAllCursors()
          : new PreparedStatementUse.CloseCursor(nameOf(significant.get(1))));
    }
    if (!first.isWord("deallocate")) {
      return Optional.empty();
    }
    int position = significant.size() > 2 && significant.get(1).isWord("prepare") ? 2 : 1;
    if (position >= significant.size()) {
      return Optional.empty();
    }
    if (significant.get(position).isWord("all")) {
      return Optional.of(new PreparedStatementUse.DeallocateAll());
    }
    return Optional.of(new PreparedStatementUse.Deallocate(nameOf(significant.get(position))));
  }

  private static String nameOf(Token token) throws SqlRefusal {
    try {
      return switch (token.type()) {
        case WORD -> PgIdentifiers.truncate(token.foldedWord());
        case QUOTED_IDENTIFIER -> PgIdentifiers.truncate(
            PgStringLiterals.identifier(token, '\\'));
        case UNICODE_IDENTIFIER, WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, STRING, ESCAPE_STRING,
            UNICODE_STRING, NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, NUMBER,
            PARAMETER, OPERATOR, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA,
            SEMICOLON, DOT, COLON, TYPECAST, OTHER -> throw new SqlRefusal(
                Reason.SYNTAX_ERROR,
                "syntax error at or near \"" + token.text() + "\": expected a prepared statement or cursor name",
                StatementKind.UTILITY);
      };
    } catch (LexicalException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, e.getMessage(), StatementKind.UTILITY);
    }
  }

  private static StatementText statementOf(String sql) throws SqlRefusal {
    try {
      return StatementSplitter.split(sql).get(0);
    } catch (LexicalException | IndexOutOfBoundsException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, "syntax error: Meshgate could not read this"
          + " statement, so it was not forwarded", StatementKind.UTILITY);
    }
  }
}
