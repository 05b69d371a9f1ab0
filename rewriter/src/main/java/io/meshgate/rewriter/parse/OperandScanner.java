package io.meshgate.rewriter.parse;

import io.meshgate.rewriter.parse.Piece.PieceKind;
import java.util.List;
import java.util.Set;

/**
 * Finds, in the normalized output so far, where the operand of a PostgreSQL {@code ::} cast
 * begins. {@code ::} binds tighter than anything but {@code .} and {@code []}, so the operand
 * is the primary expression just before it: a name chain, a literal, a parenthesized
 * expression or function call (with FILTER/OVER/WITHIN GROUP), a subscript, or CASE ... END.
 */
final class OperandScanner {
  /**
   * Words that can stand before a parenthesis without being a function name, so the
   * parenthesis alone is the operand of a following {@code ::}.
   */
  private static final Set<String> NON_FUNCTION_WORDS =
      Set.of(
          "all", "and", "any", "as", "asc", "asymmetric", "between", "both", "by", "case", "check",
          "collate", "constraint", "desc", "distinct", "do", "else", "end", "escape", "except",
          "fetch", "for", "from", "group", "having", "ilike", "in", "intersect", "into", "is",
          "isnull", "join", "lateral", "leading", "like", "limit", "not", "notnull", "offset",
          "on", "only", "or", "order", "returning", "select", "similar", "some", "symmetric",
          "table", "then", "to", "trailing", "union", "using", "values", "variadic", "when",
          "where", "window", "with", "return");

  /** Type words that make a following string a typed literal: {@code date '2020-01-01'}. */
  private static final Set<String> DATETIME_WORDS = Set.of("date", "time", "timestamp");

  private OperandScanner() {}

  /**
   * The index of the first output piece of the operand that ends just before {@code end}:
   * PostgreSQL's {@code ::} binds tighter than anything but {@code .} and {@code []}.
   */
  static int operandStart(List<Piece> pieces, int end) {
    int last = previousPiece(pieces, end);
    if (last < 0) {
      return -1;
    }
    Piece piece = pieces.get(last);
    return switch (piece.kind()) {
      case CLOSE_PAREN -> parenthesizedOperandStart(pieces, last);
      case CLOSE_BRACKET -> {
        int open = matchingOpen(pieces, last, PieceKind.OPEN_BRACKET, PieceKind.CLOSE_BRACKET);
        if (open < 0) {
          yield -1;
        }
        int before = previousPiece(pieces, open);
        if (before >= 0 && pieces.get(before).isWord("array")) {
          yield before;
        }
        int subscripted = operandStart(pieces, open);
        yield subscripted < 0 ? -1 : subscripted;
      }
      case WORD -> {
        if (piece.isWord("end")) {
          yield caseStart(pieces, last);
        }
        if (NON_FUNCTION_WORDS.contains(piece.word())) {
          yield -1;
        }
        yield nameChainStart(pieces, last);
      }
      case IDENTIFIER -> nameChainStart(pieces, last);
      case LITERAL -> {
        int before = previousPiece(pieces, last);
        if (before >= 0 && pieces.get(before).kind() == PieceKind.WORD
            && DATETIME_WORDS.contains(pieces.get(before).word())) {
          yield before;
        }
        yield last;
      }
      case SPACE, OPEN_PAREN, OPEN_BRACKET, DOT, OTHER -> -1;
    };
  }

  private static int parenthesizedOperandStart(List<Piece> pieces, int close) {
    int open = matchingOpen(pieces, close, PieceKind.OPEN_PAREN, PieceKind.CLOSE_PAREN);
    if (open < 0) {
      return -1;
    }
    int before = previousPiece(pieces, open);
    if (before < 0 || pieces.get(open).word().equals(Piece.CAST_OPENING)) {
      return open;
    }
    Piece previous = pieces.get(before);
    if (previous.kind() == PieceKind.WORD
        && (previous.word().equals("filter") || previous.word().equals("over"))) {
      int call = previousPiece(pieces, before);
      return call >= 0 && pieces.get(call).kind() == PieceKind.CLOSE_PAREN
          ? parenthesizedOperandStart(pieces, call)
          : -1;
    }
    if (previous.kind() == PieceKind.WORD && previous.word().equals("group")) {
      int within = previousPiece(pieces, before);
      if (within >= 0 && pieces.get(within).isWord("within")) {
        int call = previousPiece(pieces, within);
        return call >= 0 && pieces.get(call).kind() == PieceKind.CLOSE_PAREN
            ? parenthesizedOperandStart(pieces, call)
            : -1;
      }
      return open;
    }
    if (previous.kind() == PieceKind.IDENTIFIER
        || (previous.kind() == PieceKind.WORD && !NON_FUNCTION_WORDS.contains(previous.word()))) {
      return nameChainStart(pieces, before);
    }
    return open;
  }

  /** Extends an identifier backwards over {@code a.b.c} (and {@code (expr).field}). */
  private static int nameChainStart(List<Piece> pieces, int last) {
    int start = last;
    while (true) {
      int dot = previousPiece(pieces, start);
      if (dot < 0 || pieces.get(dot).kind() != PieceKind.DOT) {
        return start;
      }
      int before = previousPiece(pieces, dot);
      if (before < 0) {
        return start;
      }
      Piece qualifier = pieces.get(before);
      if (qualifier.kind() == PieceKind.IDENTIFIER || qualifier.kind() == PieceKind.WORD) {
        start = before;
      } else if (qualifier.kind() == PieceKind.CLOSE_PAREN) {
        return parenthesizedOperandStart(pieces, before);
      } else {
        return start;
      }
    }
  }

  private static int caseStart(List<Piece> pieces, int end) {
    int depth = 0;
    for (int i = end; i >= 0; i--) {
      Piece piece = pieces.get(i);
      if (piece.isWord("end")) {
        depth++;
      } else if (piece.isWord("case")) {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static int matchingOpen(List<Piece> pieces, int close, PieceKind open, PieceKind closing) {
    int depth = 0;
    for (int i = close; i >= 0; i--) {
      PieceKind kind = pieces.get(i).kind();
      if (kind == closing) {
        depth++;
      } else if (kind == open) {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static int previousPiece(List<Piece> pieces, int before) {
    for (int i = before - 1; i >= 0; i--) {
      if (pieces.get(i).kind() != PieceKind.SPACE) {
        return i;
      }
    }
    return -1;
  }
}
