package io.meshgate.loadtests.rewrite;

import io.meshgate.rewriter.shape.LiteralClass;
import io.meshgate.rewriter.shape.StatementShape;
import io.meshgate.rewriter.lexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Texts of one statement that differ only in the literals its shape lifts, each literal
 * replaced by another value of the same class: what a simple-protocol client sends when it runs
 * the same statement with other values. A statement without a literal to lift has one text.
 */
final class LiteralVariants {
  private LiteralVariants() {}

  static List<String> of(String sql, int count) {
    Optional<StatementShape> shape = StatementShape.of(sql);
    if (shape.isEmpty()) {
      return List.of(sql);
    }
    List<Token> literals = shape.get().literals();
    List<LiteralClass> classes = shape.get().literalClasses();
    List<String> variants = new ArrayList<>(count);
    for (int variant = 1; variant <= count; variant++) {
      StringBuilder text = new StringBuilder(sql.length() + 8);
      int copied = 0;
      for (int index = 0; index < literals.size(); index++) {
        Token literal = literals.get(index);
        text.append(sql, copied, literal.start()).append(value(classes.get(index), variant));
        copied = literal.end();
      }
      variants.add(text.append(sql, copied, sql.length()).toString());
    }
    return List.copyOf(variants);
  }

  private static String value(LiteralClass literalClass, int variant) {
    return switch (literalClass) {
      case INTEGER -> Integer.toString(variant);
      case BIGINT -> Long.toString(5_000_000_000L + variant);
      case NUMERIC -> "0." + variant;
      case STRING -> "'value " + variant + "'";
    };
  }
}
