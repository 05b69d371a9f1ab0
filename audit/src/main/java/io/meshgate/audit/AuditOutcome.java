package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a statement ended.
 *
 * @param status how it ended
 * @param sqlState the SQLSTATE the client was sent; {@code null} exactly when {@code status} is
 *     {@link Status#OK}
 * @param rows rows returned or affected
 * @param bytes bytes of result data relayed to the client
 * @param durationMicros time from receiving the statement to its completion, in microseconds
 * @param message the error the client got, short: Meshgate's refusal (never values) or the
 *     backend's primary message (which may quote an input value); {@code null} when there is
 *     nothing to say
 */
public record AuditOutcome(
    Status status, String sqlState, long rows, long bytes, long durationMicros, String message) {

  private static final Pattern SQL_STATE = Pattern.compile("[0-9A-Z]{5}");

  public AuditOutcome {
    requireNonNull(status, "status is null");
    if (rows < 0 || bytes < 0 || durationMicros < 0) {
      throw new IllegalArgumentException("rows, bytes and durationMicros must not be negative");
    }
    switch (status) {
      case OK -> {
        if (sqlState != null) {
          throw new IllegalArgumentException("a statement that ended OK has no SQLSTATE");
        }
      }
      case DENIED, FAILED, CANCELLED -> {
        // Every statement that did not end OK sent the client an error, and an auditor needs
        // its class to tell a denial (42501) from a failure.
        if (sqlState == null) {
          throw new IllegalArgumentException(
              "a statement that ended " + status + " needs a SQLSTATE");
        }
      }
    }
    if (sqlState != null && !SQL_STATE.matcher(sqlState).matches()) {
      throw new IllegalArgumentException("SQLSTATE must be five digits or capital letters");
    }
  }

  /** A statement that completed normally. */
  public static AuditOutcome ok(long rows, long bytes, long durationMicros) {
    return new AuditOutcome(Status.OK, null, rows, bytes, durationMicros, null);
  }

  /** How a statement ended. */
  public enum Status {
    /** Completed normally. */
    OK,
    /** Refused by policy or by fail-closed enforcement; never reached the backend. */
    DENIED,
    /** Failed: in Meshgate (e.g. a statement that does not parse) or in the backend. */
    FAILED,
    /** Cancelled by the client (CancelRequest) or cut short by a lost connection. */
    CANCELLED;

    /** The spelling in the audit log, e.g. {@code denied}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
