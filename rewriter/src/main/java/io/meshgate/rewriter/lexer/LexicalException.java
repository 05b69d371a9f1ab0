package io.meshgate.rewriter.lexer;

/** Text that PostgreSQL's scanner would reject; {@code offset} is where the problem starts. */
public final class LexicalException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int offset;

  public LexicalException(String message, int offset) {
    super(message);
    this.offset = offset;
  }

  public int offset() {
    return offset;
  }
}
