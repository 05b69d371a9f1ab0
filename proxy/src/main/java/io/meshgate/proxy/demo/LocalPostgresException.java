package io.meshgate.proxy.demo;

/**
 * A local PostgreSQL could not be found, initialised, started, stopped or seeded. Only the
 * operator running the demo or a test sees it, never a proxy client, so it carries no SQLSTATE;
 * the message names the step that failed and, where there is one, the tail of the server log.
 */
public final class LocalPostgresException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LocalPostgresException(String message) {
    super(message);
  }

  public LocalPostgresException(String message, Throwable cause) {
    super(message, cause);
  }
}
