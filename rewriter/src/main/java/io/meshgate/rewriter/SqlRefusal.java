package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.DdlAction;
import io.meshgate.policy.StatementKind;
import java.util.List;
import java.util.Optional;

/**
 * A statement Meshgate will not forward. The message is shown to the client: it names
 * constructs, relations and columns the client wrote, never data values.
 */
public final class SqlRefusal extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a statement was refused, with the SQLSTATE the client sees. */
  public enum Reason {
    /** The statement could not be parsed. */
    SYNTAX_ERROR("42601"),
    /** A statement kind or construct Meshgate does not govern yet. */
    NOT_GOVERNED("0A000"),
    /** A relation that does not exist. */
    UNDEFINED_TABLE("42P01"),
    /** A denied column, forbidden function or catalog view, or a role change. */
    PERMISSION_DENIED("42501"),
    /** The decision holds a filter or mask that does not validate or fit its column. */
    POLICY_ERROR("42501");

    private final String sqlState;

    Reason(String sqlState) {
      this.sqlState = sqlState;
    }

    public String sqlState() {
      return sqlState;
    }
  }

  private final Reason reason;
  private final StatementKind statementKind;
  private final DdlAction ddlAction;

  public SqlRefusal(Reason reason, String message) {
    this(reason, message, null);
  }

  /** A refusal of a statement whose kind is known, so the audit log can record it. */
  public SqlRefusal(Reason reason, String message, StatementKind statementKind) {
    this(reason, message, statementKind, null);
  }

  private SqlRefusal(Reason reason, String message, StatementKind statementKind, DdlAction ddlAction) {
    super(requireNonNull(message, "message is null"));
    this.reason = requireNonNull(reason, "reason is null");
    this.statementKind = statementKind;
    this.ddlAction = ddlAction;
    if (ddlAction != null && statementKind != StatementKind.DDL) {
      throw new IllegalArgumentException("only a DDL statement has a DDL action, not one of kind " + statementKind);
    }
  }

  /**
   * The refusal of a statement whose decision does not allow it, showing the policy's reasons.
   *
   * @param statementKind the kind of the refused statement, or null when the caller adds it
   */
  public static SqlRefusal deniedByPolicy(List<String> denyReasons, StatementKind statementKind) {
    return new SqlRefusal(
        Reason.PERMISSION_DENIED,
        denyReasons.isEmpty()
            ? "permission denied by policy"
            : "permission denied by policy: " + String.join("; ", denyReasons),
        statementKind);
  }

  public Reason reason() {
    return reason;
  }

  public String sqlState() {
    return reason.sqlState();
  }

  /** The kind of the refused statement, when it was recognised before the refusal. */
  public Optional<StatementKind> statementKind() {
    return Optional.ofNullable(statementKind);
  }

  /**
   * What the refused DDL statement does, when its words made that certain before it was
   * refused, so the audit log can record it; empty for every other kind, and for a DDL
   * statement whose action is unknown or has no word in the policy contract.
   */
  public Optional<DdlAction> ddlAction() {
    return Optional.ofNullable(ddlAction);
  }

  /** This refusal with the statement kind attached, unless one is already known. */
  public SqlRefusal withStatementKind(StatementKind kind) {
    if (statementKind != null) {
      return this;
    }
    return copy(kind, ddlAction);
  }

  /**
   * This refusal of a DDL statement with its action attached, unless one is already known. Only
   * for an action the statement's words make certain: the audit log records it as what the
   * statement does, so it must never be a guess.
   *
   * @throws IllegalArgumentException if the refusal is of a statement of another kind
   */
  public SqlRefusal withDdlAction(DdlAction action) {
    requireNonNull(action, "action is null");
    if (ddlAction != null) {
      return this;
    }
    return copy(StatementKind.DDL, action);
  }

  private SqlRefusal copy(StatementKind kind, DdlAction action) {
    if (statementKind != null && statementKind != kind) {
      throw new IllegalArgumentException(
          "a refusal of a statement of kind " + statementKind + " cannot become one of kind " + kind);
    }
    SqlRefusal refusal = new SqlRefusal(reason, getMessage(), kind, action);
    refusal.setStackTrace(getStackTrace());
    return refusal;
  }
}
