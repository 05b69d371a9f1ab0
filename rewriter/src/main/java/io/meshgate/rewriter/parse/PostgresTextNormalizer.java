package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.Piece.PieceKind;
import io.meshgate.rewriter.tree.AtTimeZoneOperator;
import io.meshgate.rewriter.tree.CteMaterialization;
import io.meshgate.rewriter.tree.PostgresOperator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites one statement, token by token, into text that Calcite's Babel parser reads with
 * the meaning PostgreSQL gives the original. Calcite cannot be relied on for these, so they
 * are settled here where the lexical facts are exact:
 *
 * <ul>
 *   <li>{@code E''}, {@code U&''}, dollar-quoted and continued strings become one plain
 *       {@code '...'} literal of the same value;
 *   <li>{@code x::type} becomes {@code CAST(x AS type)}: Babel's {@code ::} casts everything
 *       to its left, which is not what PostgreSQL does;
 *   <li>{@code interval '1 day'} becomes {@code CAST('1 day' AS "interval")}, and any other
 *       typed literal ({@code text 'x'}, {@code numeric(5,2) '1.5'}) {@code CAST('x' AS type)},
 *       which is what PostgreSQL makes of it;
 *   <li>{@code $n} becomes {@code ?}, its number kept so the unparser can write it back;
 *   <li>time-unit and date/time words used as column names are quoted, because Calcite
 *       reads them as keywords (e.g. {@code date_trunc('month', day)}), and so are other names
 *       Calcite reserves (see {@link CalciteReservedNames});
 *   <li>identifiers are folded and truncated as PostgreSQL does (ASCII-only folding, 63 bytes),
 *       and a word after a dot is quoted, because PostgreSQL reads it as a name whatever it is
 *       ({@code pg_catalog.unnest});
 *   <li>{@code OPERATOR(pg_catalog.op)} becomes the plain operator, or a carrier (below) for an
 *       operator with a precedence of its own ({@code OPERATOR(pg_catalog.=)});
 *   <li>operators Calcite does not read ({@code -> ->> @> && @@ -|-}, the others {@code
 *       tree.PostgresOperator} lists) become a carrier operator whose offset is remembered
 *       (see {@link OperatorCarriers}), and so does {@code AT TIME ZONE};
 *   <li>{@code x COLLATE name}, {@code f(...) WITH ORDINALITY}, {@code ONLY t} and {@code
 *       SELECT DISTINCT ON (...)} become marker calls (see {@link MarkerCalls}) that the parse
 *       tree turns back into those constructs;
 *   <li>a set-returning function after {@code LATERAL} or {@code JOIN} becomes {@code
 *       TABLE(f(...))} (LATERAL is a noise word before a function; see {@link
 *       FromFunctionCalls}); {@code ROWS FROM (...)} is refused;
 *   <li>{@code name AS [NOT] MATERIALIZED (query)} in a WITH list loses the hint, which is
 *       remembered by the name's offset and put back once parsed (see {@link
 *       MaterializationHints});
 *   <li>comments are dropped (Calcite would read {@code /*+ ... *}{@code /} as a hint and does
 *       not nest comments).
 * </ul>
 */
public final class PostgresTextNormalizer {
  /** Words Calcite reads as time units where PostgreSQL sees a column name. */
  private static final Set<String> TIME_UNITS =
      Set.of(
          "year", "month", "day", "hour", "minute", "second", "week", "quarter", "epoch", "dow",
          "doy", "isodow", "isoyear", "decade", "century", "millennium", "millisecond",
          "microsecond", "nanosecond");

  /** Datetime type words that Calcite reserves but PostgreSQL accepts as column names. */
  private static final Set<String> DATETIME_WORDS = Set.of("date", "time", "timestamp");

  /** What {@code int8in} reads as a non-negative count; its whitespace is C's isspace. */
  private static final Pattern ROW_COUNT = Pattern.compile("[ \\t\\n\\x0B\\f\\r]*\\+?([0-9]+)[ \\t\\n\\x0B\\f\\r]*");

  private final String query;
  private final List<Token> tokens;
  private final List<Piece> pieces = new ArrayList<>();
  private final List<Integer> parameterNumbers = new ArrayList<>();
  private final Deque<Boolean> castParentheses = new ArrayDeque<>();
  /** The carrier pieces and the PostgreSQL operator each stands for. */
  private final Map<Piece, String> carriers = new IdentityHashMap<>();
  /** The name pieces of WITH queries with a materialization hint, and the hint. */
  private final Map<Piece, CteMaterialization> materializationHints = new IdentityHashMap<>();
  /** Token indexes after which a {@code TABLE(} written around a FROM function is closed. */
  private final TreeSet<Integer> fromFunctionEnds = new TreeSet<>();
  /** The {@code TABLE} pieces written around FROM functions. */
  private final Set<Piece> tableOpenings = Collections.newSetFromMap(new IdentityHashMap<>());
  /** The brackets and colons of array slice chains, by token index (see {@link ArraySlices}). */
  private final Map<Integer, ArraySlices.Part> sliceParts = new HashMap<>();
  /** The count pieces of {@code FETCH FIRST n ROWS WITH TIES}, written with {@code ONLY}. */
  private final Set<Piece> fetchCountsWithTies = Collections.newSetFromMap(new IdentityHashMap<>());
  /** The types of each column definition list, by the piece of its first column name. */
  private final Map<Piece, List<String>> columnDefinitions = new IdentityHashMap<>();
  private int index;

  /** The words that quantify a pattern after LIKE or ILIKE; SOME means ANY. */
  private static final Set<String> LIKE_QUANTIFIERS = Set.of("any", "some", "all");

  private PostgresTextNormalizer(StatementText statement) {
    this.query = statement.query();
    this.tokens = statement.tokens();
  }

  public static NormalizedText normalize(StatementText statement) throws SqlRefusal {
    return new PostgresTextNormalizer(statement).run();
  }

  /** Normalizes a standalone expression, such as a policy's filter or mask. */
  public static NormalizedText normalizeExpression(String expression) throws SqlRefusal {
    List<Token> tokens;
    try {
      tokens = PgLexer.tokenize(expression);
    } catch (LexicalException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, e.getMessage());
    }
    return normalize(new StatementText(expression, tokens));
  }

  private NormalizedText run() throws SqlRefusal {
    try {
      while (index < tokens.size()) {
        normalizeToken(tokens.get(index));
        closeFromFunctions();
        index++;
      }
    } catch (LexicalException e) {
      throw syntaxError(e.getMessage(), e.offset());
    }
    StringBuilder text = new StringBuilder();
    PositionMap.Builder positions = new PositionMap.Builder();
    Map<Integer, String> carriedOperators = new HashMap<>();
    Map<Integer, CteMaterialization> hints = new HashMap<>();
    Set<Integer> fetchesWithTies = new HashSet<>();
    Map<Integer, List<String>> columnDefinitionTypes = new HashMap<>();
    for (Piece piece : pieces) {
      positions.add(text.length(), piece.sourceOffset(), piece.sourceLength());
      String carried = carriers.get(piece);
      if (carried != null) {
        carriedOperators.put(text.length(), carried);
      }
      CteMaterialization hint = materializationHints.get(piece);
      if (hint != null) {
        hints.put(text.length(), hint);
      }
      if (fetchCountsWithTies.contains(piece)) {
        fetchesWithTies.add(text.length());
      }
      List<String> types = columnDefinitions.get(piece);
      if (types != null) {
        columnDefinitionTypes.put(text.length(), types);
      }
      text.append(piece.text());
    }
    return new NormalizedText(
        text.toString(), query, parameterNumbers, positions.build(), carriedOperators, hints,
        fetchesWithTies, columnDefinitionTypes);
  }

  private void normalizeToken(Token token) throws SqlRefusal, LexicalException {
    switch (token.type()) {
      case WHITESPACE -> emit(token.text(), token, PieceKind.SPACE);
      case LINE_COMMENT, BLOCK_COMMENT -> emit(" ", token, PieceKind.SPACE);
      case STRING, ESCAPE_STRING, DOLLAR_STRING, UNICODE_STRING ->
          emit(rowCount(token).orElse(characterLiteral(token)), token, PieceKind.LITERAL);
      case NATIONAL_STRING -> nationalString(token);
      case QUOTED_IDENTIFIER, UNICODE_IDENTIFIER -> {
        String name = PgIdentifiers.truncate(quotedName(token));
        refuseMarkerName(name, token);
        if (!previousSignificantIs(TokenType.DOT) && tryGenericTypedLiteral(token)) {
          return;
        }
        emit(PgIdentifiers.quote(name), token, PieceKind.IDENTIFIER);
      }
      case PARAMETER -> parameter(token);
      case OPERATOR -> {
        if (token.text().indexOf('?') >= 0) {
          throw new SqlRefusal(
              Reason.NOT_GOVERNED,
              "operator " + token.text() + " at " + position(token)
                  + " is not supported by Meshgate yet; the statement was not forwarded");
        }
        if (OperatorCarriers.isCarried(token.text())) {
          emit(OperatorCarriers.CARRIER, token, PieceKind.OTHER);
          carriers.put(pieces.getLast(), token.text());
        } else {
          emit(token.text(), token, PieceKind.OTHER);
        }
      }
      case TYPECAST -> typecast(token);
      case WORD -> word(token);
      case OPEN_PAREN -> {
        if (isColumnDefinitionList()) {
          columnDefinitionList(token);
          return;
        }
        castParentheses.push(previousSignificantIsWord("cast"));
        emit(token.text(), token, PieceKind.OPEN_PAREN);
      }
      case CLOSE_PAREN -> {
        if (!castParentheses.isEmpty()) {
          castParentheses.pop();
        }
        emit(token.text(), token, PieceKind.CLOSE_PAREN);
      }
      case OPEN_BRACKET -> openBracket(token);
      case CLOSE_BRACKET -> {
        ArraySlices.Part part = sliceParts.get(index);
        if (part == null) {
          emit(token.text(), token, PieceKind.CLOSE_BRACKET);
        } else {
          slicePart(token, part);
        }
      }
      case DOT -> emit(token.text(), token, PieceKind.DOT);
      case NUMBER -> emit(token.text(), token, PieceKind.LITERAL);
      case BIT_STRING -> emit(MarkerCalls.BIT_STRING + "('"
          + PgStringLiterals.bitStringDigits(token) + "')", token, PieceKind.LITERAL);
      case COLON -> {
        ArraySlices.Part part = sliceParts.get(index);
        if (part == null) {
          emit(token.text(), token, PieceKind.OTHER);
        } else {
          slicePart(token, part);
        }
      }
      case HEX_STRING, COMMA, OTHER -> emit(token.text(), token, PieceKind.OTHER);
      case SEMICOLON -> throw syntaxError("unexpected semicolon", token.start());
    }
  }

  // ---- array slices

  /**
   * A {@code [} that starts a subscript chain with a slice begins the marker call around the
   * array expression; any other is Calcite's own (a subscript, or {@code ARRAY[...]}).
   */
  private void openBracket(Token token) throws SqlRefusal {
    if (!sliceParts.containsKey(index) && !previousSignificantIsWord("array")) {
      try {
        sliceParts.putAll(ArraySlices.plan(tokens, index));
      } catch (IllegalArgumentException malformed) {
        throw syntaxError(malformed.getMessage(), token.start());
      }
    }
    ArraySlices.Part part = sliceParts.get(index);
    if (part == null) {
      emit(token.text(), token, PieceKind.OPEN_BRACKET);
      return;
    }
    slicePart(token, part);
  }

  /**
   * Writes a bracket or colon of a slice chain as part of {@code meshgate$array_slice(array,
   * lower, upper, ...)}; an omitted bound becomes {@code meshgate$omitted_bound()}.
   */
  private void slicePart(Token token, ArraySlices.Part part) throws SqlRefusal {
    String omitted = MarkerCalls.OMITTED_BOUND + "()";
    switch (part) {
      case FIRST_OPEN, FIRST_OPEN_SINGLE -> {
        int operandStart = OperandScanner.operandStart(pieces, pieces.size());
        if (operandStart < 0) {
          throw syntaxError("cannot tell what the array slice applies to", token.start());
        }
        insertMarkerOpening(MarkerCalls.ARRAY_SLICE, operandStart);
        openSubscript(token, part == ArraySlices.Part.FIRST_OPEN_SINGLE, omitted);
      }
      case OPEN, OPEN_SINGLE -> openSubscript(token, part == ArraySlices.Part.OPEN_SINGLE, omitted);
      case COLON -> {
        emit(", ", token, PieceKind.OTHER);
        int next = nextSignificant(index);
        if (next >= 0 && tokens.get(next).type() == TokenType.CLOSE_BRACKET) {
          emit(omitted, token, PieceKind.LITERAL);
        }
      }
      case CLOSE -> emit(" ", token, PieceKind.SPACE);
      case LAST_CLOSE -> emit(")", token, PieceKind.CLOSE_PAREN);
    }
  }

  /** A single {@code [n]} in a slice chain is {@code [1:n]} to PostgreSQL. */
  private void openSubscript(Token token, boolean single, String omitted) {
    emit(", ", token, PieceKind.OTHER);
    int next = nextSignificant(index);
    if (single) {
      emit("1, ", token, PieceKind.OTHER);
    } else if (next >= 0 && tokens.get(next).type() == TokenType.COLON) {
      emit(omitted, token, PieceKind.LITERAL);
    }
  }

  // ---- literals and identifiers

  /** The literal as plain {@code '...'} text; the client's own text when it already is. */
  private String characterLiteral(Token token) throws LexicalException {
    if (token.type() == TokenType.STRING && !PgStringLiterals.hasContinuation(token)) {
      return token.text();
    }
    String value;
    if (token.type() == TokenType.UNICODE_STRING) {
      value = PgStringLiterals.unicodeValue(token, unicodeEscapeCharacter());
    } else {
      value = PgStringLiterals.value(token);
    }
    return plainLiteral(value);
  }

  /**
   * {@code LIMIT '20'} and {@code OFFSET '5'}: PostgreSQL reads such a string as a bigint, and
   * clients that bind parameters into the text themselves write counts that way (pgx's simple
   * protocol quotes every value); Calcite takes only a number there. A string that PostgreSQL's
   * {@code int8in} reads as a count (digits, an optional {@code +}, surrounding whitespace) is
   * written as that number, which means the same; anything else stays a string, which the
   * parser refuses.
   */
  private Optional<String> rowCount(Token token) throws LexicalException {
    if (token.type() == TokenType.UNICODE_STRING
        || !(previousSignificantIsWord("limit") || previousSignificantIsWord("offset"))
        || nextSignificantIs(TokenType.TYPECAST)) {
      return Optional.empty();
    }
    Matcher count = ROW_COUNT.matcher(PgStringLiterals.value(token));
    if (!count.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.toString(Long.parseLong(count.group(1))));
    } catch (NumberFormatException outOfRange) {
      return Optional.empty();
    }
  }

  /**
   * {@code N'x'} is {@code NCHAR 'x'} to PostgreSQL's scanner, a typed literal of {@code bpchar}
   * without a length (not the {@code char(1)} a bare {@code CAST(… AS char)} would be): trailing
   * spaces do not count in its comparisons, so it is forwarded as that cast, not as {@code 'x'}.
   */
  private void nationalString(Token token) throws LexicalException {
    pieces.add(new Piece("CAST(", token.start(), 0, PieceKind.OPEN_PAREN, Piece.CAST_OPENING));
    emit(characterLiteral(token), token, PieceKind.LITERAL);
    emit(" AS \"bpchar\")", token, PieceKind.CLOSE_PAREN);
  }

  static String plainLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private String quotedName(Token token) throws LexicalException {
    if (token.type() == TokenType.UNICODE_IDENTIFIER) {
      return PgStringLiterals.identifier(token, unicodeEscapeCharacter());
    }
    return PgStringLiterals.identifier(token, '\\');
  }

  /**
   * Consumes an optional {@code UESCAPE 'c'} clause after the current U& token and returns
   * its escape character (backslash when there is none).
   */
  private char unicodeEscapeCharacter() throws LexicalException {
    int keyword = nextSignificant(index);
    if (keyword < 0 || !tokens.get(keyword).isWord("uescape")) {
      return '\\';
    }
    int literal = nextSignificant(keyword);
    if (literal < 0) {
      throw new LexicalException("UESCAPE must be followed by a simple string literal",
          tokens.get(keyword).start());
    }
    char escape = PgStringLiterals.uescapeCharacter(tokens.get(literal));
    // the clause is consumed; it maps to nothing in the output
    for (int skipped = index + 1; skipped <= literal; skipped++) {
      emit(" ", tokens.get(skipped), PieceKind.SPACE);
    }
    index = literal;
    return escape;
  }

  private void parameter(Token token) throws SqlRefusal {
    int number;
    try {
      number = Integer.parseInt(token.text().substring(1));
    } catch (NumberFormatException e) {
      throw syntaxError("parameter number too large", token.start());
    }
    if (number < 1) {
      throw syntaxError("there is no parameter " + token.text(), token.start());
    }
    parameterNumbers.add(number);
    emit("?", token, PieceKind.LITERAL);
  }

  // ---- words

  private void word(Token token) throws SqlRefusal, LexicalException {
    String word = token.foldedWord();
    refuseMarkerName(word, token);
    if (isFunctionItemOfAFromList()) {
      openFromFunction(token, index);
    }
    if (previousSignificantIs(TokenType.DOT)) {
      // After a dot PostgreSQL reads any word as a name, keywords included; Calcite would
      // read some as keywords (pg_catalog.unnest(...) in psql's \d+).
      emit(PgIdentifiers.quote(PgIdentifiers.truncate(word)), token, PieceKind.IDENTIFIER);
    } else if (isOutputNameAfterAs() && (word.equals("collate")
        || CalciteReservedNames.mustQuote(word, CalciteReservedNames.Neighbours.OUTPUT_NAME))) {
      // Before the branches below that read some of these words as syntax (AS interval, AS join;
      // COLLATE, which Calcite does not reserve, is read as the clause below)
      emit(PgIdentifiers.quote(PgIdentifiers.truncate(word)), token, PieceKind.IDENTIFIER);
    } else if (word.equals("unnest") && isUnnestCallInAnExpression()) {
      // Calcite reads UNNEST only as a FROM item; PostgreSQL's unnest is a plain function, and
      // set-returning in a select list (SQLAlchemy's reflection of keys and indexes uses it).
      emit(PgIdentifiers.quote(word), token, PieceKind.IDENTIFIER);
    } else if (word.equals("operator") && qualifiedOperator()) {
      return;
    } else if (word.equals("lateral")) {
      lateral(token);
    } else if (word.equals("join")) {
      join(token);
    } else if (word.equals("rows") && isRowsFromItem()) {
      throw rowsFromNotSupported(token);
    } else if (word.equals("collate")) {
      collate(token);
    } else if (word.equals("at") && isAtTimeZone()) {
      atTimeZone(token);
    } else if (word.equals("with") && isWithOrdinality()) {
      withOrdinality(token);
    } else if (word.equals("with") && isWithTies()) {
      withTies(token);
    } else if (word.equals("only") && isRelationOnly()) {
      relationOnly(token);
    } else if (LIKE_QUANTIFIERS.contains(word) && isLikeQuantifier()) {
      likeQuantifier(token, word);
    } else if (word.equals("on") && isDistinctOn()) {
      distinctOn(token);
    } else if (word.equals("row") && nextSignificantIs(TokenType.OPEN_PAREN)) {
      // ROW(...) is always the row constructor to PostgreSQL; Calcite refuses it outside VALUES
      emit(MarkerCalls.ROW, token, PieceKind.WORD);
    } else if (isCountKeyword(word) && inlinedCountEnd() >= 0) {
      inlinedCount(token);
    } else if (isCountKeyword(word) && castCountTypeEnd() >= 0) {
      castCount(token);
    } else if (word.equals("interval")) {
      interval(token);
    } else if (word.equals("as") && Boolean.TRUE.equals(castParentheses.peek())) {
      emit(token.text(), token, PieceKind.WORD);
      int typeStart = nextSignificant(index);
      if (typeStart < 0) {
        throw syntaxError("CAST ... AS needs a type", token.end());
      }
      emitSkipped(index + 1, typeStart);
      readType(typeStart);
    } else if (word.equals("as") && isMaterializationHint()) {
      materializationHint(token);
    } else if (!TIME_UNITS.contains(word) && !DATETIME_WORDS.contains(word)
        && TypeNameWords.canStartTypedLiteral(word) && tryGenericTypedLiteral(token)) {
      return; // written as a cast
    } else if (TIME_UNITS.contains(word) && !isTimeUnitKeyword()) {
      emit(PgIdentifiers.quote(word), token, PieceKind.IDENTIFIER);
    } else if (DATETIME_WORDS.contains(word) && !isDatetimeKeyword(word)) {
      emit(PgIdentifiers.quote(word), token, PieceKind.IDENTIFIER);
    } else if (DATETIME_WORDS.contains(word) && isTypedLiteralWithPrecision()) {
      typedLiteralWithPrecision(token);
    } else if (CalciteReservedNames.mustQuote(word, reservedNameNeighbours())) {
      emit(PgIdentifiers.quote(PgIdentifiers.truncate(word)), token, PieceKind.IDENTIFIER);
    } else if (!PgIdentifiers.isAscii(token.text())
        || PgIdentifiers.truncate(word).length() != word.length()) {
      emit(PgIdentifiers.quote(PgIdentifiers.truncate(word)), token, PieceKind.IDENTIFIER);
    } else {
      emit(token.text(), token, PieceKind.WORD);
    }
  }

  /**
   * {@code interval '1 day'} (PostgreSQL's typed literal) becomes a cast, {@code interval '1'
   * day} (the standard form with a qualifier) stays, and {@code interval} as a type or name
   * becomes the quoted type name, which PostgreSQL accepts and Calcite parses.
   */
  private void interval(Token token) throws LexicalException {
    int next = nextSignificant(index);
    if (next >= 0 && tokens.get(next).type().isCharacterString()) {
      int afterLiteral = nextSignificantAfterLiteral(next);
      if (afterLiteral >= 0 && isTimeUnitWord(tokens.get(afterLiteral))) {
        emit(token.text(), token, PieceKind.WORD);
        return;
      }
      pieces.add(new Piece("CAST(", token.start(), token.text().length(), PieceKind.OPEN_PAREN,
          Piece.CAST_OPENING));
      emitSkipped(index + 1, next);
      index = next;
      emit(characterLiteral(tokens.get(next)), tokens.get(next), PieceKind.LITERAL);
      emit(" AS \"interval\")", tokens.get(index), PieceKind.CLOSE_PAREN);
      return;
    }
    if (next >= 0 && isTimeUnitWord(tokens.get(next))) {
      emit(token.text(), token, PieceKind.WORD);
      return;
    }
    emit("\"interval\"", token, PieceKind.IDENTIFIER);
  }

  /**
   * {@code type 'string'}, PostgreSQL's generic typed literal, becomes {@code CAST('string' AS
   * type)}, the type read as after {@code ::}: PostgreSQL makes the same cast of both. The type
   * is read on trial from the current name; if no string constant follows it, or it is no type
   * name {@link #readType} accepts, nothing is written and the name is read as usual.
   *
   * @return whether the typed literal was written
   */
  private boolean tryGenericTypedLiteral(Token token) throws SqlRefusal, LexicalException {
    int start = index;
    int mark = pieces.size();
    try {
      readType(start);
    } catch (SqlRefusal notAType) {
      int literal = nextSignificant(closingParenthesis(start));
      if (literal >= 0 && isStringConstant(tokens.get(literal))) {
        throw notAType; // a typed literal whose modifiers Meshgate cannot write back
      }
      pieces.subList(mark, pieces.size()).clear();
      index = start;
      return false;
    }
    int literal = nextSignificant(index);
    if (literal >= 0 && tokens.get(literal).type() == TokenType.NATIONAL_STRING) {
      // PostgreSQL reads N'x' as NCHAR 'x', a second type; Calcite would take it as an alias
      throw syntaxError("N'...' cannot follow a type name", tokens.get(literal).start());
    }
    if (pieces.size() != mark + 1 || literal < 0 || !isStringConstant(tokens.get(literal))) {
      pieces.subList(mark, pieces.size()).clear();
      index = start;
      return false;
    }
    Piece type = pieces.removeLast();
    if (type.text().endsWith(" ARRAY")) {
      throw syntaxError("a typed literal cannot have an array type; write CAST('...' AS type[])"
          + " or '...'::type[]", token.start());
    }
    pieces.add(new Piece("CAST(", type.sourceOffset(), type.sourceLength(), PieceKind.OPEN_PAREN,
        Piece.CAST_OPENING));
    emitSkipped(index + 1, literal);
    index = literal;
    emit(characterLiteral(tokens.get(literal)), tokens.get(literal), PieceKind.LITERAL);
    emit(" AS " + type.text() + ")", tokens.get(index), PieceKind.CLOSE_PAREN);
    return true;
  }

  /** The parenthesis closing the first one after {@code from}, or the end. */
  private int closingParenthesis(int from) {
    int depth = 0;
    for (int i = nextSignificant(from); i >= 0; i = nextSignificant(i)) {
      TokenType type = tokens.get(i).type();
      depth += type == TokenType.OPEN_PAREN ? 1 : type == TokenType.CLOSE_PAREN ? -1 : 0;
      if (depth == 0 && type == TokenType.CLOSE_PAREN) {
        return i;
      }
    }
    return tokens.size() - 1;
  }

  /** What PostgreSQL's grammar calls Sconst; {@code N''} is refused before this. */
  private static boolean isStringConstant(Token token) {
    return token.type().isCharacterString();
  }

  private int nextSignificantAfterLiteral(int literal) {
    int next = nextSignificant(literal);
    if (next >= 0 && tokens.get(literal).type() == TokenType.UNICODE_STRING
        && tokens.get(next).isWord("uescape")) {
      int escape = nextSignificant(next);
      return escape < 0 ? -1 : nextSignificant(escape);
    }
    return next;
  }

  /** {@code timestamp(3) '...'}: Calcite would read the literal as an alias. */
  private boolean isTypedLiteralWithPrecision() {
    int open = nextSignificant(index);
    int precision = open < 0 ? -1 : nextSignificant(open);
    int close = precision < 0 ? -1 : nextSignificant(precision);
    int literal = close < 0 ? -1 : nextSignificant(close);
    return literal >= 0
        && tokens.get(open).type() == TokenType.OPEN_PAREN
        && tokens.get(precision).type() == TokenType.NUMBER
        && tokens.get(close).type() == TokenType.CLOSE_PAREN
        && tokens.get(literal).type().isCharacterString();
  }

  private void typedLiteralWithPrecision(Token token) throws LexicalException {
    int open = nextSignificant(index);
    int precision = nextSignificant(open);
    int literal = nextSignificant(nextSignificant(precision));
    String type = token.foldedWord() + "(" + tokens.get(precision).text() + ")";
    pieces.add(new Piece("CAST(", token.start(), token.text().length(), PieceKind.OPEN_PAREN,
        Piece.CAST_OPENING));
    index = literal;
    emit(characterLiteral(tokens.get(literal)), tokens.get(literal), PieceKind.LITERAL);
    emit(" AS " + type + ")", tokens.get(index), PieceKind.CLOSE_PAREN);
  }

  private CalciteReservedNames.Neighbours reservedNameNeighbours() {
    if (nextSignificantIs(TokenType.OPEN_PAREN)) {
      return CalciteReservedNames.Neighbours.BEFORE_PARENTHESIS;
    }
    if (previousSignificantIsWord("as")) {
      return CalciteReservedNames.Neighbours.AFTER_AS;
    }
    return nextSignificantIs(TokenType.DOT)
        ? CalciteReservedNames.Neighbours.BEFORE_DOT
        : CalciteReservedNames.Neighbours.OTHER;
  }

  private boolean isTimeUnitKeyword() {
    Token previous = previousSignificant(1);
    Token beforePrevious = previousSignificant(2);
    if (previous == null) {
      return false;
    }
    if (previous.type() == TokenType.OPEN_PAREN) {
      return beforePrevious != null && beforePrevious.isWord("extract");
    }
    if (previous.type().isCharacterString()) {
      return beforePrevious != null && beforePrevious.isWord("interval");
    }
    if (previous.isWord("interval")) {
      return true;
    }
    if (previous.isWord("to")) {
      return beforePrevious != null
          && (isTimeUnitWord(beforePrevious) || beforePrevious.type() == TokenType.CLOSE_PAREN);
    }
    return false;
  }

  private boolean isDatetimeKeyword(String word) {
    int next = nextSignificant(index);
    if (next >= 0) {
      Token following = tokens.get(next);
      if (following.type().isCharacterString()
          || following.type() == TokenType.OPEN_PAREN
          || following.isWord("with")
          || following.isWord("without")) {
        return true;
      }
    }
    Token previous = previousSignificant(1);
    return word.equals("time")
        && previous != null
        && (previous.isWord("at") || previous.isWord("with") || previous.isWord("without"));
  }

  private static boolean isTimeUnitWord(Token token) {
    return token.type() == TokenType.WORD && TIME_UNITS.contains(token.foldedWord());
  }

  // ---- WITH name AS [NOT] MATERIALIZED (query)

  /**
   * {@code AS [NOT] MATERIALIZED (} followed by what can only start a query: a table alias named
   * materialized with column aliases ({@code FROM t AS materialized (a, b)}) cannot hold one.
   */
  private boolean isMaterializationHint() {
    int next = nextSignificant(index);
    int materialized = next >= 0 && tokens.get(next).isWord("not") ? nextSignificant(next) : next;
    if (materialized < 0 || !tokens.get(materialized).isWord("materialized")) {
      return false;
    }
    int open = nextSignificant(materialized);
    int first = open < 0 ? -1 : nextSignificant(open);
    if (first < 0 || tokens.get(open).type() != TokenType.OPEN_PAREN) {
      return false;
    }
    Token start = tokens.get(first);
    return start.type() == TokenType.OPEN_PAREN || start.isWord("select")
        || start.isWord("values") || start.isWord("with") || start.isWord("table");
  }

  /**
   * Writes {@code AS} without the hint and remembers the hint by the piece of the WITH query's
   * name, the word before AS or before the parenthesized column list.
   */
  private void materializationHint(Token token) throws SqlRefusal {
    int name = pieces.size() - 1;
    while (name >= 0 && pieces.get(name).kind() == PieceKind.SPACE) {
      name--;
    }
    if (name >= 0 && pieces.get(name).kind() == PieceKind.CLOSE_PAREN) {
      int depth = 0;
      do {
        PieceKind kind = pieces.get(name).kind();
        depth += kind == PieceKind.CLOSE_PAREN ? 1 : kind == PieceKind.OPEN_PAREN ? -1 : 0;
        name--;
      } while (name >= 0 && depth > 0);
      while (name >= 0 && pieces.get(name).kind() == PieceKind.SPACE) {
        name--;
      }
    }
    if (name < 0 || (pieces.get(name).kind() != PieceKind.WORD
        && pieces.get(name).kind() != PieceKind.IDENTIFIER)) {
      throw syntaxError("MATERIALIZED must follow the name of a WITH query", token.start());
    }
    int next = nextSignificant(index);
    CteMaterialization hint = tokens.get(next).isWord("not")
        ? CteMaterialization.NOT_MATERIALIZED
        : CteMaterialization.MATERIALIZED;
    int materialized = hint == CteMaterialization.NOT_MATERIALIZED ? nextSignificant(next) : next;
    if (materializationHints.put(pieces.get(name), hint) != null) {
      throw syntaxError("two MATERIALIZED hints for one WITH query", token.start());
    }
    emit(token.text(), token, PieceKind.WORD);
    emitSkipped(index + 1, materialized + 1);
    index = materialized;
  }

  // ---- OPERATOR(...), COLLATE and WITH ORDINALITY, which Calcite does not read

  /**
   * {@code OPERATOR(pg_catalog.~)} (psql's spelling) becomes the plain operator {@code ~}. The
   * two are the same operator: the plain name is looked up in pg_catalog first unless the
   * search path puts pg_catalog after another schema, and no schema can hold an operator of
   * that name that Meshgate's users made, because Meshgate refuses CREATE OPERATOR (and all
   * other DDL). They also group the same way, since both have the precedence PostgreSQL
   * gives "any other operator". An operator with a precedence of its own ({@code =}, {@code <},
   * {@code +}, ...) would regroup written plainly, so {@code OPERATOR(pg_catalog.=)} (psqlODBC's
   * spelling) is carried with the "any other operator" level and written back as it is; without
   * pg_catalog, and in other schemas, it is refused.
   *
   * @return false if the tokens after {@code operator} are not {@code ( [schema .] op )}, so
   *     the word is an ordinary name
   */
  private boolean qualifiedOperator() throws SqlRefusal, LexicalException {
    int open = nextSignificant(index);
    if (open < 0 || tokens.get(open).type() != TokenType.OPEN_PAREN) {
      return false;
    }
    List<String> schema = new ArrayList<>();
    int cursor = nextSignificant(open);
    while (cursor >= 0 && (tokens.get(cursor).type() == TokenType.WORD
        || tokens.get(cursor).type() == TokenType.QUOTED_IDENTIFIER)) {
      int dot = nextSignificant(cursor);
      if (dot < 0 || tokens.get(dot).type() != TokenType.DOT) {
        return false;
      }
      schema.add(nameValue(tokens.get(cursor)));
      cursor = nextSignificant(dot);
    }
    if (cursor < 0 || tokens.get(cursor).type() != TokenType.OPERATOR) {
      return false;
    }
    int close = nextSignificant(cursor);
    if (close < 0 || tokens.get(close).type() != TokenType.CLOSE_PAREN) {
      return false;
    }
    Token operator = tokens.get(cursor);
    String written = "OPERATOR(" + String.join(".", schema) + (schema.isEmpty() ? "" : ".")
        + operator.text() + ")";
    if (!schema.isEmpty() && !schema.equals(List.of("pg_catalog"))) {
      throw notSupported(written + " (an operator outside pg_catalog)", tokens.get(index));
    }
    if (PostgresOperator.hasOwnPrecedence(operator.text())) {
      if (schema.isEmpty()) {
        throw notSupported(written + " (write OPERATOR(pg_catalog." + operator.text() + "))",
            tokens.get(index));
      }
      // OPERATOR() gives it the "any other operator" level: carried with that level and
      // written back as the client wrote it (psqlODBC's catalog functions)
      emit(OperatorCarriers.CARRIER, tokens.get(index), PieceKind.OTHER);
      carriers.put(pieces.getLast(), PostgresOperator.qualifiedSpelling(operator.text()));
      emitSkipped(index + 1, close + 1);
      index = close;
      return true;
    }
    emitSkipped(index, cursor);
    index = cursor;
    normalizeToken(operator);
    emitSkipped(cursor + 1, close + 1);
    index = close;
    return true;
  }

  /**
   * {@code operand COLLATE name} becomes the marker call {@code meshgate$collate(operand,
   * 'part', ...)}. COLLATE binds tighter than every binary operator, so its operand is the
   * primary expression before it, found like the operand of {@code ::} (the marker then is
   * itself a primary expression, as a COLLATE expression is to a following {@code ::}). The
   * one difference: PostgreSQL applies a unary minus before COLLATE, this applies it after,
   * which matters for no built-in type (none has both a collation and a unary minus).
   */
  private void collate(Token token) throws SqlRefusal, LexicalException {
    int operandStart = OperandScanner.operandStart(pieces, pieces.size());
    if (operandStart < 0) {
      throw syntaxError("cannot tell what COLLATE applies to", token.start());
    }
    insertMarkerOpening(MarkerCalls.COLLATE, operandStart);
    List<String> literals = new ArrayList<>();
    int cursor = nextSignificant(index);
    while (true) {
      if (cursor < 0 || !SignificantTokens.isName(tokens.get(cursor))) {
        throw syntaxError("COLLATE needs a collation name",
            cursor < 0 ? token.end() : tokens.get(cursor).start());
      }
      index = cursor; // a U&"..." name may consume the UESCAPE clause after it
      literals.add(plainLiteral(nameValue(tokens.get(cursor))));
      cursor = index;
      int dot = nextSignificant(cursor);
      if (dot < 0 || tokens.get(dot).type() != TokenType.DOT) {
        break;
      }
      cursor = nextSignificant(dot);
    }
    emit(", " + String.join(", ", literals) + ")", token, PieceKind.CLOSE_PAREN);
    index = cursor;
  }

  /**
   * Whether this {@code at} starts {@code AT TIME ZONE}, refusing PostgreSQL 17's {@code AT
   * LOCAL}: the backends Meshgate is tested with (15) do not read it.
   */
  private boolean isAtTimeZone() throws SqlRefusal {
    int next = nextSignificant(index);
    if (next >= 0 && tokens.get(next).isWord("local")) {
      throw new SqlRefusal(Reason.NOT_GOVERNED, "AT LOCAL at " + position(tokens.get(index))
          + " is PostgreSQL 17 syntax and is not supported by Meshgate; write AT TIME ZONE"
          + " current_setting('TimeZone') instead. The statement was not forwarded");
    }
    int zone = next < 0 ? -1 : nextSignificant(next);
    return next >= 0 && tokens.get(next).isWord("time")
        && zone >= 0 && tokens.get(zone).isWord("zone");
  }

  /**
   * {@code x AT TIME ZONE z} becomes the carrier {@code x || z} (see {@link OperatorCarriers}):
   * Calcite then finds both operands, and {@link PrecedenceRepair} gives the operator
   * PostgreSQL's level, above every other binary operator.
   */
  private void atTimeZone(Token token) {
    int zone = nextSignificant(nextSignificant(index));
    emit(OperatorCarriers.CARRIER, token, PieceKind.OTHER);
    carriers.put(pieces.getLast(), AtTimeZoneOperator.SPELLING);
    emitSkipped(index + 1, zone + 1);
    index = zone;
  }

  // ---- quantified pattern matches

  /**
   * Whether this {@code any}, {@code some} or {@code all} quantifies the pattern of a LIKE or
   * ILIKE: right after the keyword and before {@code (}. All three words are reserved in
   * PostgreSQL, so there they can be nothing else. After {@code SIMILAR TO} PostgreSQL's grammar
   * has no quantifier, so one is refused here rather than read as a function call.
   */
  private boolean isLikeQuantifier() throws SqlRefusal {
    int next = nextSignificant(index);
    if (next < 0 || tokens.get(next).type() != TokenType.OPEN_PAREN) {
      return false;
    }
    if (previousSignificantIsWord("to") && previousSignificant(2) != null
        && previousSignificant(2).isWord("similar")) {
      throw syntaxError("SIMILAR TO takes no ANY, SOME or ALL; write LIKE ANY (...) or"
          + " x SIMILAR TO p1 OR x SIMILAR TO p2", tokens.get(index).start());
    }
    return previousSignificantIsWord("like") || previousSignificantIsWord("ilike");
  }

  /**
   * {@code x LIKE ANY (array)} becomes {@code x LIKE meshgate$like_any (array)}: Calcite reads
   * the pattern as a call, and {@link MarkerCalls} turns it back into the quantifier.
   */
  private void likeQuantifier(Token token, String word) {
    String marker = word.equals("all") ? MarkerCalls.LIKE_ALL : MarkerCalls.LIKE_ANY;
    emit(marker, token, PieceKind.WORD);
  }

  // ---- FETCH ... WITH TIES

  /** Whether this {@code with} is the one of {@code ROW[S] WITH TIES}. */
  private boolean isWithTies() {
    int next = nextSignificant(index);
    Token previous = previousSignificant(1);
    return next >= 0 && tokens.get(next).isWord("ties")
        && previous != null && (previous.isWord("row") || previous.isWord("rows"));
  }

  /**
   * {@code FETCH FIRST|NEXT [n] ROW[S] WITH TIES} becomes {@code ... ROWS ONLY}, which Calcite
   * reads, and the count's piece is remembered ({@code 1} written when the client left it out,
   * as PostgreSQL reads it) so {@link FetchesWithTies} can put WITH TIES back on that query.
   * The count must be what Calcite reads after FETCH: a number or a parameter.
   */
  private void withTies(Token token) throws SqlRefusal {
    int rows = previousSignificantPiece(pieces.size());
    int count = previousSignificantPiece(rows);
    int first;
    if (count >= 0 && (pieces.get(count).isWord("first") || pieces.get(count).isWord("next"))) {
      first = count;
      Piece one = new Piece("1 ", pieces.get(rows).sourceOffset(), 0, PieceKind.LITERAL, "");
      pieces.add(rows, one);
      fetchCountsWithTies.add(one);
    } else {
      first = previousSignificantPiece(count);
      if (count < 0 || pieces.get(count).kind() != PieceKind.LITERAL
          || !pieces.get(count).text().matches("[0-9]+|\\?")) {
        throw new SqlRefusal(Reason.NOT_GOVERNED, "FETCH ... WITH TIES at " + position(token)
            + " takes a whole number or a parameter as its count in Meshgate; the statement was"
            + " not forwarded");
      }
      fetchCountsWithTies.add(pieces.get(count));
    }
    int fetch = previousSignificantPiece(first);
    if (first < 0 || !(pieces.get(first).isWord("first") || pieces.get(first).isWord("next"))
        || fetch < 0 || !pieces.get(fetch).isWord("fetch")) {
      throw syntaxError("WITH TIES must follow FETCH FIRST n ROWS", token.start());
    }
    int ties = nextSignificant(index);
    emit("ONLY", token, PieceKind.OTHER);
    emitSkipped(index + 1, ties + 1);
    index = ties;
  }

  /** The index of the last piece before {@code before} that is not a space, or -1. */
  private int previousSignificantPiece(int before) {
    for (int i = before - 1; i >= 0; i--) {
      if (pieces.get(i).kind() != PieceKind.SPACE) {
        return i;
      }
    }
    return -1;
  }

  // ---- column definition lists

  /**
   * Unreserved words that follow an aggregate's parentheses in a select list, where a call after
   * a comma looks like a FROM item to the tokens: never taken for an alias there.
   */
  private static final Set<String> AFTER_AN_AGGREGATE = Set.of("over", "filter", "within");

  /**
   * Whether this {@code (} opens a column definition list: {@code f(...) [AS] alias (name type,
   * ...)} where {@code f(...)} follows FROM, JOIN, a comma or LATERAL, and the first column name
   * is followed by a type (a word or a quoted name) rather than a comma or the end of the list.
   */
  private boolean isColumnDefinitionList() {
    int alias = previousSignificantIndex(index);
    if (alias < 0 || !SignificantTokens.isName(tokens.get(alias))) {
      return false;
    }
    String aliasWord = tokens.get(alias).type() == TokenType.WORD ? tokens.get(alias).foldedWord() : "";
    if (!aliasWord.isEmpty()
        && (!TypeNameWords.canBeFromAlias(aliasWord) || AFTER_AN_AGGREGATE.contains(aliasWord))) {
      return false;
    }
    int close = previousSignificantIndex(alias);
    if (close >= 0 && tokens.get(close).isWord("as")) {
      close = previousSignificantIndex(close);
    }
    if (close < 0 || tokens.get(close).type() != TokenType.CLOSE_PAREN) {
      return false;
    }
    int open = openingParenthesis(close);
    int name = open < 0 ? -1 : previousSignificantIndex(open);
    if (name < 0 || !SignificantTokens.isName(tokens.get(name))) {
      return false;
    }
    int dot = previousSignificantIndex(name);
    if (dot >= 0 && tokens.get(dot).type() == TokenType.DOT) {
      name = previousSignificantIndex(dot);
      if (name < 0 || !SignificantTokens.isName(tokens.get(name))) {
        return false;
      }
    }
    int before = previousSignificantIndex(name);
    boolean fromItem = before >= 0 && (tokens.get(before).type() == TokenType.COMMA
        || tokens.get(before).isWord("from") || tokens.get(before).isWord("join")
        || tokens.get(before).isWord("lateral"));
    int column = nextSignificant(index);
    int type = column < 0 ? -1 : nextSignificant(column);
    return fromItem && column >= 0 && SignificantTokens.isName(tokens.get(column)) && type >= 0
        && (tokens.get(type).type() == TokenType.WORD || tokens.get(type).type() == TokenType.QUOTED_IDENTIFIER);
  }

  /**
   * {@code (a int, b text)} becomes {@code ("a", "b")}; the types, read as after {@code ::},
   * are remembered by the first name's piece for {@link ColumnDefinitionLists}.
   */
  private void columnDefinitionList(Token token) throws SqlRefusal, LexicalException {
    emit(token.text(), token, PieceKind.OPEN_PAREN);
    Piece first = null;
    List<String> types = new ArrayList<>();
    while (true) {
      int column = nextSignificant(index);
      if (column < 0 || !SignificantTokens.isName(tokens.get(column))) {
        throw syntaxError("a column definition list needs a column name and a type",
            column < 0 ? token.end() : tokens.get(column).start());
      }
      emitSkipped(index + 1, column);
      index = column;
      emit(PgIdentifiers.quote(nameValue(tokens.get(column))), tokens.get(column), PieceKind.IDENTIFIER);
      if (first == null) {
        first = pieces.getLast();
      }
      int typeStart = nextSignificant(index);
      if (typeStart < 0) {
        throw syntaxError("a column definition list needs a type after each name", tokens.get(column).end());
      }
      emitSkipped(index + 1, typeStart);
      readType(typeStart);
      Piece type = pieces.removeLast();
      pieces.add(new Piece(" ", type.sourceOffset(), type.sourceLength(), PieceKind.SPACE, ""));
      types.add(type.text());
      int next = nextSignificant(index);
      if (next < 0 || (tokens.get(next).type() != TokenType.COMMA
          && tokens.get(next).type() != TokenType.CLOSE_PAREN)) {
        throw notSupported("this column definition (only a name and a type are read)",
            next < 0 ? tokens.get(index) : tokens.get(next));
      }
      emitSkipped(index + 1, next);
      index = next;
      if (tokens.get(next).type() == TokenType.CLOSE_PAREN) {
        emit(")", tokens.get(next), PieceKind.CLOSE_PAREN);
        break;
      }
      emit(",", tokens.get(next), PieceKind.OTHER);
    }
    columnDefinitions.put(first, List.copyOf(types));
  }

  private int previousSignificantIndex(int before) {
    return SignificantTokens.previous(tokens, before);
  }

  /** The {@code (} that the {@code )} at {@code close} closes, or -1. */
  private int openingParenthesis(int close) {
    int depth = 0;
    for (int i = close; i >= 0; i--) {
      TokenType type = tokens.get(i).type();
      if (type == TokenType.CLOSE_PAREN) {
        depth++;
      } else if (type == TokenType.OPEN_PAREN && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  // ---- set-returning functions in FROM after LATERAL and JOIN

  /**
   * {@code LATERAL f(...)}: for a function LATERAL is a noise word in PostgreSQL (a function in
   * FROM sees the FROM items before it anyway), so it becomes {@code TABLE(f(...))}, which
   * Calcite reads in every shape and writes back as {@code f(...)} (see {@link
   * FromFunctionCalls}); before {@code unnest}, which Calcite reads itself, it is dropped.
   * {@code LATERAL (query)} stays.
   */
  private void lateral(Token token) throws SqlRefusal {
    int next = nextSignificant(index);
    if (next >= 0 && tokens.get(next).isWord("unnest")) {
      emit(" ", token, PieceKind.SPACE);
    } else if (!openFromFunction(token, next)) {
      emit(token.text(), token, PieceKind.WORD);
    }
  }

  /**
   * {@code FROM f(...)} or {@code , f(...)} in a query's FROM list: the function becomes {@code
   * TABLE(f(...))}, as after JOIN, since Calcite reads a bare call there only while its first
   * argument is no call (Grafana's table picker sends {@code FROM generate_series(array_lower(
   * ...), ...)}). Not after the FROM of {@code extract(year FROM f(d))} and its like, which sits
   * in a call's parentheses without a SELECT of its own.
   */
  private boolean isFunctionItemOfAFromList() {
    int previous = previousSignificantIndex(index);
    if (previous < 0 || previousSignificantIsWord("join") || previousSignificantIsWord("lateral")
        || previousSignificantIs(TokenType.DOT)
        || !FromItemPositions.startsFromItem(tokens, index)
        || FromFunctionCalls.itemEnd(tokens, index) < 0) {
      return false;
    }
    return nearestWordAtItsDepth(previous, Set.of("select")).equals("select");
  }

  /**
   * The first of {@code words} going back from {@code from} (included) at its parenthesis depth,
   * or "" when an unclosed parenthesis or the statement's start comes first.
   */
  private String nearestWordAtItsDepth(int from, Set<String> words) {
    int depth = 0;
    for (int i = from; i >= 0; i--) {
      Token before = tokens.get(i);
      if (before.type() == TokenType.CLOSE_PAREN) {
        depth++;
      } else if (before.type() == TokenType.OPEN_PAREN) {
        if (depth == 0) {
          return "";
        }
        depth--;
      } else if (depth == 0 && before.type() == TokenType.WORD && words.contains(before.foldedWord())) {
        return before.foldedWord();
      }
    }
    return "";
  }

  /**
   * A word right after the AS of a select list item, ending the item: the next token is a
   * comma, a closing parenthesis, FROM or the end, and the nearest clause word before the AS (at
   * the same parenthesis depth) is SELECT or RETURNING, so this is no table alias, CAST type or
   * WITH query name.
   */
  private boolean isOutputNameAfterAs() {
    int as = previousSignificantIndex(index);
    if (as < 0 || !tokens.get(as).isWord("as")) {
      return false;
    }
    int next = nextSignificant(index);
    if (next >= 0 && tokens.get(next).type() != TokenType.COMMA
        && tokens.get(next).type() != TokenType.CLOSE_PAREN
        && tokens.get(next).type() != TokenType.SEMICOLON && !tokens.get(next).isWord("from")) {
      return false;
    }
    String clause = nearestWordAtItsDepth(as - 1, CLAUSE_WORDS);
    return clause.equals("select") || clause.equals("returning");
  }

  /**
   * The words that start a select list, and the clause words that may stand between a select
   * list and a later AS: that AS is no select list item's.
   */
  private static final Set<String> CLAUSE_WORDS = Set.of("select", "returning", "from", "join",
      "where", "group", "having", "window", "order", "on", "using", "into", "set", "values", "lateral");

  /** {@code JOIN f(...)}: the function becomes {@code TABLE(f(...))}, as after LATERAL. */
  private void join(Token token) throws SqlRefusal, LexicalException {
    emit(token.text(), token, PieceKind.WORD);
    int next = nextSignificant(index);
    if (next >= 0 && FromFunctionCalls.itemEnd(tokens, next) >= 0) {
      emitSkipped(index + 1, next);
      index = next;
      openFromFunction(tokens.get(next), next);
      normalizeToken(tokens.get(next));
    }
  }

  /**
   * Writes {@code TABLE(} (over {@code source}'s text) if a function item starts at {@code
   * nameStart}, and remembers to close it after the item's last token.
   */
  private boolean openFromFunction(Token source, int nameStart) throws SqlRefusal {
    if (FromFunctionCalls.isRowsFrom(tokens, nameStart)) {
      throw rowsFromNotSupported(tokens.get(nameStart));
    }
    int end = FromFunctionCalls.itemEnd(tokens, nameStart);
    if (end < 0) {
      return false;
    }
    Piece table = new Piece("TABLE", source.start(), source.text().length(), PieceKind.WORD, "table");
    pieces.add(table);
    tableOpenings.add(table);
    pieces.add(new Piece("(", source.start(), 0, PieceKind.OPEN_PAREN, ""));
    fromFunctionEnds.add(end);
    return true;
  }

  private void closeFromFunctions() {
    while (!fromFunctionEnds.isEmpty() && fromFunctionEnds.first() <= index) {
      fromFunctionEnds.pollFirst();
      pieces.add(new Piece(")", tokens.get(index).end(), 0, PieceKind.CLOSE_PAREN, ""));
    }
  }

  /** {@code ROWS FROM (} right after FROM, JOIN or LATERAL (a comma may end a select item). */
  private boolean isRowsFromItem() {
    return FromFunctionCalls.isRowsFrom(tokens, index)
        && (previousSignificantIsWord("from") || previousSignificantIsWord("join")
            || previousSignificantIsWord("lateral"));
  }

  private SqlRefusal rowsFromNotSupported(Token token) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "ROWS FROM (...) at " + position(token) + " is not supported by Meshgate yet; join the"
            + " functions one by one instead (CROSS JOIN LATERAL f(...) WITH ORDINALITY);"
            + " the statement was not forwarded");
  }

  /** LIMIT, OFFSET or FETCH FIRST|NEXT: a row count follows. */
  private boolean isCountKeyword(String word) {
    return word.equals("limit") || word.equals("offset")
        || (word.equals("first") || word.equals("next")) && previousSignificantIsWord("fetch");
  }

  /** The integer types pgjdbc names when it writes a parameter into the text (simple mode). */
  private static final Set<String> INLINED_COUNT_TYPES =
      Set.of("int2", "int4", "int8", "smallint", "integer", "int", "bigint");

  /**
   * Where {@code ('10'::int4)} after this LIMIT, OFFSET or FETCH FIRST|NEXT ends, or -1. pgjdbc's simple query
   * mode writes a bound count so ({@code LIMIT ?} becomes {@code LIMIT ('10'::int4)}), which
   * PostgreSQL reads as the number 10 but Calcite does not read at all. Only a plain string of
   * digits cast to an integer type qualifies; anything else is left to the parser (and refused).
   */
  private int inlinedCountEnd() {
    int open = nextSignificant(index);
    int literal = open < 0 ? -1 : nextSignificant(open);
    int cast = literal < 0 ? -1 : nextSignificant(literal);
    int type = cast < 0 ? -1 : nextSignificant(cast);
    int close = type < 0 ? -1 : nextSignificant(type);
    if (close < 0 || tokens.get(open).type() != TokenType.OPEN_PAREN
        || tokens.get(literal).type() != TokenType.STRING
        || tokens.get(cast).type() != TokenType.TYPECAST
        || tokens.get(type).type() != TokenType.WORD
        || !INLINED_COUNT_TYPES.contains(tokens.get(type).foldedWord())
        || tokens.get(close).type() != TokenType.CLOSE_PAREN) {
      return -1;
    }
    String text = tokens.get(literal).text();
    String digits = text.substring(1, text.length() - 1);
    return digits.matches("[0-9]{1,18}") ? close : -1;
  }

  /** {@code LIMIT ('10'::int4)} becomes {@code LIMIT 10}: the same count, as a number (a word). */
  private void inlinedCount(Token token) {
    int end = inlinedCountEnd();
    int literal = nextSignificant(nextSignificant(index));
    String text = tokens.get(literal).text();
    emit(token.text(), token, PieceKind.WORD);
    emitSkipped(index + 1, literal);
    emit(text.substring(1, text.length() - 1), tokens.get(literal), PieceKind.LITERAL);
    emitSkipped(literal + 1, end + 1);
    index = end;
  }

  /**
   * Where {@code $1::integer} (or {@code 20::integer}) after this LIMIT, OFFSET or FETCH
   * FIRST|NEXT ends, or -1. SQLAlchemy writes every bound count so ({@code .limit(20)} sends
   * {@code LIMIT $1::INTEGER}; over psycopg2, {@code LIMIT 20::INTEGER}); Calcite reads a
   * parameter or a number there, but no cast. Only a cast to an integer type qualifies.
   */
  private int castCountTypeEnd() {
    int count = nextSignificant(index);
    int cast = count < 0 ? -1 : nextSignificant(count);
    int type = cast < 0 ? -1 : nextSignificant(cast);
    if (type < 0
        || tokens.get(count).type() != TokenType.PARAMETER
            && !(tokens.get(count).type() == TokenType.NUMBER && tokens.get(count).text().matches("[0-9]{1,18}"))
        || tokens.get(cast).type() != TokenType.TYPECAST
        || tokens.get(type).type() != TokenType.WORD
        || !INLINED_COUNT_TYPES.contains(tokens.get(type).foldedWord())) {
      return -1;
    }
    int after = nextSignificant(type);
    boolean typeEndsThere = after < 0 || tokens.get(after).type() != TokenType.OPEN_BRACKET
        && tokens.get(after).type() != TokenType.DOT && tokens.get(after).type() != TokenType.TYPECAST;
    return typeEndsThere ? type : -1;
  }

  /**
   * {@code LIMIT $1::integer} becomes {@code LIMIT $1}: the same count. PostgreSQL then infers
   * the parameter as bigint (LIMIT's own type) instead of integer, which accepts every value the
   * cast did.
   */
  private void castCount(Token token) throws SqlRefusal, LexicalException {
    int end = castCountTypeEnd();
    int count = nextSignificant(index);
    emit(token.text(), token, PieceKind.WORD);
    emitSkipped(index + 1, count);
    index = count;
    normalizeToken(tokens.get(count));
    emitSkipped(count + 1, end + 1);
    index = end;
  }

  /** {@code unnest(} anywhere but where a FROM item starts. */
  private boolean isUnnestCallInAnExpression() {
    int next = nextSignificant(index);
    return next >= 0 && tokens.get(next).type() == TokenType.OPEN_PAREN
        && !FromItemPositions.startsFromItem(tokens, index);
  }

  /** {@code WITH ORDINALITY} right after a parenthesis: only a FROM function can be there. */
  private boolean isWithOrdinality() {
    int next = nextSignificant(index);
    return previousSignificantIs(TokenType.CLOSE_PAREN)
        && next >= 0 && tokens.get(next).isWord("ordinality");
  }

  /**
   * {@code f(...) WITH ORDINALITY} becomes {@code TABLE(meshgate$with_ordinality(f(...)))}
   * ({@code TABLE(} because Calcite does not read a call as the first argument of a FROM
   * function; not twice after LATERAL or JOIN, which wrote it already); Calcite reads {@code
   * unnest(...) WITH ORDINALITY} itself, so that one stays.
   */
  private void withOrdinality(Token token) throws SqlRefusal {
    int functionStart = OperandScanner.operandStart(pieces, pieces.size());
    PieceKind startKind = functionStart < 0 ? PieceKind.OTHER : pieces.get(functionStart).kind();
    if (startKind != PieceKind.WORD && startKind != PieceKind.IDENTIFIER) {
      throw syntaxError("WITH ORDINALITY must follow a function call", token.start());
    }
    if (pieces.get(functionStart).isWord("unnest")) {
      emit(token.text(), token, PieceKind.WORD);
      return;
    }
    boolean wrapped = isTableOpening(functionStart);
    insertMarkerOpening(MarkerCalls.WITH_ORDINALITY, functionStart);
    if (!wrapped) {
      insertMarkerOpening("TABLE", functionStart);
    }
    int ordinality = nextSignificant(index);
    emitSkipped(index + 1, ordinality);
    emit(wrapped ? ")" : "))", tokens.get(ordinality), PieceKind.CLOSE_PAREN);
    index = ordinality;
  }

  /**
   * {@code ONLY} right after FROM, JOIN or a comma: it is a reserved word, so there it can only
   * be the table modifier ({@code FETCH FIRST n ROWS ONLY} follows ROWS).
   */
  private boolean isRelationOnly() {
    return previousSignificantIsWord("from") || previousSignificantIsWord("join")
        || previousSignificantIs(TokenType.COMMA);
  }

  /**
   * {@code ONLY name} and {@code ONLY (name)} become {@code meshgate$only(name)}; what stands
   * inside is checked to be a table name once parsed.
   */
  private void relationOnly(Token token) throws SqlRefusal, LexicalException {
    pieces.add(new Piece(MarkerCalls.ONLY, token.start(), token.text().length(), PieceKind.WORD,
        MarkerCalls.ONLY));
    int next = nextSignificant(index);
    if (next >= 0 && tokens.get(next).type() == TokenType.OPEN_PAREN) {
      return; // the client's parentheses become the call's
    }
    pieces.add(new Piece("(", token.end(), 0, PieceKind.OPEN_PAREN, ""));
    while (true) {
      if (next < 0 || !SignificantTokens.isName(tokens.get(next))) {
        throw syntaxError("ONLY must be followed by a table name", token.end());
      }
      emitSkipped(index + 1, next);
      index = next;
      normalizeToken(tokens.get(next));
      int dot = nextSignificant(index);
      if (dot < 0 || tokens.get(dot).type() != TokenType.DOT) {
        break;
      }
      emitSkipped(index + 1, dot);
      index = dot;
      normalizeToken(tokens.get(dot));
      next = nextSignificant(dot);
    }
    pieces.add(new Piece(")", tokens.get(index).end(), 0, PieceKind.CLOSE_PAREN, ""));
  }

  /**
   * {@code ON (} right after {@code SELECT DISTINCT}: ON is a reserved word, so there it can
   * only open PostgreSQL's DISTINCT ON clause.
   */
  private boolean isDistinctOn() {
    Token previous = previousSignificant(1);
    Token beforePrevious = previousSignificant(2);
    int next = nextSignificant(index);
    return previous != null && previous.isWord("distinct")
        && beforePrevious != null && beforePrevious.isWord("select")
        && next >= 0 && tokens.get(next).type() == TokenType.OPEN_PAREN;
  }

  /**
   * {@code SELECT DISTINCT ON (e1, e2) items} becomes {@code SELECT DISTINCT
   * meshgate$distinct_on(e1, e2), items}: the client's parentheses become the call's, and the
   * expressions inside are normalized as anywhere else.
   */
  private void distinctOn(Token token) throws SqlRefusal, LexicalException {
    pieces.add(new Piece(MarkerCalls.DISTINCT_ON, token.start(), token.text().length(),
        PieceKind.WORD, MarkerCalls.DISTINCT_ON));
    int open = nextSignificant(index);
    emitSkipped(index + 1, open);
    index = open;
    int depth = 0;
    while (true) {
      // what a token's own handler consumes after it (a cast's type) is balanced
      TokenType type = tokens.get(index).type();
      depth += type == TokenType.OPEN_PAREN ? 1 : type == TokenType.CLOSE_PAREN ? -1 : 0;
      normalizeToken(tokens.get(index));
      if (depth == 0) {
        break;
      }
      index++;
      if (index >= tokens.size()) {
        throw syntaxError("DISTINCT ON ( is not closed", token.start());
      }
    }
    pieces.add(new Piece(",", tokens.get(index).end(), 0, PieceKind.OTHER, ""));
  }

  /** Whether the pieces before {@code at} (spaces aside) are a {@code TABLE(} of LATERAL or JOIN. */
  private boolean isTableOpening(int at) {
    int before = at - 1;
    while (before >= 0 && pieces.get(before).kind() == PieceKind.SPACE) {
      before--;
    }
    return before >= 1 && pieces.get(before).kind() == PieceKind.OPEN_PAREN
        && tableOpenings.contains(pieces.get(before - 1));
  }

  private void insertMarkerOpening(String marker, int at) {
    int offset = pieces.get(at).sourceOffset();
    pieces.add(at, new Piece("(", offset, 0, PieceKind.OPEN_PAREN, ""));
    pieces.add(at, new Piece(marker, offset, 0, PieceKind.WORD, marker));
  }

  private void refuseMarkerName(String name, Token token) throws SqlRefusal {
    if (MarkerCalls.isMarkerName(name)) {
      throw syntaxError("the name " + name + " is reserved by Meshgate", token.start());
    }
  }


  /** A name as PostgreSQL stores it: folded if unquoted, truncated to 63 bytes. */
  private String nameValue(Token token) throws LexicalException {
    return PgIdentifiers.truncate(
        token.type() == TokenType.WORD ? token.foldedWord() : quotedName(token));
  }

  private SqlRefusal notSupported(String construct, Token token) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        construct + " at " + position(token)
            + " is not supported by Meshgate yet; the statement was not forwarded");
  }

  // ---- casts

  /** {@code operand::type} becomes {@code CAST(operand AS type)}. */
  private void typecast(Token token) throws SqlRefusal, LexicalException {
    int operandStart = OperandScanner.operandStart(pieces, pieces.size());
    if (operandStart < 0) {
      throw syntaxError("cannot tell what the :: cast applies to", token.start());
    }
    Piece first = pieces.get(operandStart);
    pieces.add(operandStart,
        new Piece("CAST(", first.sourceOffset(), 0, PieceKind.OPEN_PAREN, Piece.CAST_OPENING));
    emit(" AS ", token, PieceKind.WORD);
    int typeStart = nextSignificant(index);
    if (typeStart < 0) {
      throw syntaxError(":: needs a type", token.end());
    }
    emitSkipped(index + 1, typeStart);
    readType(typeStart);
    emit(")", tokens.get(index), PieceKind.CLOSE_PAREN);
  }

  /**
   * Reads a PostgreSQL type name starting at token {@code start}, emits it in a form Calcite
   * parses, and leaves {@link #index} on its last token.
   */
  private void readType(int start) throws SqlRefusal, LexicalException {
    Token first = tokens.get(start);
    List<String> parts = new ArrayList<>();
    int current = start;
    boolean quotedInterval = false;
    if (first.type() == TokenType.WORD) {
      String word = first.foldedWord();
      parts.add(typeWord(first));
      switch (word) {
        case "double" -> current = optionalWords(current, parts, "precision");
        case "character", "char", "nchar", "bit" -> current = optionalWords(current, parts, "varying");
        case "national" -> {
          current = optionalWords(current, parts, "character");
          current = optionalWords(current, parts, "char");
          current = optionalWords(current, parts, "varying");
        }
        case "timestamp", "time" -> {
          current = optionalParenthesized(current, parts);
          current = optionalTimeZone(current, parts);
        }
        case "interval" -> {
          int next = nextSignificant(current);
          if (next >= 0 && isTimeUnitWord(tokens.get(next))) {
            current = next;
            parts.add(tokens.get(next).text());
            int to = nextSignificant(current);
            if (to >= 0 && tokens.get(to).isWord("to")) {
              int unit = nextSignificant(to);
              if (unit >= 0 && isTimeUnitWord(tokens.get(unit))) {
                parts.add("TO");
                parts.add(tokens.get(unit).text());
                current = unit;
              }
            }
          } else {
            parts.set(0, "\"interval\"");
            quotedInterval = true;
          }
        }
        default -> current = qualifiedName(current, parts);
      }
    } else if (first.type() == TokenType.QUOTED_IDENTIFIER
        || first.type() == TokenType.UNICODE_IDENTIFIER) {
      parts.add(PgIdentifiers.quote(PgIdentifiers.truncate(quotedName(first))));
      current = qualifiedName(current, parts);
    } else {
      throw syntaxError("expected a type name", first.start());
    }
    if (!quotedInterval) {
      current = optionalParenthesized(current, parts);
    }
    boolean array = false;
    while (true) {
      int next = nextSignificant(current);
      if (next >= 0 && tokens.get(next).type() == TokenType.OPEN_BRACKET) {
        int close = nextSignificant(next);
        while (close >= 0 && tokens.get(close).type() != TokenType.CLOSE_BRACKET) {
          close = nextSignificant(close);
        }
        if (close < 0) {
          throw syntaxError("unterminated array bounds in type", tokens.get(next).start());
        }
        array = true;
        current = close;
      } else if (next >= 0 && tokens.get(next).isWord("array")) {
        array = true;
        current = next;
      } else {
        break;
      }
    }
    if (array) {
      parts.add("ARRAY");
    }
    pieces.add(new Piece(String.join(" ", parts), first.start(),
        tokens.get(current).end() - first.start(), PieceKind.OTHER, ""));
    index = current;
  }

  private String typeWord(Token token) {
    String word = token.foldedWord();
    if (!PgIdentifiers.isAscii(token.text())) {
      return PgIdentifiers.quote(PgIdentifiers.truncate(word));
    }
    return token.text();
  }

  private int optionalWords(int current, List<String> parts, String word) {
    int next = nextSignificant(current);
    if (next >= 0 && tokens.get(next).isWord(word)) {
      parts.add(tokens.get(next).text());
      return next;
    }
    return current;
  }

  private int optionalTimeZone(int current, List<String> parts) {
    int with = nextSignificant(current);
    if (with < 0 || !(tokens.get(with).isWord("with") || tokens.get(with).isWord("without"))) {
      return current;
    }
    int time = nextSignificant(with);
    int zone = time < 0 ? -1 : nextSignificant(time);
    if (zone < 0 || !tokens.get(time).isWord("time") || !tokens.get(zone).isWord("zone")) {
      return current;
    }
    parts.add(tokens.get(with).text());
    parts.add(tokens.get(time).text());
    parts.add(tokens.get(zone).text());
    return zone;
  }

  private int optionalParenthesized(int current, List<String> parts) throws SqlRefusal {
    int open = nextSignificant(current);
    if (open < 0 || tokens.get(open).type() != TokenType.OPEN_PAREN) {
      return current;
    }
    StringBuilder modifiers = new StringBuilder("(");
    int cursor = nextSignificant(open);
    while (cursor >= 0 && tokens.get(cursor).type() != TokenType.CLOSE_PAREN) {
      Token token = tokens.get(cursor);
      if (token.type() != TokenType.NUMBER && token.type() != TokenType.COMMA
          && !(token.type() == TokenType.OPERATOR && token.text().equals("-"))) {
        throw new SqlRefusal(Reason.NOT_GOVERNED,
            "type modifiers other than numbers at " + position(token)
                + " are not supported by Meshgate yet; the statement was not forwarded");
      }
      modifiers.append(token.text());
      cursor = nextSignificant(cursor);
    }
    if (cursor < 0) {
      throw syntaxError("unterminated type modifier", tokens.get(open).start());
    }
    parts.set(parts.size() - 1, parts.get(parts.size() - 1) + modifiers.append(')'));
    return cursor;
  }

  private int qualifiedName(int current, List<String> parts) throws LexicalException {
    int cursor = current;
    while (true) {
      int dot = nextSignificant(cursor);
      if (dot < 0 || tokens.get(dot).type() != TokenType.DOT) {
        return cursor;
      }
      int name = nextSignificant(dot);
      if (name < 0) {
        return cursor;
      }
      Token part = tokens.get(name);
      String rendered;
      if (part.type() == TokenType.WORD) {
        rendered = typeWord(part);
      } else if (part.type() == TokenType.QUOTED_IDENTIFIER
          || part.type() == TokenType.UNICODE_IDENTIFIER) {
        rendered = PgIdentifiers.quote(PgIdentifiers.truncate(quotedName(part)));
      } else {
        return cursor;
      }
      parts.set(parts.size() - 1, parts.get(parts.size() - 1) + "." + rendered);
      cursor = name;
    }
  }

  // ---- token navigation and output

  private int nextSignificant(int from) {
    return SignificantTokens.next(tokens, from);
  }

  /** The {@code distance}-th significant token before the current one (1 = the previous). */
  private Token previousSignificant(int distance) {
    int seen = 0;
    for (int i = index - 1; i >= 0; i--) {
      if (tokens.get(i).type().isSignificant()) {
        seen++;
        if (seen == distance) {
          return tokens.get(i);
        }
      }
    }
    return null;
  }

  private boolean nextSignificantIs(TokenType type) {
    int next = nextSignificant(index);
    return next >= 0 && tokens.get(next).type() == type;
  }

  private boolean previousSignificantIs(TokenType type) {
    Token previous = previousSignificant(1);
    return previous != null && previous.type() == type;
  }

  private boolean previousSignificantIsWord(String word) {
    Token previous = previousSignificant(1);
    return previous != null && previous.isWord(word);
  }

  /** Emits the whitespace and comments strictly between two token indexes as spaces. */
  private void emitSkipped(int from, int toExclusive) {
    for (int i = from; i < toExclusive; i++) {
      emit(tokens.get(i).type() == TokenType.WHITESPACE ? tokens.get(i).text() : " ",
          tokens.get(i), PieceKind.SPACE);
    }
  }

  private void emit(String text, Token source, PieceKind kind) {
    String word = kind == PieceKind.WORD && source.type() == TokenType.WORD
        ? source.foldedWord()
        : "";
    pieces.add(new Piece(text, source.start(), source.text().length(), kind, word));
  }

  private String position(Token token) {
    return SourcePositions.describe(query, token.start());
  }

  private SqlRefusal syntaxError(String message, int offset) {
    return new SqlRefusal(
        Reason.SYNTAX_ERROR,
        message + " at " + SourcePositions.describe(query, offset)
            + "; the statement was not forwarded");
  }

}
