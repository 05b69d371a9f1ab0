package io.meshgate.rewriter.shape;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rewrite of a shape's sentinel statement, cut at every sentinel: filled with a statement's
 * own literals, it is the rewrite of that statement. A sentinel may occur several times
 * (predicate pushdown copies comparisons into the derived table).
 *
 * <p>It exists only when every sentinel was found, each occurrence as a whole literal token
 * spelled exactly as the rewriter writes the sentinel, and no sentinel occurs anywhere else in
 * the text (inside another literal, an identifier or a comment): then every place the rewriter
 * put a client's literal is a hole, and nothing else is.
 *
 * @param fragments the text between holes, one more than there are holes
 * @param holes for each hole, the index of the literal that fills it
 */
public record ShapeTemplate(List<String> fragments, List<Integer> holes) {
  public ShapeTemplate {
    fragments = List.copyOf(requireNonNull(fragments, "fragments is null"));
    holes = List.copyOf(requireNonNull(holes, "holes is null"));
    if (fragments.size() != holes.size() + 1) {
      throw new IllegalArgumentException("a template has one fragment more than holes");
    }
  }

  /** The template of {@code rewrittenSql}, the rewrite of a statement with these sentinels. */
  public static Optional<ShapeTemplate> of(String rewrittenSql, ShapeSentinels sentinels) {
    requireNonNull(rewrittenSql, "rewrittenSql is null");
    requireNonNull(sentinels, "sentinels is null");
    List<String> renderings = sentinels.renderings();
    List<Token> tokens;
    try {
      tokens = PgLexer.tokenize(rewrittenSql);
    } catch (LexicalException unreadable) {
      return Optional.empty();
    }
    List<String> fragments = new ArrayList<>();
    List<Integer> holes = new ArrayList<>();
    boolean[] found = new boolean[renderings.size()];
    StringBuilder elsewhere = new StringBuilder(rewrittenSql.length());
    int copied = 0;
    for (Token token : tokens) {
      if (token.type() != TokenType.NUMBER && token.type() != TokenType.STRING) {
        continue;
      }
      int literal = renderings.indexOf(token.text());
      if (literal < 0) {
        continue;
      }
      found[literal] = true;
      fragments.add(rewrittenSql.substring(copied, token.start()));
      holes.add(literal);
      elsewhere.append(rewrittenSql, copied, token.start()).append(' ');
      copied = token.end();
    }
    fragments.add(rewrittenSql.substring(copied));
    elsewhere.append(rewrittenSql, copied, rewrittenSql.length());
    String outsideHoles = elsewhere.toString();
    for (int literal = 0; literal < renderings.size(); literal++) {
      if (!found[literal] || outsideHoles.contains(ShapeSentinels.core(renderings.get(literal)))) {
        return Optional.empty();
      }
    }
    return Optional.of(new ShapeTemplate(fragments, holes));
  }

  /** The rewrite of the statement whose lifted literals, as the rewriter writes them, are these. */
  public String fill(List<String> renderedLiterals) {
    requireNonNull(renderedLiterals, "renderedLiterals is null");
    for (int literal : holes) {
      if (literal >= renderedLiterals.size()) {
        throw new IllegalArgumentException("a template of literal " + literal + " filled with "
            + renderedLiterals.size() + " literals");
      }
    }
    int length = 0;
    for (String fragment : fragments) {
      length += fragment.length();
    }
    StringBuilder filled = new StringBuilder(length + 16 * holes.size());
    for (int hole = 0; hole < holes.size(); hole++) {
      filled.append(fragments.get(hole)).append(renderedLiterals.get(holes.get(hole)));
    }
    return filled.append(fragments.get(holes.size())).toString();
  }
}
