package io.meshgate.rewriter.shape;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A statement of a shape with every lifted literal replaced by a sentinel of the same class:
 * the text that is governed (analysed, decided, rewritten) once for the whole shape, and the
 * sentinels as the rewriter writes them, which {@link ShapeTemplate} looks for in the rewrite.
 *
 * @param sql the statement with sentinels in place of its lifted literals
 * @param renderings each sentinel as the rewriter writes it, in the order of the literals
 */
public record ShapeSentinels(String sql, List<String> renderings) {
  public ShapeSentinels {
    requireNonNull(sql, "sql is null");
    renderings = List.copyOf(requireNonNull(renderings, "renderings is null"));
  }

  /**
   * The sentinel statement of {@code shape}, built from {@code sql}, the statement it is the
   * shape of, without its comments; empty in the unexpected case that the sentinel text is not
   * of the same shape.
   */
  public static Optional<ShapeSentinels> of(String sql, StatementShape shape, RandomGenerator random) {
    requireNonNull(sql, "sql is null");
    requireNonNull(shape, "shape is null");
    requireNonNull(random, "random is null");
    List<Token> tokens;
    try {
      tokens = PgLexer.tokenize(sql);
    } catch (LexicalException unreadable) {
      return Optional.empty();
    }
    List<LiteralClass> classes = shape.literalClasses();
    Map<Integer, Integer> literalAt = new HashMap<>();
    for (int index = 0; index < shape.literals().size(); index++) {
      literalAt.put(shape.literals().get(index).start(), index);
    }
    // The sentinel statement is shared by every session whose statements have this shape, so
    // it keeps nothing of the first statement but its key: comments become spaces.
    StringBuilder text = new StringBuilder(sql.length() + 16 * classes.size());
    List<String> renderings = new ArrayList<>(classes.size());
    Set<String> used = new HashSet<>();
    for (Token token : tokens) {
      Integer literal = literalAt.get(token.start());
      if (literal != null) {
        String sentinel;
        do {
          sentinel = ShapeLiterals.sentinel(classes.get(literal), random);
        } while (!used.add(sentinel) || sql.contains(core(sentinel)));
        text.append(sentinel);
        renderings.add(ShapeLiterals.render(new Token(token.type(), sentinel, 0), classes.get(literal)));
      } else if (token.type() == TokenType.LINE_COMMENT || token.type() == TokenType.BLOCK_COMMENT) {
        text.append(token.type() == TokenType.LINE_COMMENT ? '\n' : ' ');
      } else {
        text.append(token.text());
      }
    }
    String sentinelSql = text.toString();
    Optional<StatementShape> sentinelShape = StatementShape.of(sentinelSql);
    if (renderings.size() != classes.size() || sentinelShape.isEmpty()
        || !sentinelShape.get().key().equals(shape.key())) {
      return Optional.empty();
    }
    return Optional.of(new ShapeSentinels(sentinelSql, renderings));
  }

  /** What must occur nowhere else: a number's digits, a string's value without its quotes. */
  static String core(String rendering) {
    return rendering.startsWith("'") ? rendering.substring(1, rendering.length() - 1) : rendering;
  }
}
