package io.meshgate.rewriter.write;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.write.WriteClauses.Assignment;
import io.meshgate.rewriter.write.WriteClauses.Conflict;
import io.meshgate.rewriter.write.WriteClauses.InsertSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the clauses of an INSERT, UPDATE or DELETE from its tokens (Calcite's parser knows
 * neither RETURNING, UPDATE ... FROM, DELETE ... USING nor ON CONFLICT) and splices the
 * expressions and queries into one query that the existing analysis understands, see {@link
 * WriteClauses}. Clause keywords are only recognised outside parentheses. Constructs it does
 * not govern are refused with 0A000 rather than forwarded.
 */
final class WriteStatementParser {
  /** Names Meshgate uses in the statements it writes; a client's alias may not take them. */
  static final String RESERVED_PREFIX = "meshgate_";
  /** The name ON CONFLICT DO UPDATE gives the row proposed for insertion. */
  static final String EXCLUDED = "excluded";

  private static final Set<String> QUERY_STARTS = Set.of("select", "values", "with", "table");

  private final StatementText statement;
  private final List<Token> tokens;
  /** Indexes into {@code tokens} of the significant tokens. */
  private final List<Integer> significant = new ArrayList<>();
  private final List<Token> query = new ArrayList<>();
  private final StatementKind kind;
  private int position;

