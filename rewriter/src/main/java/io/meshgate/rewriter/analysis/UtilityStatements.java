package io.meshgate.rewriter.analysis;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;
import java.util.Set;

/**
 * The utility statements Meshgate forwards without a decision, recognised by their first
 * keyword: they read or change session state but touch no table. A SET may only change a
 * setting on the {@link SettingAllowlist}, to a value it allows; returning a setting to its
 * default (RESET, SET ... TO DEFAULT, RESET ALL, DISCARD ALL) is allowed for any setting but
 * the identity: the defaults are the operator's.
 */
public final class UtilityStatements {
  // UNLISTEN: LISTEN is refused, so a session listens on no channel and UNLISTEN changes
  // nothing; asyncpg's pool sends "UNLISTEN *" with every connection it takes back.
  private static final Set<String> ALLOWED_FIRST_KEYWORDS =
      Set.of(
          "set", "show", "reset", "begin", "start", "commit", "end", "rollback", "abort",
          "savepoint", "release", "discard", "deallocate", "close", "unlisten");

  private UtilityStatements() {}

  /**
   * A change of application_name: {@code SET [SESSION | LOCAL] application_name {TO | =}
   * value}, {@code … TO DEFAULT} or {@code RESET application_name}. The proxy reports the end
   * user there, so such a statement is rewritten rather than forwarded as written.
   *
   * @param local whether it was {@code SET LOCAL}
   * @param clientValue the name the client asked for ("" for RESET or DEFAULT)
   */
  public record ApplicationNameChange(boolean local, String clientValue) {}

  /** The application_name change this allowlisted utility statement makes, if it makes one. */
  public static java.util.Optional<ApplicationNameChange> applicationNameChange(List<Token> tokens)
      throws SqlRefusal {
    if (tokens.isEmpty()) {
      return java.util.Optional.empty();
    }
    String first = tokens.get(0).type() == TokenType.WORD ? tokens.get(0).foldedWord() : "";
    if (first.equals("reset") && tokens.size() == 2 && nameAt(tokens, 1).equals("application_name")) {
      return java.util.Optional.of(new ApplicationNameChange(false, ""));
    }
    if (!first.equals("set")) {
      return java.util.Optional.empty();
    }
    int position = 1;
    boolean local = nameAt(tokens, position).equals("local");
    if (local || nameAt(tokens, position).equals("session")) {
      position++;
    }
    if (!nameAt(tokens, position).equals("application_name")) {
      return java.util.Optional.empty();
    }
    String value = valueAfter(tokens, position + 1);
    if (value.equals("default")) {
      value = "";
    }
    return java.util.Optional.of(new ApplicationNameChange(local, rawValueAfter(tokens, position + 1, value)));
  }

