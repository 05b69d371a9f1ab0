package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * What kind of decision an event records, as export filters and CSV columns spell it. {@link
 * #DENY} is a policy decision that refused the statement; a statement refused by fail-closed
 * enforcement before any decision (e.g. SQL that does not parse) has {@link #NONE}, and its
 * outcome says {@code denied}.
 */
public enum DecisionKind {
  /** A decision that allowed the statement. */
  ALLOW,
  /** A decision that refused the statement. */
  DENY,
  /** No decision: none was needed (allowlisted utility, catalog read) or none could be had. */
  NONE;

  public static DecisionKind of(AuditEvent event) {
    requireNonNull(event, "event is null");
    if (event.decision() == null) {
      return NONE;
    }
    return event.decision().allow() ? ALLOW : DENY;
  }

  /** {@code allow}, {@code deny} or {@code none}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The kind a command line spells {@code allow}, {@code deny} or {@code none}.
   *
   * @throws IllegalArgumentException for any other word
   */
  public static DecisionKind fromWireName(String wireName) {
    requireNonNull(wireName, "wireName is null");
    for (DecisionKind kind : values()) {
      if (kind.wireName().equals(wireName)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "decision must be allow, deny or none, not '" + wireName + "'");
  }
}
