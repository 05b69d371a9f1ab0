package io.meshgate.loadtests.pgbench;

/**
 * A pgbench run that did not produce a result: it could not start, was aborted, timed out, or
 * printed something this parser does not understand. The message says which and quotes the end
 * of pgbench's own output, so the report can show why a cell is empty.
 */
public final class PgbenchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PgbenchException(String message) {
    super(message);
  }

  public PgbenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
