package io.meshgate.rewriter.analysis;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgStringLiterals;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The utility statements Meshgate forwards without a decision, recognised by their first
 * keyword: they read or change session state but touch no table. SET statements that would
 * change who the backend acts as, or how it reads the SQL Meshgate sends, are refused.
 */
public final class UtilityStatements {
  // UNLISTEN: LISTEN is refused, so a session listens on no channel and UNLISTEN changes
  // nothing; asyncpg's pool sends "UNLISTEN *" with every connection it takes back.
  private static final Set<String> ALLOWED_FIRST_KEYWORDS =
      Set.of(
          "set", "show", "reset", "begin", "start", "commit", "end", "rollback", "abort",
          "savepoint", "release", "discard", "deallocate", "close", "unlisten");

  /** Settings that change the backend identity. */
  private static final Set<String> IDENTITY_SETTINGS = Set.of("role", "session_authorization");

  /**
   * Settings that change how the backend reads the SQL Meshgate sends: the rewritten SQL
   * relies on standard-conforming strings and UTF-8, so only those values are accepted.
   */
  private static final Set<String> STANDARD_CONFORMING_VALUES = Set.of("on", "true", "yes", "1");

  private static final Set<String> UTF8_VALUES = Set.of("utf8", "utf-8", "unicode");

  /**
   * The client_min_messages levels that keep the backend's LOG and DEBUG messages from the
   * client. Those messages carry the SQL Meshgate forwards, hash salts included (a server that
   * logs statements, {@code log_min_duration_statement}, sends each one to a client at LOG), and
   * the {@code debug_print_*} settings send the query tree and the plan with its estimates
   * (BackendMessagesIT). A list or an expression reads as "" and is refused.
   */
  private static final Set<String> CLIENT_MESSAGE_LEVELS = Set.of("notice", "warning", "error", "default");

  /** Settings that print the query tree or plan as messages; each may only be turned off. */
  private static final Set<String> TREE_PRINTING_SETTINGS =
      Set.of("debug_print_parse", "debug_print_rewritten", "debug_print_plan");

  private static final Set<String> OFF_VALUES = Set.of("off", "false", "no", "0", "default");

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
   * @throws SqlRefusal for a SET that would change the backend role or how it parses SQL
   */
  public static boolean isAllowed(List<Token> significant) throws SqlRefusal {
    if (significant.isEmpty() || significant.get(0).type() != TokenType.WORD) {
      return false;
    }
    String first = significant.get(0).foldedWord();
    if (!ALLOWED_FIRST_KEYWORDS.contains(first)) {
      return false;
    }
    if (first.equals("set")) {
      checkSet(significant);
    }
    return true;
  }

  private static void checkSet(List<Token> tokens) throws SqlRefusal {
    int position = 1;
    // SET [SESSION | LOCAL] ...; "SET SESSION AUTHORIZATION" and "SET SESSION CHARACTERISTICS"
    // start with SESSION too, so the modifier is only skipped when something follows it.
    if (position + 1 < tokens.size()
        && (nameAt(tokens, position).equals("local")
            || (nameAt(tokens, position).equals("session")
                && !nameAt(tokens, position + 1).equals("authorization")
                && !nameAt(tokens, position + 1).equals("characteristics")))) {
      position++;
    }
    String setting = nameAt(tokens, position);
    if (IDENTITY_SETTINGS.contains(setting)
        || (setting.equals("session") && nameAt(tokens, position + 1).equals("authorization"))) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "changing the backend role is not allowed through Meshgate",
          StatementKind.UTILITY);
    }
    if (setting.equals("standard_conforming_strings")
        && !STANDARD_CONFORMING_VALUES.contains(valueAfter(tokens, position + 1))) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "standard_conforming_strings must stay on through Meshgate",
          StatementKind.UTILITY);
    }
    if (setting.equals("client_min_messages")
        && !CLIENT_MESSAGE_LEVELS.contains(valueAfter(tokens, position + 1))) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "client_min_messages must stay at notice, warning or error through Meshgate: the backend's"
              + " log and debug messages show the SQL Meshgate forwards",
          StatementKind.UTILITY);
    }
    if (TREE_PRINTING_SETTINGS.contains(setting) && !OFF_VALUES.contains(valueAfter(tokens, position + 1))) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          setting + " cannot be turned on through Meshgate: it prints the SQL Meshgate forwards and its plan",
          StatementKind.UTILITY);
    }
    if ((setting.equals("client_encoding") || setting.equals("names"))
        && !UTF8_VALUES.contains(valueAfter(tokens, position + 1))) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "client_encoding must stay UTF8 through Meshgate",
          StatementKind.UTILITY);
    }
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

  /**
   * The setting name at a position, lower-cased whether quoted or not: PostgreSQL looks up
   * configuration parameters case-insensitively, so {@code SET "ROLE" = x} sets the role too.
   */
  public static String nameAt(List<Token> tokens, int position) throws SqlRefusal {
    if (position >= tokens.size()) {
      return "";
    }
    Token token = tokens.get(position);
    try {
      return switch (token.type()) {
        case WORD -> token.foldedWord().toLowerCase(Locale.ROOT);
        case QUOTED_IDENTIFIER, UNICODE_IDENTIFIER ->
            PgStringLiterals.identifier(token, '\\').toLowerCase(Locale.ROOT);
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
        return PgStringLiterals.value(value).strip().toLowerCase(Locale.ROOT);
      }
    } catch (LexicalException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, e.getMessage(), StatementKind.UTILITY);
    }
    return nameAt(tokens, index).isEmpty() ? value.lowerText() : nameAt(tokens, index);
  }
}
