package io.meshgate.proxy.governance;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.proxy.metadata.MetadataUnavailableException;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Governs one statement: analyse, ask the policy engine once, rewrite. Blocking; runs on a
 * worker thread, never on the event loop. Fails closed: every exception is a refusal.
 */
public final class StatementGovernor {
  private static final Logger LOG = LoggerFactory.getLogger(StatementGovernor.class);

  /** SQLSTATE for a denial, as PostgreSQL reports insufficient_privilege. */
  public static final String DENIED = "42501";
  /** SQLSTATE when the policy engine cannot answer: an error outside the database (system_error). */
  public static final String POLICY_ENGINE_UNAVAILABLE = "58000";

  private final StatementAnalyzer analyzer;
  private final PolicyEngine policyEngine;
  private final Clock clock;

  public StatementGovernor(StatementAnalyzer analyzer, PolicyEngine policyEngine, Clock clock) {
    this.analyzer = requireNonNull(analyzer, "analyzer is null");
    this.policyEngine = requireNonNull(policyEngine, "policyEngine is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  public GovernedStatement govern(SessionIdentity session, String sql, List<String> searchPath) {
    String revision = safeRevision();
    long start = System.nanoTime();
    AnalyzedStatement analyzed;
    try {
      analyzed = analyzer.analyze(sql, searchPath, session.subject().user());
    } catch (SqlRefusal refusal) {
      GovernedStatement.Outcome outcome = DENIED.equals(refusal.sqlState())
          ? GovernedStatement.Outcome.DENIED
          : GovernedStatement.Outcome.FAILED;
      String refusedKind = refusal.statementKind().map(StatementKind::wireName).orElse("unknown");
      return refused(sql, outcome, refusedKind, List.of(), Optional.empty(), revision,
          ErrorFields.error(refusal.sqlState(), refusal.getMessage()), timings(start, 0, 0));
    } catch (MetadataUnavailableException e) {
      LOG.warn("schema metadata unavailable: {}", e.getMessage());
      return refused(sql, GovernedStatement.Outcome.FAILED, "unknown", List.of(), Optional.empty(), revision,
          ErrorFields.error(POLICY_ENGINE_UNAVAILABLE,
              "statement refused: Meshgate cannot read the backend's schema metadata right now"),
          timings(start, 0, 0));
    } catch (RuntimeException e) {
      // A rewriter bug: refuse, never forward.
      LOG.warn("statement analysis failed in session {}", session.sessionId(), e);
      return refused(sql, GovernedStatement.Outcome.FAILED, "unknown", List.of(), Optional.empty(), revision,
          ErrorFields.error("XX000", "statement refused: Meshgate could not analyse it (" + e.getClass().getSimpleName() + ")"),
          timings(start, 0, 0));
    }
    long parsed = System.nanoTime();
    String kind = analyzed.kind().wireName();
    if (!analyzed.requiresDecision()) {
      return new GovernedStatement(sql, Optional.of(analyzed.passthroughSql()), Optional.empty(),
          GovernedStatement.Outcome.PASSTHROUGH, kind, List.of(), Optional.empty(), revision,
          new GovernedStatement.StageTimings(parsed - start, 0, 0), analyzed.preparedStatementUse());
    }
    List<RelationAccess> relations = analyzed.relations();
    PolicyInput input = new PolicyInput(
        session.subject(),
        new RequestContext(session.database(), session.clientAddress(), session.applicationName(),
            session.sessionId(), clock.instant()),
        analyzed.kind(),
        relations);
    Decision decision;
    try {
      decision = policyEngine.decide(input);
    } catch (PolicyEngineException e) {
      return switch (e) {
        case PolicyEngineException.Unavailable unavailable -> {
          LOG.warn("policy engine unavailable: {}", unavailable.getMessage());
          yield refused(sql, GovernedStatement.Outcome.FAILED, kind, relations, Optional.empty(), revision,
              ErrorFields.error(POLICY_ENGINE_UNAVAILABLE,
                      "statement refused: the policy engine is unavailable, and Meshgate does not run statements without a decision")
                  .withHint("Retry when the policy engine (OPA) is back; operators: check /health/ready and the OPA process."),
              timings(start, parsed, System.nanoTime()));
        }
        case PolicyEngineException.MalformedDecision malformed -> {
          LOG.warn("malformed policy decision: {}", malformed.getMessage());
          yield refused(sql, GovernedStatement.Outcome.DENIED, kind, relations, Optional.empty(), revision,
              ErrorFields.error(DENIED, "permission denied: the policy returned no valid decision (" + malformed.getMessage() + ")"),
              timings(start, parsed, System.nanoTime()));
        }
      };
    }
    long decided = System.nanoTime();
    if (!decision.allow()) {
      String reasons = decision.denyReasons().isEmpty()
          ? "the policy does not allow this statement"
          : String.join("; ", decision.denyReasons());
      return refused(sql, GovernedStatement.Outcome.DENIED, kind, relations, Optional.of(decision), revision,
          ErrorFields.error(DENIED, "permission denied: " + reasons),
          timings(start, parsed, decided));
    }
    if (analyzed.kind() == StatementKind.COPY_IN) {
      // The session does not relay the COPY IN sub-protocol (CopyData from the client) yet;
      // refusing here keeps a client from hanging on a backend waiting for data.
      return refused(sql, GovernedStatement.Outcome.FAILED, kind, relations, Optional.of(decision), revision,
          ErrorFields.error("0A000", "COPY ... FROM STDIN is not supported through Meshgate yet; nothing was sent"),
          new GovernedStatement.StageTimings(parsed - start, decided - parsed, 0));
    }
    try {
      String rewritten = analyzed.rewrite(decision);
      return new GovernedStatement(sql, Optional.of(rewritten), Optional.empty(),
          GovernedStatement.Outcome.ALLOWED, kind, relations, Optional.of(decision), revision,
          new GovernedStatement.StageTimings(parsed - start, decided - parsed, System.nanoTime() - decided),
          analyzed.preparedStatementUse());
    } catch (SqlRefusal refusal) {
      GovernedStatement.Outcome outcome = DENIED.equals(refusal.sqlState())
          ? GovernedStatement.Outcome.DENIED
          : GovernedStatement.Outcome.FAILED;
      return refused(sql, outcome, kind, relations, Optional.of(decision), revision,
          ErrorFields.error(refusal.sqlState(), refusal.getMessage()),
          new GovernedStatement.StageTimings(parsed - start, decided - parsed, System.nanoTime() - decided));
    } catch (RuntimeException e) {
      LOG.warn("rewrite failed in session {}", session.sessionId(), e);
      return refused(sql, GovernedStatement.Outcome.FAILED, kind, relations, Optional.of(decision), revision,
          ErrorFields.error("XX000", "statement refused: Meshgate could not apply the policy to it"),
          new GovernedStatement.StageTimings(parsed - start, decided - parsed, System.nanoTime() - decided));
    }
  }

  /**
   * Governs a simple Query message: each of its statements on its own (one decision each, as
   * the contract has one statement per input), in order. The caller forwards them only if none
   * is refused (see {@link SimpleQueryStatements#wholeOrNothing}).
   */
  public List<GovernedStatement> governQuery(SessionIdentity session, String sql, List<String> searchPath) {
    List<String> statements;
    try {
      statements = StatementAnalyzer.split(sql);
    } catch (SqlRefusal refusal) {
      return List.of(govern(session, sql, searchPath));
    }
    if (statements.size() <= 1) {
      return List.of(govern(session, sql, searchPath));
    }
    return statements.stream().map(statement -> govern(session, statement, searchPath)).toList();
  }

  /** The policy revision decisions are made under now (cheap; no call to the engine). */
  public String policyRevision() {
    return safeRevision();
  }

  private String safeRevision() {
    try {
      return policyEngine.revision();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private static GovernedStatement.StageTimings timings(long start, long parsed, long decided) {
    long now = System.nanoTime();
    if (parsed == 0) {
      return new GovernedStatement.StageTimings(now - start, 0, 0);
    }
    return new GovernedStatement.StageTimings(parsed - start, decided - parsed, 0);
  }

  private static GovernedStatement refused(
      String sql,
      GovernedStatement.Outcome outcome,
      String kind,
      List<RelationAccess> relations,
      Optional<Decision> decision,
      String revision,
      ErrorFields error,
      GovernedStatement.StageTimings timings) {
    return new GovernedStatement(sql, Optional.empty(), Optional.of(error), outcome, kind, relations, decision,
        revision, timings);
  }
}
