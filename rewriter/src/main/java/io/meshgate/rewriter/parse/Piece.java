package io.meshgate.rewriter.parse;

/**
 * A piece of the normalizer's output text and the range of the client's text it came from.
 * {@code word} is the case-folded word for unquoted words, otherwise empty (or {@link
 * #CAST_OPENING} for the {@code CAST(} openings the normalizer inserts).
 */
record Piece(String text, int sourceOffset, int sourceLength, PieceKind kind, String word) {
  /** Marks the {@code CAST(} pieces the normalizer inserts: they already include their name. */
  static final String CAST_OPENING = "cast(";

  boolean isWord(String candidate) {
    return kind == PieceKind.WORD && word.equals(candidate);
  }

  /** What a piece is, as far as finding the operand of a cast is concerned. */
  enum PieceKind {
    SPACE,
    WORD,
    IDENTIFIER,
    LITERAL,
    OPEN_PAREN,
    CLOSE_PAREN,
    OPEN_BRACKET,
    CLOSE_BRACKET,
    DOT,
    OTHER
  }
}
