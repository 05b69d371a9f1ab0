package io.meshgate.rewriter.shape;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One statement's shape: its tokens with the lifted literals replaced by their {@link
 * LiteralClass}, and the lifted literals themselves, in order. Two statements have equal keys
 * exactly when they differ in nothing but the values of lifted literals of the same classes:
 * the key compares token types and texts, so no literal's content can make it equal to the key
 * of a statement of another structure (a string holding quotes, {@code $1} or a comment is
 * still one string token).
 *
 * <p>A literal is lifted only where it can be nothing but a value: right after a comparison
 * operator ({@code = <> != < <= > >=}) and followed by a word, a closing parenthesis, a comma,
 * a semicolon or the end, in a SELECT, WITH, INSERT, UPDATE or DELETE statement. So {@code
 * ORDER BY 1}, {@code LIMIT 10}, typed literals ({@code DATE '...'}, {@code interval '...'}),
 * casts ({@code '...'::date}), type modifiers and every literal of a utility statement stay in
 * the key.
 *
 * @param key the statement's significant tokens, lifted literals standing as their class
 * @param literals the lifted literal tokens, in the order of the text
 */
public record StatementShape(List<Part> key, List<Token> literals) {

  /** One element of a key: a token kept verbatim, or the class of a lifted literal. */
  public sealed interface Part permits Kept, Lifted {}

  /** A significant token, kept with its type and exact text. */
  public record Kept(TokenType type, String text) implements Part {
    public Kept {
      requireNonNull(type, "type is null");
      requireNonNull(text, "text is null");
    }
  }

  /** A lifted literal: only its class is part of the key. */
  public record Lifted(LiteralClass literalClass) implements Part {
    public Lifted {
      requireNonNull(literalClass, "literalClass is null");
    }
  }

  private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", "<=", ">", ">=");
  private static final Set<String> STATEMENTS = Set.of("select", "with", "insert", "update", "delete");

  public StatementShape {
    key = List.copyOf(requireNonNull(key, "key is null"));
    literals = List.copyOf(requireNonNull(literals, "literals is null"));
  }

  /**
   * The shape of one statement (not a multi-statement text: a semicolon is kept in the key like
   * any token), or empty when it is not a statement whose literals may be lifted (a utility
   * statement, text that does not lex) or has none to lift.
   */
  public static Optional<StatementShape> of(String sql) {
    requireNonNull(sql, "sql is null");
    try {
      return of(PgLexer.tokenize(sql));
    } catch (LexicalException unreadable) {
      return Optional.empty();
    }
  }

  /**
   * Like {@link #of(String)}, from the statement's tokens as {@link PgLexer#tokenize} gives
   * them (offsets relative to the statement's own text, as {@link ShapeSentinels} needs them):
   * for a caller that has lexed the text already.
   */
  public static Optional<StatementShape> of(List<Token> tokens) {
    requireNonNull(tokens, "tokens is null");
    List<Token> significant = new ArrayList<>(tokens.size());
    for (Token token : tokens) {
      if (token.type().isSignificant()) {
        significant.add(token);
      }
    }
    if (significant.isEmpty() || significant.get(0).type() != TokenType.WORD
        || !STATEMENTS.contains(significant.get(0).foldedWord())) {
      return Optional.empty();
    }
    List<Part> key = new ArrayList<>(significant.size());
    List<Token> literals = new ArrayList<>();
    for (int index = 0; index < significant.size(); index++) {
      Token token = significant.get(index);
      Optional<LiteralClass> literalClass = isValuePosition(significant, index)
          ? LiteralClass.of(token)
          : Optional.empty();
      if (literalClass.isPresent()) {
        key.add(new Lifted(literalClass.get()));
        literals.add(token);
      } else {
        key.add(new Kept(token.type(), token.text()));
      }
    }
    return literals.isEmpty() ? Optional.empty() : Optional.of(new StatementShape(key, literals));
  }

  /** The class of each lifted literal, in the order of {@link #literals()}. */
  public List<LiteralClass> literalClasses() {
    List<LiteralClass> classes = new ArrayList<>(literals.size());
    for (Part part : key) {
      switch (part) {
        case Lifted lifted -> classes.add(lifted.literalClass());
        case Kept kept -> { }
      }
    }
    return List.copyOf(classes);
  }

  /**
   * Each lifted literal as the rewriter writes it (a string re-quoted from its decoded value, a
   * number as Calcite unparses it): what fills a {@link ShapeTemplate}'s holes.
   */
  public List<String> renderedLiterals() {
    List<LiteralClass> classes = literalClasses();
    List<String> rendered = new ArrayList<>(literals.size());
    for (int index = 0; index < literals.size(); index++) {
      rendered.add(ShapeLiterals.render(literals.get(index), classes.get(index)));
    }
    return List.copyOf(rendered);
  }

  private static boolean isValuePosition(List<Token> significant, int index) {
    if (index == 0) {
      return false;
    }
    Token before = significant.get(index - 1);
    if (before.type() != TokenType.OPERATOR || !COMPARISONS.contains(before.text())) {
      return false;
    }
    if (index + 1 == significant.size()) {
      return true;
    }
    TokenType after = significant.get(index + 1).type();
    return after == TokenType.WORD || after == TokenType.CLOSE_PAREN || after == TokenType.COMMA
        || after == TokenType.SEMICOLON;
  }
}