  private WriteStatementParser(StatementText statement, StatementKind kind) {
    this.statement = statement;
    this.tokens = statement.tokens();
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).type().isSignificant()) {
        significant.add(i);
      }
    }
    this.kind = kind;
  }

  static WriteClauses parse(StatementText statement, StatementKind kind) throws SqlRefusal {
    WriteStatementParser parser = new WriteStatementParser(statement, kind);
    try {
      return switch (kind) {
        case INSERT -> parser.insert();
        case UPDATE -> parser.update();
        case DELETE -> parser.delete();
        case SELECT, MERGE, COPY_OUT, COPY_IN, DDL, CALL, UTILITY ->
            throw new IllegalArgumentException("not a write: " + kind);
      };
    } catch (LexicalException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, e.getMessage(), kind);
    }
  }

  // ---- INSERT

  private WriteClauses insert() throws SqlRefusal, LexicalException {
    expectWord("insert");
    expectWord("into");
    int nameStart = position;
    int nameEnd = qualifiedNameEnd(position);
    position = nameEnd;
    Optional<Integer> alias = Optional.empty();
    if (isWord(position, "as")) {
      alias = Optional.of(position + 1);
      checkAlias(position + 1);
      position += 2;
    }
    List<String> columns = isType(position, TokenType.OPEN_PAREN) && !startsQuery(position + 1)
        ? columnList("column lists other than plain column names in INSERT")
        : List.of();
    if (isWord(position, "overriding")) {
      throw notGoverned("INSERT ... OVERRIDING");
    }
    int sourceStart = position;
    InsertSource source;
    int sourceEnd;
    if (isWord(position, "default") && isWord(position + 1, "values")) {
      source = InsertSource.DEFAULT_VALUES;
      sourceEnd = position + 2;
    } else {
      if (position >= significant.size()) {
        throw syntaxError("INSERT needs VALUES, a query or DEFAULT VALUES");
      }
      source = isWord(position, "values") ? InsertSource.VALUES : InsertSource.QUERY;
      sourceEnd = findInsertSourceEnd(position);
    }
    position = sourceEnd;
    Optional<Conflict> conflict = Optional.empty();
    List<Assignment> assignments = new ArrayList<>();
    List<int[]> values = new ArrayList<>();
    int[] where = null;
    if (isWord(position, "on")) {
      conflict = Optional.of(conflict());
      if (conflict.get().doUpdate()) {
        setClause(assignments, values);
        where = whereClause();
      }
    }
    int returningStart = returningStart();

    emitWord("select");
    emitValuesAndReturning(values, returningStart);
    emitWord("from");
    emitSegment(nameStart, nameEnd);
    alias.ifPresent(this::emitAlias);
    if (source != InsertSource.DEFAULT_VALUES) {
      emitOther(TokenType.COMMA, ",");
      emitOther(TokenType.OPEN_PAREN, "(");
      emitSegment(sourceStart, sourceEnd);
      emitOther(TokenType.CLOSE_PAREN, ")");
      emitWord("as");
      emitWord(RESERVED_PREFIX + "source");
    }
    if (conflict.isPresent() && conflict.get().doUpdate()) {
      // EXCLUDED, the proposed row, as a FROM item that is no governed table: its columns are
      // the client's own values, never a read of the target
      emitOther(TokenType.COMMA, ",");
      emitOther(TokenType.OPEN_PAREN, "(");
      emitWord("select");
      emitOther(TokenType.NUMBER, "1");
      emitOther(TokenType.CLOSE_PAREN, ")");
      emitWord("as");
      emitWord(EXCLUDED);
    }
    if (where != null) {
      emitWord("where");
      emitSegment(where[0], where[1]);
    }
    return new WriteClauses(kind, new StatementText(statement.query(), query), false, columns,
        source, assignments, false, where != null, returningStart >= 0, conflict);
  }

  /** The source runs to ON CONFLICT or RETURNING outside parentheses, or to the end. */
  private int findInsertSourceEnd(int from) {
    int depth = 0;
    for (int i = from; i < significant.size(); i++) {
      Token token = token(i);
      switch (token.type()) {
        case OPEN_PAREN, OPEN_BRACKET -> depth++;
        case CLOSE_PAREN, CLOSE_BRACKET -> depth--;
        default -> {
          if (depth == 0 && (token.isWord("returning")
              || (token.isWord("on") && isWord(i + 1, "conflict")
                  && (isType(i + 2, TokenType.OPEN_PAREN) || isWord(i + 2, "do")
                      || isWord(i + 2, "on"))))) {
            return i;
          }
        }
      }
    }
    return significant.size();
  }

  private Conflict conflict() throws SqlRefusal, LexicalException {
    expectWord("on");
    expectWord("conflict");
    List<String> columns = List.of();
    Optional<String> constraint = Optional.empty();
    if (isType(position, TokenType.OPEN_PAREN)) {
      columns = columnList("ON CONFLICT with an index expression, collation or operator class"
          + " (name the conflict columns plainly)");
      if (isWord(position, "where")) {
        throw notGoverned("ON CONFLICT (...) WHERE");
      }
    } else if (isWord(position, "on") && isWord(position + 1, "constraint")) {
      position += 2;
      constraint = Optional.of(columnName(position));
      position++;
    }
    expectWord("do");
    if (isWord(position, "update")) {
      position++;
      if (columns.isEmpty() && constraint.isEmpty()) {
        throw syntaxError("ON CONFLICT DO UPDATE requires a conflict target: name the conflict"
            + " columns or ON CONSTRAINT name");
      }
      return new Conflict(columns, constraint, true);
    }
    expectWord("nothing");
    return new Conflict(columns, constraint, false);
  }

  /** {@code (a, b, ...)} of plain column names; anything else is refused as {@code construct}. */
  private List<String> columnList(String construct) throws SqlRefusal, LexicalException {
    List<String> columns = new ArrayList<>();
    position++;
    while (true) {
      columns.add(columnName(position));
      position++;
      if (isType(position, TokenType.COMMA)) {
        position++;
      } else if (isType(position, TokenType.CLOSE_PAREN)) {
        position++;
        return columns;
      } else {
        throw notGoverned(construct);
      }
    }
  }

  // ---- UPDATE

  private WriteClauses update() throws SqlRefusal, LexicalException {
    expectWord("update");
    int[] target = onlyAndName();
    Optional<Integer> alias = alias("set");
    List<Assignment> assignments = new ArrayList<>();
    List<int[]> values = new ArrayList<>();
    setClause(assignments, values);
    return restrictedWrite(target, alias, assignments, values, itemsClause("from"));
  }

  /**
   * {@code SET column = value, ...} of UPDATE or ON CONFLICT DO UPDATE, up to FROM, WHERE or
   * RETURNING: the assignments in order and, for those that are not DEFAULT, their values.
   */
  private void setClause(List<Assignment> assignments, List<int[]> values)
      throws SqlRefusal, LexicalException {
    expectWord("set");
    int setEnd = findClause(position, "from", "where", "returning");
    for (int[] item : splitAtCommas(position, setEnd)) {
      if (item[0] == item[1]) {
        throw syntaxError("an empty assignment in SET");
      }
      if (!isType(item[0] + 1, TokenType.OPERATOR) || !token(item[0] + 1).text().equals("=")) {
        throw notGoverned("SET assignments other than column = value (row assignments,"
            + " subscripts, fields)");
      }
      if (item[0] + 2 >= item[1]) {
        throw syntaxError("an assignment without a value in SET");
      }
      boolean isDefault = item[0] + 3 == item[1] && isWord(item[0] + 2, "default");
      assignments.add(new Assignment(columnName(item[0]), isDefault));
      if (!isDefault) {
        values.add(new int[] {item[0] + 2, item[1]});
      }
    }
    position = setEnd;
  }

  // ---- DELETE

  private WriteClauses delete() throws SqlRefusal, LexicalException {
    expectWord("delete");
    expectWord("from");
    int[] target = onlyAndName();
    Optional<Integer> alias = alias("using", "where", "returning");
    return restrictedWrite(target, alias, List.of(), List.of(), itemsClause("using"));
  }

  /** {@code [ONLY] name} as {only (1 or 0), name start, name end}. */
  private int[] onlyAndName() throws SqlRefusal {
    int only = isWord(position, "only") ? 1 : 0;
    position += only;
    int nameStart = position;
    position = qualifiedNameEnd(position);
    return new int[] {only, nameStart, position};
  }

  /** UPDATE's FROM or DELETE's USING items, as {start, end}, or null when absent. */
  private int[] itemsClause(String keyword) {
    if (!isWord(position, keyword)) {
      return null;
    }
    int start = position + 1;
    position = findClause(start, "where", "returning");
    return new int[] {start, position};
  }

  /** The rest of an UPDATE or DELETE, from WHERE on, and its analysis query. */
  private WriteClauses restrictedWrite(
      int[] target, Optional<Integer> alias, List<Assignment> assignments, List<int[]> values,
      int[] otherItems) throws SqlRefusal {
    int[] where = whereClause();
    int returningStart = returningStart();
    emitWord("select");
    emitValuesAndReturning(values, returningStart);
    emitWord("from");
    emitSegment(target[1], target[2]);
    alias.ifPresent(this::emitAlias);
    if (otherItems != null) {
      emitOther(TokenType.COMMA, ",");
      emitSegment(otherItems[0], otherItems[1]);
    }
    if (where != null) {
      emitWord("where");
      emitSegment(where[0], where[1]);
    }
    return new WriteClauses(kind, new StatementText(statement.query(), query), target[0] == 1,
        List.of(), InsertSource.NONE, assignments, otherItems != null, where != null,
        returningStart >= 0, Optional.empty());
  }

  // ---- shared clauses

  /** The select list: assigned values, then RETURNING's items; {@code 1} when there is neither. */
  private void emitValuesAndReturning(List<int[]> values, int returningStart) {
    boolean first = true;
    for (int[] value : values) {
      if (!first) {
        emitOther(TokenType.COMMA, ",");
      }
      first = false;
      emitOther(TokenType.OPEN_PAREN, "(");
      emitSegment(value[0], value[1]);
      emitOther(TokenType.CLOSE_PAREN, ")");
    }
    if (returningStart >= 0) {
      if (!first) {
        emitOther(TokenType.COMMA, ",");
      }
      emitSegment(returningStart + 1, significant.size());
    } else if (first) {
      emitOther(TokenType.NUMBER, "1");
    }
  }

  /** {@code [AS] alias} after UPDATE's or DELETE's target; a bare alias may not be a keyword. */
  private Optional<Integer> alias(String... followers) throws SqlRefusal {
    if (isWord(position, "as")) {
      checkAlias(position + 1);
      position += 2;
      return Optional.of(position - 1);
    }
    if (position < significant.size() && isName(position)) {
      for (String follower : followers) {
        if (isWord(position, follower)) {
          return Optional.empty();
        }
      }
      checkAlias(position);
      position++;
      return Optional.of(position - 1);
    }
    return Optional.empty();
  }

  /** WHERE's condition as {start, end}, or null; WHERE CURRENT OF is refused. */
  private int[] whereClause() throws SqlRefusal {
    if (!isWord(position, "where")) {
      return null;
    }
    if (isWord(position + 1, "current") && isWord(position + 2, "of")) {
      throw notGoverned("WHERE CURRENT OF");
    }
    int start = position + 1;
    int end = findClause(start, "returning");
    if (start == end) {
      throw syntaxError("WHERE needs a condition");
    }
    position = end;
    return new int[] {start, end};
  }

  private int returningStart() throws SqlRefusal {
    if (position >= significant.size()) {
      return -1;
    }
    if (!isWord(position, "returning")) {
      throw syntaxError("unexpected \"" + token(position).text() + "\"");
    }
    if (position + 1 >= significant.size()) {
      throw syntaxError("RETURNING needs a list of expressions");
    }
    return position;
  }

  // ---- token helpers

  private Token token(int significantIndex) {
    return tokens.get(significant.get(significantIndex));
  }

  private boolean isWord(int index, String word) {
    return index < significant.size() && token(index).isWord(word);
  }

  private boolean isType(int index, TokenType type) {
    return index < significant.size() && token(index).type() == type;
  }

  private boolean isName(int index) {
    TokenType type = token(index).type();
    return type == TokenType.WORD || type == TokenType.QUOTED_IDENTIFIER;
  }

  private boolean startsQuery(int index) {
    if (index >= significant.size()) {
      return false;
    }
    Token token = token(index);
    return token.type() == TokenType.OPEN_PAREN
        || (token.type() == TokenType.WORD && QUERY_STARTS.contains(token.foldedWord()));
  }

  private void expectWord(String word) throws SqlRefusal {
    if (!isWord(position, word)) {
      throw syntaxError("expected " + word.toUpperCase(Locale.ROOT));
    }
    position++;
  }

  /** The end (exclusive) of a dotted name starting at {@code index}. */
  private int qualifiedNameEnd(int index) throws SqlRefusal {
    if (index >= significant.size() || !isName(index)) {
      throw syntaxError("expected a table name");
    }
    int end = index + 1;
    while (isType(end, TokenType.DOT) && end + 1 < significant.size() && isName(end + 1)) {
      end += 2;
    }
    return end;
  }

  /** A plain column name as PostgreSQL stores it. */
  private String columnName(int index) throws SqlRefusal, LexicalException {
    if (index >= significant.size()) {
      throw syntaxError("expected a column name");
    }
    Token token = token(index);
    String name = switch (token.type()) {
      case WORD -> token.foldedWord();
      case QUOTED_IDENTIFIER -> PgStringLiterals.identifier(token, '\\');
      default -> throw notGoverned("this kind of column name (" + token.text() + ")");
    };
    if (isType(index + 1, TokenType.DOT) || isType(index + 1, TokenType.OPEN_BRACKET)) {
      throw notGoverned("writing a field or an element of a column");
    }
    return PgIdentifiers.truncate(name);
  }

  private void checkAlias(int index) throws SqlRefusal {
    if (index >= significant.size() || !isName(index)) {
      throw syntaxError("expected an alias");
    }
    String text = token(index).text().toLowerCase(Locale.ROOT).replace("\"", "");
    if (text.startsWith(RESERVED_PREFIX)) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "aliases starting with " + RESERVED_PREFIX + " are reserved for Meshgate; choose"
              + " another alias",
          kind);
    }
  }

  /** The first of {@code keywords} outside parentheses from {@code from}, or the end. */
  private int findClause(int from, String... keywords) {
    int depth = 0;
    for (int i = from; i < significant.size(); i++) {
      Token token = token(i);
      switch (token.type()) {
        case OPEN_PAREN, OPEN_BRACKET -> depth++;
        case CLOSE_PAREN, CLOSE_BRACKET -> depth--;
        case WORD -> {
          if (depth == 0) {
            for (String keyword : keywords) {
              // "IS DISTINCT FROM" is an operator, not the FROM clause
              if (token.isWord(keyword)
                  && !(keyword.equals("from") && i > 0 && token(i - 1).isWord("distinct"))) {
                return i;
              }
            }
          }
        }
        default -> {
          // other tokens do not end a clause
        }
      }
    }
    return significant.size();
  }

  /** Splits {@code [from, to)} at commas outside parentheses and brackets. */
  private List<int[]> splitAtCommas(int from, int to) {
    List<int[]> items = new ArrayList<>();
    int depth = 0;
    int start = from;
    for (int i = from; i < to; i++) {
      switch (token(i).type()) {
        case OPEN_PAREN, OPEN_BRACKET -> depth++;
        case CLOSE_PAREN, CLOSE_BRACKET -> depth--;
        case COMMA -> {
          if (depth == 0) {
            items.add(new int[] {start, i});
            start = i + 1;
          }
        }
        default -> {
          // part of the current item
        }
      }
    }
    items.add(new int[] {start, to});
    return items;
  }

  // ---- building the analysis query

  /** Appends the client's tokens (comments and spaces included) of significant tokens [from, to). */
  private void emitSegment(int from, int to) {
    if (from >= to) {
      return;
    }
    space();
    query.addAll(tokens.subList(significant.get(from), significant.get(to - 1) + 1));
  }

  private void emitAlias(int aliasIndex) {
    emitWord("as");
    emitSegment(aliasIndex, aliasIndex + 1);
  }

  private void emitWord(String word) {
    space();
    query.add(new Token(TokenType.WORD, word, anchor()));
  }

  private void emitOther(TokenType type, String text) {
    space();
    query.add(new Token(type, text, anchor()));
  }

  private void space() {
    query.add(new Token(TokenType.WHITESPACE, " ", anchor()));
  }

  /** Generated tokens point at the statement's start, for positions in messages. */
  private int anchor() {
    return statement.offset();
  }

  private SqlRefusal notGoverned(String construct) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "not supported by Meshgate yet: " + construct + "; the statement was not forwarded",
        kind);
  }

  private SqlRefusal syntaxError(String problem) {
    return new SqlRefusal(
        Reason.SYNTAX_ERROR,
        "syntax error in " + kind.name() + ": " + problem
            + "; Meshgate could not parse this statement, so it was not forwarded",
        kind);
  }
}
