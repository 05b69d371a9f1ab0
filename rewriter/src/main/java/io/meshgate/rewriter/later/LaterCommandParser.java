package io.meshgate.rewriter.later;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.TokenCursor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the heads of PREPARE, DECLARE, EXPLAIN and EXECUTE. What Meshgate writes back is
 * rebuilt from checked tokens, never copied unchecked, so nothing but the governed query can
 * ride along with the head.
 */
public final class LaterCommandParser {
  private static final Set<String> CURSOR_OPTIONS =
      Set.of("binary", "asensitive", "insensitive", "no", "scroll");
  private static final Set<String> EXPLAIN_OPTIONS =
      Set.of("analyze", "analyse", "verbose", "costs", "settings", "buffers", "wal", "timing",
          "summary", "format");
  /** Type names: words, quoted names, dots, modifiers like (10, 2), array brackets. */
  private static final Set<TokenType> TYPE_NAME_TOKENS =
      EnumSet.of(TokenType.WORD, TokenType.QUOTED_IDENTIFIER, TokenType.NUMBER, TokenType.DOT,
          TokenType.COMMA, TokenType.OPEN_PAREN, TokenType.CLOSE_PAREN, TokenType.OPEN_BRACKET,
          TokenType.CLOSE_BRACKET);

  private LaterCommandParser() {}

  /** PREPARE, DECLARE, EXPLAIN or EXECUTE; empty for every other statement. */
  public static Optional<LaterCommand> parse(StatementText statement) throws SqlRefusal {
    Token first = statement.significantTokens().get(0);
    if (first.type() != TokenType.WORD) {
      return Optional.empty();
    }
    return switch (first.foldedWord()) {
      case "prepare" -> Optional.of(prepare(statement));
      case "declare" -> Optional.of(declare(statement));
      case "explain" -> Optional.of(explain(statement));
      case "execute" -> Optional.of(execute(statement));
      default -> Optional.empty();
    };
  }

  private static LaterCommand prepare(StatementText statement) throws SqlRefusal {
    TokenCursor tokens = new TokenCursor(statement, "PREPARE", StatementKind.UTILITY);
    tokens.expectWord("prepare");
    String name = tokens.name();
    String types = tokens.is(TokenType.OPEN_PAREN) ? tokens.parenthesized(TYPE_NAME_TOKENS).strip() : "";
    tokens.expectWord("as");
    return new LaterCommand.Prepare(name, types, tokens.rest());
  }

  private static LaterCommand declare(StatementText statement) throws SqlRefusal {
    TokenCursor tokens = new TokenCursor(statement, "DECLARE", StatementKind.UTILITY);
    tokens.expectWord("declare");
    String name = tokens.name();
    List<String> options = new ArrayList<>();
    while (!tokens.isWord("cursor")) {
      if (tokens.is(TokenType.WORD) && CURSOR_OPTIONS.contains(tokens.current().foldedWord())) {
        options.add(tokens.current().foldedWord().toUpperCase(Locale.ROOT));
        tokens.advance();
      } else {
        throw tokens.syntaxError("expected CURSOR");
      }
    }
    tokens.advance();
    String hold = "";
    if (tokens.isWord("with") || tokens.isWord("without")) {
      hold = tokens.current().foldedWord().toUpperCase(Locale.ROOT) + " HOLD";
      tokens.advance();
      tokens.expectWord("hold");
    }
    tokens.expectWord("for");
    return new LaterCommand.Declare(name, String.join(" ", options), hold, tokens.rest());
  }

  private static LaterCommand explain(StatementText statement) throws SqlRefusal {
    TokenCursor tokens = new TokenCursor(statement, "EXPLAIN", StatementKind.UTILITY);
    tokens.expectWord("explain");
    List<String> options = new ArrayList<>();
    if (tokens.is(TokenType.OPEN_PAREN)) {
      tokens.advance();
      while (true) {
        String option = optionName(tokens);
        String value = "";
        if (!tokens.is(TokenType.COMMA) && !tokens.is(TokenType.CLOSE_PAREN)) {
          value = optionValue(tokens);
        }
        options.add(option.toUpperCase(Locale.ROOT) + (value.isEmpty() ? "" : " " + value));
        if (tokens.is(TokenType.CLOSE_PAREN)) {
          tokens.advance();
          break;
        }
        if (!tokens.is(TokenType.COMMA)) {
          throw tokens.syntaxError("expected , or )");
        }
        tokens.advance();
      }
    } else {
      if (tokens.isWord("analyze") || tokens.isWord("analyse")) {
        options.add("ANALYZE");
        tokens.advance();
      }
      if (tokens.isWord("verbose")) {
        options.add("VERBOSE");
        tokens.advance();
      }
    }
    String written = options.isEmpty() ? "" : "(" + String.join(", ", options) + ")";
    return new LaterCommand.Explain(written, tokens.rest());
  }

  private static String optionName(TokenCursor tokens) throws SqlRefusal {
    if (!tokens.is(TokenType.WORD) || !EXPLAIN_OPTIONS.contains(tokens.current().foldedWord())) {
      throw tokens.syntaxError("expected an EXPLAIN option (" + String.join(", ",
          EXPLAIN_OPTIONS.stream().sorted().toList()) + ")");
    }
    String name = tokens.current().foldedWord();
    tokens.advance();
    return name;
  }

  /** A word, number or string value, written back as the client wrote it. */
  private static String optionValue(TokenCursor tokens) throws SqlRefusal {
    Token value = tokens.current();
    boolean plain = value.type() == TokenType.WORD || value.type() == TokenType.NUMBER
        || value.type() == TokenType.STRING;
    if (!plain) {
      throw tokens.syntaxError("expected an option value");
    }
    tokens.advance();
    return value.type() == TokenType.WORD ? value.foldedWord() : value.text();
  }

  private static LaterCommand execute(StatementText statement) throws SqlRefusal {
    TokenCursor tokens = new TokenCursor(statement, "EXECUTE", StatementKind.UTILITY);
    tokens.expectWord("execute");
    String name = tokens.name();
    Optional<String> parameters = Optional.empty();
    if (tokens.is(TokenType.OPEN_PAREN)) {
      parameters = Optional.of(tokens.parenthesized(EnumSet.allOf(TokenType.class)));
    }
    if (!tokens.atEnd()) {
      throw tokens.syntaxError("unexpected text after EXECUTE " + name);
    }
    return new LaterCommand.Execute(name, parameters);
  }
}