  /** The value with its case kept (valueAfter lower-cases for comparisons). */
  private static String rawValueAfter(List<Token> tokens, int position, String lowered) throws SqlRefusal {
    int index = position;
    if (index < tokens.size()
        && (tokens.get(index).isWord("to") || tokens.get(index).text().equals("="))) {
      index++;
    }
    if (lowered.isEmpty() || index >= tokens.size()) {
      return "";
    }
    Token value = tokens.get(index);
    try {
      if (value.type().isCharacterString()) {
        return PgStringLiterals.value(value);
      }
    } catch (LexicalException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, e.getMessage(), StatementKind.UTILITY);
    }
    return value.text();
  }

  /**
   * Whether the statement is an allowlisted utility statement to forward as written.
   *
   * @param settings the settings a SET may change
   * @throws SqlRefusal for a SET of a setting {@code settings} does not allow, or to a value it
   *     does not allow
   */
  public static boolean isAllowed(List<Token> significant, SettingAllowlist settings) throws SqlRefusal {
    if (significant.isEmpty() || significant.get(0).type() != TokenType.WORD) {
      return false;
    }
    String first = significant.get(0).foldedWord();
    if (!ALLOWED_FIRST_KEYWORDS.contains(first)) {
      return false;
    }
    if (first.equals("set")) {
      checkSet(significant, settings);
    }
    if ((first.equals("commit") || first.equals("rollback")) && nameAt(significant, 1).equals("prepared")) {
      throw preparedTransactionRefusal(first);
    }
    return true;
  }

  /**
   * COMMIT PREPARED and ROLLBACK PREPARED finish a transaction another session prepared: its
   * writes had no decision of this session's user, and no session through Meshgate can have
   * prepared it (PREPARE TRANSACTION is refused), so nothing a client needs is lost.
   */
  private static SqlRefusal preparedTransactionRefusal(String first) {
    return new SqlRefusal(Reason.NOT_GOVERNED, first.toUpperCase(java.util.Locale.ROOT)
        + " PREPARED is not allowed through Meshgate: it would finish a transaction whose writes no"
        + " policy decision of this session governed; commit or roll back prepared transactions directly"
        + " on the backend as its owner", StatementKind.UTILITY);
  }

  /** The transaction modes SET TRANSACTION starts with (gram.y, transaction_mode_item). */
  private static final Set<String> TRANSACTION_MODES = Set.of("isolation", "read", "deferrable", "not");

  private static void checkSet(List<Token> tokens, SettingAllowlist settings) throws SqlRefusal {
    int position = isModifier(tokens, 1) ? 2 : 1;
    if (nameAt(tokens, position).equals("session") && nameAt(tokens, position + 1).equals("authorization")) {
      throw SettingAllowlist.identityRefusal();
    }
    // PostgreSQL's own forms of SET (gram.y, set_rest and set_rest_more), each starting with an
    // unquoted keyword; followed by a dot, the keyword is the prefix of a custom setting's name
    // ("SET schema.x = 1" sets schema.x), which is read as any other name below.
    boolean prefix = position + 1 < tokens.size() && tokens.get(position + 1).type() == TokenType.DOT;
    switch (prefix ? "" : keywordAt(tokens, position)) {
      case "session" -> {
        if (isSessionCharacteristics(tokens, position)) {
          return; // AS TRANSACTION modes: default_transaction_isolation, _read_only, _deferrable
        }
      }
      case "transaction" -> {
        String next = keywordAt(tokens, position + 1);
        if (TRANSACTION_MODES.contains(next)) {
          return; // isolation level, read only/write, [not] deferrable of this transaction
        }
        if (next.equals("snapshot")) {
          // imports another session's snapshot: no client needs it
          settings.checkSet("transaction_snapshot", "");
        }
      }
      case "constraints" -> {
        String last = keywordAt(tokens, tokens.size() - 1);
        if ((last.equals("deferred") || last.equals("immediate")) && !isAssignment(tokens, position + 1)) {
          return; // SET CONSTRAINTS: when this transaction checks its deferrable constraints
        }
      }
      case "time" -> {
        if (keywordAt(tokens, position + 1).equals("zone")) {
          settings.checkSet("timezone", valueAfter(tokens, position + 2));
          return;
        }
      }
      case "schema" -> {
        if (position + 1 < tokens.size() && tokens.get(position + 1).type().isCharacterString()) {
          settings.checkSet("search_path", valueAfter(tokens, position + 1));
          return;
        }
      }
      case "names" -> {
        if (!isAssignment(tokens, position + 1)) {
          settings.checkSet("client_encoding", valueAfter(tokens, position + 1));
          return;
        }
      }
      case "xml" -> {
        if (keywordAt(tokens, position + 1).equals("option")) {
          settings.checkSet("xmloption", valueAfter(tokens, position + 2));
          return;
        }
      }
      default -> { }
    }
    // var_name: ColId, or ColId.ColId... for a custom setting
    StringBuilder name = new StringBuilder(nameAt(tokens, position));
    int end = position + 1;
    while (end + 1 < tokens.size() && tokens.get(end).type() == TokenType.DOT && !nameAt(tokens, end + 1).isEmpty()) {
      name.append('.').append(nameAt(tokens, end + 1));
      end += 2;
    }
    String setting = name.toString();
    if (isDefault(tokens, end)) {
      // the same as RESET: back to the value the operator controls (the identity stays refused)
      SettingAllowlist.checkReset(setting);
      return;
    }
    if (end + 1 < tokens.size() && nameAt(tokens, end).equals("from") && nameAt(tokens, end + 1).equals("current")) {
      // keeps the value the setting has, which passed this check when it was set
      settings.checkListed(setting);
      return;
    }
    settings.checkSet(setting, valueAfter(tokens, end));
  }

  /**
   * Whether the word at {@code index} is the SESSION or LOCAL of {@code SET [SESSION | LOCAL]}:
   * not when a name's dot or the assignment follows (then it is a setting's name), and SESSION
   * not when it starts SESSION AUTHORIZATION or SESSION CHARACTERISTICS AS.
   */
  private static boolean isModifier(List<Token> tokens, int index) throws SqlRefusal {
    String word = keywordAt(tokens, index);
    if (!(word.equals("local") || word.equals("session")) || index + 1 >= tokens.size()
        || tokens.get(index + 1).type() == TokenType.DOT || isAssignment(tokens, index + 1)) {
      return false;
    }
    return word.equals("local")
        || !(nameAt(tokens, index + 1).equals("authorization") || isSessionCharacteristics(tokens, index));
  }

  private static boolean isSessionCharacteristics(List<Token> tokens, int index) {
    return keywordAt(tokens, index).equals("session") && keywordAt(tokens, index + 1).equals("characteristics")
        && keywordAt(tokens, index + 2).equals("as");
  }

  /** Whether TO or = is at {@code index}. */
  private static boolean isAssignment(List<Token> tokens, int index) {
    return index < tokens.size() && (tokens.get(index).isWord("to") || tokens.get(index).text().equals("="));
  }

  /** The unquoted word at {@code index}, folded to lower case; "" for anything else. */
  private static String keywordAt(List<Token> tokens, int index) {
    if (index < 0 || index >= tokens.size() || tokens.get(index).type() != TokenType.WORD) {
      return "";
    }
    return tokens.get(index).foldedWord();
  }

  /** Whether the value at {@code position} (after TO or =) is the one word DEFAULT. */
  private static boolean isDefault(List<Token> tokens, int position) throws SqlRefusal {
    int index = position;
    if (index < tokens.size() && (tokens.get(index).isWord("to") || tokens.get(index).text().equals("="))) {
      index++;
    }
    return index == tokens.size() - 1 && tokens.get(index).type() == TokenType.WORD
        && tokens.get(index).isWord("default");
  }

  /**
   * Whether {@code schemas} (a search path, in order) names pg_catalog after another schema.
   * PostgreSQL searches pg_catalog first unless the path lists it later; then that schema's
   * types, functions and operators of the same name take the place of the built-ins in the SQL
   * Meshgate writes (masks, filters), and a user who may create objects there could read raw
   * values through them. Such a path is refused, at startup and by SET (the analyzer reads a
   * SET's path with {@code SearchPathStatements}, as the session follows it).
   */
  public static boolean listsPgCatalogAfterAnotherSchema(List<String> schemas) {
    return schemas.indexOf("pg_catalog") > 0;
  }

  /** The refusal of a search path {@link #listsPgCatalogAfterAnotherSchema} finds. */
  public static SqlRefusal pgCatalogNotFirst() {
    return new SqlRefusal(
        Reason.PERMISSION_DENIED,
        "search_path may not list pg_catalog after another schema through Meshgate: objects there would"
            + " take the place of built-in types, functions and operators in the SQL Meshgate writes;"
            + " leave pg_catalog out (PostgreSQL searches it first) or put it first",
        StatementKind.UTILITY);
  }

  /** Whether the SET ends in FROM CURRENT: it keeps the value the setting has. */
  public static boolean keepsCurrentValue(List<Token> tokens) {
    int last = tokens.size() - 1;
    return keywordAt(tokens, 0).equals("set") && keywordAt(tokens, last - 1).equals("from")
        && keywordAt(tokens, last).equals("current");
  }

  /**
   * The refusal of a search path Meshgate cannot read as a list of schema names. PostgreSQL
   * takes more: a number is a schema of that name to it, so {@code SET search_path = public,
   * pg_catalog, 1} would list pg_catalog after public, unseen by {@link
   * #listsPgCatalogAfterAnotherSchema}.
   */
  public static SqlRefusal unreadableSearchPath() {
    return new SqlRefusal(
        Reason.PERMISSION_DENIED,
        "Meshgate cannot read this search_path as a list of schema names; write names or string"
            + " literals separated by commas, e.g. SET search_path TO sales, public",
        StatementKind.UTILITY);
  }

  /**
   * The setting name at a position, lower-cased whether quoted or not: PostgreSQL looks up
   * configuration parameters case-insensitively, so {@code SET "ROLE" = x} sets the role too.
   * Only ASCII letters are lowered, as PostgreSQL compares them: a name with another letter
   * that lower-cases to ASCII (the Kelvin sign) is another name to it, and must be to the list.
   */
  public static String nameAt(List<Token> tokens, int position) throws SqlRefusal {
    if (position >= tokens.size()) {
      return "";
    }
    Token token = tokens.get(position);
    try {
      return switch (token.type()) {
        case WORD -> token.foldedWord();
        case QUOTED_IDENTIFIER, UNICODE_IDENTIFIER -> PgIdentifiers.foldAsciiCase(PgStringLiterals.identifier(token, '\\'));
        case WHITESPACE, LINE_COMMENT, BLOCK_COMMENT, STRING, ESCAPE_STRING, UNICODE_STRING,
            NATIONAL_STRING, BIT_STRING, HEX_STRING, DOLLAR_STRING, NUMBER, PARAMETER, OPERATOR,
            OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, COMMA, SEMICOLON, DOT, COLON,
            TYPECAST, OTHER -> "";
      };
    } catch (LexicalException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, e.getMessage(), StatementKind.UTILITY);
    }
  }

  /** The value of {@code SET name [TO | =] value}, lower-cased and unquoted; "" if absent. */
  private static String valueAfter(List<Token> tokens, int position) throws SqlRefusal {
    int index = position;
    if (index < tokens.size()
        && (tokens.get(index).isWord("to") || tokens.get(index).text().equals("="))) {
      index++;
    }
    if (index >= tokens.size()) {
      return "";
    }
    if (index + 1 < tokens.size()) {
      // a list or an expression: not one of the accepted plain values
      return "";
    }
    Token value = tokens.get(index);
    try {
      if (value.type().isCharacterString()) {
        return PgIdentifiers.foldAsciiCase(PgStringLiterals.value(value).strip());
      }
    } catch (LexicalException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, e.getMessage(), StatementKind.UTILITY);
    }
    return nameAt(tokens, index).isEmpty() ? value.lowerText() : nameAt(tokens, index);
  }
}
