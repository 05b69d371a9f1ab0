package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

/**
 * Why an audit event could not be written, or a sink could not be opened. Unchecked: it mostly
 * travels inside a failed {@link java.util.concurrent.CompletableFuture}, where checked
 * exceptions buy nothing. Every subtype carries the SQLSTATE the proxy sends when it refuses a
 * statement because of it; messages are for operators and may name files, never event data.
 */
public abstract sealed class AuditException extends RuntimeException
    permits AuditException.StorageFailure,
        AuditException.Closed,
        AuditException.DamagedLog {

  private final String sqlState;

  private AuditException(String sqlState, String message, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.sqlState = requireNonNull(sqlState, "sqlState is null");
  }

  /** The SQLSTATE for a client whose statement is refused because of this. */
  public String sqlState() {
    return sqlState;
  }

  /**
   * The log could not be opened, written or forced to disk (58030 io_error). Once a sink has
   * seen one, it refuses every later event with the same cause until it is reopened.
   */
  public static final class StorageFailure extends AuditException {
    public StorageFailure(String message, Throwable cause) {
      super("58030", message, cause);
    }
  }

  /** The sink was closed, which only happens on shutdown (57P01 admin_shutdown). */
  public static final class Closed extends AuditException {
    public Closed() {
      super("57P01", "audit sink is closed", null);
    }
  }

  /**
   * A log holds a line that cannot be used (XX001 data_corrupted): the sink found its last line
   * (or the last line of the newest rotated file) torn by a crash or not checking out, or its
   * first line unreadable, and refuses to open rather than start a chain that would hide the
   * damage; or an export or usage report met a line that is not a valid event, and stops
   * rather than leave it out. The message names the file and line and what to do.
   */
  public static final class DamagedLog extends AuditException {
    public DamagedLog(String message) {
      super("XX001", message, null);
    }
  }
}
