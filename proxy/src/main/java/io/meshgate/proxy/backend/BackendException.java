package io.meshgate.proxy.backend;

/** The backend could not be reached or refused Meshgate's service identity. */
public final class BackendException extends Exception {
  private final String sqlState;

  public BackendException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }
}
