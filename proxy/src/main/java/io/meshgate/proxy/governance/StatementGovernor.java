package io.meshgate.proxy.governance;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.DdlAction;
import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.cache.CachingPolicyEngine;
import io.meshgate.proxy.discovery.DataProductDirectory;
import io.meshgate.proxy.metadata.MetadataUnavailableException;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.RewrittenStatement;
import io.meshgate.rewriter.DiscoveryRows;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.StatementSplitter;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.session.SearchPathChange;
import io.meshgate.rewriter.session.SearchPathStatements;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Governs one statement: analyse, ask the policy engine once, rewrite. Blocking; runs on a
 * worker thread, never on the event loop. Fails closed: every exception is a refusal.
 *
 * <p>{@link #governIfCached} and {@link #governQueryIfCached} are the exception: they govern
 * from memory alone (the statement cache's analysis and rewrite, the decision cache's decision,
 * the schema catalog's cached answers) and give up, empty, as soon as something is not held.
 * They never parse, ask the policy engine or load metadata, so the event loop calls them first.
 * They run the same steps as the blocking way, through the same code, so a statement they
 * govern is the statement the blocking way would have given (timings aside).
 */
public final class StatementGovernor {
  private static final Logger LOG = LoggerFactory.getLogger(StatementGovernor.class);

  /** SQLSTATE for a denial, as PostgreSQL reports insufficient_privilege. */
  public static final String DENIED = "42501";
  /** SQLSTATE when the policy engine cannot answer: an error outside the database (system_error). */
  public static final String POLICY_ENGINE_UNAVAILABLE = "58000";

  private final StatementCache statements;
  private final PolicyEngine policyEngine;
  private final Optional<DataProductDirectory> discovery;
  private final Clock clock;
  /** The decision cache, when the engine is one: only its memory can be read without blocking. */
  private final Optional<CachingPolicyEngine> decisionCache;

  /** How a governing gets what it needs. */
  private enum Lookup {
    /** Parse, ask the engine, load metadata as needed: off the event loop. */
    BLOCKING,
    /** Only what the caches hold; give up (empty) at the first thing they do not. */
    FROM_MEMORY
  }

  /** Without a statement cache or discovery: every statement is parsed and rewritten afresh. */
  public StatementGovernor(StatementAnalyzer analyzer, PolicyEngine policyEngine, Clock clock) {
    this(StatementCache.disabled(analyzer), policyEngine, Optional.empty(), clock);
  }

  /** Without discovery: statements that read the meshgate schema are refused. */
  public StatementGovernor(StatementCache statements, PolicyEngine policyEngine, Clock clock) {
    this(statements, policyEngine, Optional.empty(), clock);
  }

  /**
   * @param discovery answers the meshgate schema's relations for the session's user
   */
  public StatementGovernor(
      StatementCache statements, PolicyEngine policyEngine, Optional<DataProductDirectory> discovery, Clock clock) {
    this.statements = requireNonNull(statements, "statements is null");
    this.policyEngine = requireNonNull(policyEngine, "policyEngine is null");
    this.discovery = requireNonNull(discovery, "discovery is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.decisionCache = policyEngine instanceof CachingPolicyEngine caching ? Optional.of(caching) : Optional.empty();
  }

  public GovernedStatement govern(SessionIdentity session, String sql, List<String> searchPath) {
    StatementCache.Tally tally = new StatementCache.Tally();
    GovernedStatement governed =
        governShaped(session, sql, statements.shape(sql), searchPath, Lookup.BLOCKING, tally).orElseThrow();
    statements.count(tally);
    return governed;
  }

  /**
   * {@link #govern(SessionIdentity, String, List)} from memory alone, without blocking (see the
   * class comment): the same statement, or empty when something is not cached (then govern it
   * off the event loop).
   */
  public Optional<GovernedStatement> governIfCached(SessionIdentity session, String sql, List<String> searchPath) {
    StatementCache.Tally tally = new StatementCache.Tally();
    Optional<GovernedStatement> governed;
    try {
      governed = governShaped(session, sql, statements.shape(sql), searchPath, Lookup.FROM_MEMORY, tally);
    } catch (RuntimeException e) {
      return gaveUp(session, e);
    }
    governed.ifPresent(found -> count(tally));
    return governed;
  }

  /** {@code sql}'s tokens, lexed by the caller. */
  private Optional<GovernedStatement> govern(SessionIdentity session, String sql, List<Token> tokens,
      List<String> searchPath, Lookup lookup, StatementCache.Tally tally) {
    return governShaped(session, sql, statements.shape(sql, tokens), searchPath, lookup, tally);
  }

  /** Empty only from memory, when something is not cached. */
  private Optional<GovernedStatement> governShaped(SessionIdentity session, String sql,
      Optional<StatementCache.ShapedStatement> shaped, List<String> searchPath, Lookup lookup,
      StatementCache.Tally tally) {
    String user = session.subject().user();
    if (shaped.isPresent() && !statements.recentlyUnspliced(shaped.get(), user, searchPath)) {
      // Governed as its shape's sentinel statement and spliced (see StatementCache). Only an
      // allowed, spliced statement is taken; anything else (a refusal, a catalog read, a rewrite
      // that cannot be templated) is governed again as the client's own text, so refusals and
      // passthrough statements are exactly what they are without shapes. The next statements of
      // the shape skip the sentinel statement for a while (a hint: the outcome is the same).
      Optional<GovernedStatement> spliced = govern(session, sql, searchPath, shaped, lookup, tally);
      if (spliced.isEmpty() || spliced.get().outcome() == GovernedStatement.Outcome.ALLOWED) {
        return spliced;
      }
      statements.unspliced(shaped.get(), user, searchPath);
    }
    return govern(session, sql, searchPath, Optional.empty(), lookup, tally);
  }

  /** Counts what a governing from memory used, once it is used. */
  private void count(StatementCache.Tally tally) {
    statements.count(tally);
    if (tally.cachedDecisions > 0) {
      decisionCache.orElseThrow().countCachedHits(tally.cachedDecisions);
    }
  }

  /**
   * Governs {@code sql}, or with {@code shaped}, its sentinel statement, splicing {@code sql}'s
   * literals into the rewrite; empty only when {@code shaped} is given and cannot be spliced.
   * The governed statement always carries the client's own text, for the audit event. With
   * {@link Lookup#FROM_MEMORY}, empty as soon as something is not cached; never empty otherwise.
   */
  private Optional<GovernedStatement> govern(SessionIdentity session, String sql, List<String> searchPath,
      Optional<StatementCache.ShapedStatement> shaped, Lookup lookup, StatementCache.Tally tally) {
    String revision = safeRevision();
    long start = System.nanoTime();
    String analysedSql = shaped.map(statement -> statement.sentinels().sql()).orElse(sql);
    AnalyzedStatement analyzed;
    if (lookup == Lookup.FROM_MEMORY) {
      // Only successful analyses are cached, so from memory there is no refusal to report here.
      Optional<AnalyzedStatement> cached =
          statements.analysisIfCached(analysedSql, searchPath, session.subject().user(), tally);
      if (cached.isEmpty()) {
        return Optional.empty();
      }
      analyzed = cached.get();
    } else {
      try {
        analyzed = statements.analyze(analysedSql, searchPath, session.subject().user(), tally);
      } catch (SqlRefusal refusal) {
        GovernedStatement.Outcome outcome = DENIED.equals(refusal.sqlState())
            ? GovernedStatement.Outcome.DENIED
            : GovernedStatement.Outcome.FAILED;
        String refusedKind = refusal.statementKind().map(StatementKind::wireName).orElse("unknown");
        return refused(sql, outcome, refusedKind, refusal.ddlAction(), List.of(), Optional.empty(), revision,
            ErrorFields.error(refusal.sqlState(), refusal.getMessage()), timings(start, 0, 0));
      } catch (MetadataUnavailableException e) {
        LOG.warn("schema metadata unavailable: {}", e.getMessage());
        return refused(sql, GovernedStatement.Outcome.FAILED, "unknown", Optional.empty(), List.of(), Optional.empty(), revision,
            ErrorFields.error(POLICY_ENGINE_UNAVAILABLE,
                "statement refused: Meshgate cannot read the backend's schema metadata right now"),
            timings(start, 0, 0));
      } catch (RuntimeException e) {
        // A rewriter bug: refuse, never forward.
        LOG.warn("statement analysis failed in session {}", session.sessionId(), e);
        return refused(sql, GovernedStatement.Outcome.FAILED, "unknown", Optional.empty(), List.of(), Optional.empty(), revision,
            ErrorFields.error("XX000", "statement refused: Meshgate could not analyse it (" + e.getClass().getSimpleName() + ")"),
            timings(start, 0, 0));
      }
    }
    long parsed = System.nanoTime();
    String kind = analyzed.kind().wireName();
    Optional<DdlAction> ddlAction = analyzed.ddlAction();
    if (!analyzed.requiresDecision()) {
      return Optional.of(new GovernedStatement(sql, Optional.of(analyzed.passthroughSql()), Optional.empty(),
          GovernedStatement.Outcome.PASSTHROUGH, kind, ddlAction, List.of(), Optional.empty(), revision,
          new GovernedStatement.StageTimings(parsed - start, 0, 0), List.of(), analyzed.preparedStatementUse()));
    }
    if (lookup == Lookup.FROM_MEMORY && !analyzed.virtualRelations().isEmpty()) {
      // The meshgate schema's rows are computed per statement (decisions per data product).
      return Optional.empty();
    }
    List<RelationAccess> relations = analyzed.relations();
    PolicyInput input = new PolicyInput(
        session.subject(),
        new RequestContext(session.database(), session.clientAddress(), session.applicationName(),
            session.sessionId(), clock.instant()),
        analyzed.kind(),
        relations,
        ddlAction);
    Decision decision;
    if (lookup == Lookup.FROM_MEMORY) {
      // Failures are never cached, so from memory there is no engine error to report here.
      Optional<Decision> cached = decisionCache.flatMap(cache -> cache.cachedDecision(input));
      if (cached.isEmpty()) {
        return Optional.empty();
      }
      tally.cachedDecisions++;
      decision = cached.get();
    } else {
      try {
        decision = policyEngine.decide(input);
      } catch (PolicyEngineException e) {
        return switch (e) {
          case PolicyEngineException.Unavailable unavailable -> {
            LOG.warn("policy engine unavailable: {}", unavailable.getMessage());
            yield refused(sql, GovernedStatement.Outcome.FAILED, kind, ddlAction, relations, Optional.empty(), revision,
                policyEngineUnavailable(), timings(start, parsed, System.nanoTime()));
          }
          case PolicyEngineException.MalformedDecision malformed -> {
            LOG.warn("malformed policy decision: {}", malformed.getMessage());
            yield refused(sql, GovernedStatement.Outcome.DENIED, kind, ddlAction, relations, Optional.empty(), revision,
                ErrorFields.error(DENIED, "permission denied: the policy returned no valid decision (" + malformed.getMessage() + ")"),
                timings(start, parsed, System.nanoTime()));
          }
        };
      }
    }
    long decided = System.nanoTime();
    if (!decision.allow()) {
      String reasons = decision.denyReasons().isEmpty()
          ? "the policy does not allow this statement"
          : String.join("; ", decision.denyReasons());
      return refused(sql, GovernedStatement.Outcome.DENIED, kind, ddlAction, relations, Optional.of(decision), revision,
          ErrorFields.error(DENIED, "permission denied: " + reasons),
          timings(start, parsed, decided));
    }
    DiscoveryRows discoveryRows = DiscoveryRows.empty();
    if (!analyzed.virtualRelations().isEmpty()) {
      // The meshgate schema's rows: decisions per data product for this user (cached like any).
      Optional<ErrorFields> failure = Optional.empty();
      try {
        if (discovery.isEmpty()) {
          failure = Optional.of(ErrorFields.error("0A000",
              "the meshgate schema (data product discovery) is not available here; nothing was sent"));
        } else {
          discoveryRows = discovery.get().rows(session.subject(), input.context());
        }
      } catch (PolicyEngineException.Unavailable e) {
        LOG.warn("discovery: policy engine unavailable: {}", e.getMessage());
        failure = Optional.of(policyEngineUnavailable());
      } catch (MetadataUnavailableException e) {
        LOG.warn("discovery: schema metadata unavailable: {}", e.getMessage());
        failure = Optional.of(ErrorFields.error(POLICY_ENGINE_UNAVAILABLE,
            "statement refused: Meshgate cannot read the backend's schema metadata right now"));
      } catch (RuntimeException e) {
        LOG.warn("discovery failed in session {}", session.sessionId(), e);
        failure = Optional.of(ErrorFields.error("XX000",
            "statement refused: Meshgate could not list the data products (" + e.getClass().getSimpleName() + ")"));
      }
      if (failure.isPresent()) {
        return refused(sql, GovernedStatement.Outcome.FAILED, kind, ddlAction, relations, Optional.of(decision), revision,
            failure.get(), timings(start, parsed, System.nanoTime()));
      }
    }
    long discovered = System.nanoTime();
    try {
      RewrittenStatement rewritten;
      if (lookup == Lookup.FROM_MEMORY) {
        // Only successful rewrites are cached, so from memory there is no refusal to report here.
        Optional<RewrittenStatement> cached =
            statements.rewriteIfCached(analyzed, decision, discoveryRows, revision, tally);
        if (cached.isEmpty()) {
          return Optional.empty();
        }
        rewritten = cached.get();
      } else {
        rewritten = statements.rewrite(analyzed, decision, discoveryRows, revision, tally);
      }
      Optional<String> forwarded = shaped.isEmpty()
          ? Optional.of(rewritten.sql())
          : statements.splice(rewritten, shaped.get(), tally);
      if (forwarded.isEmpty()) {
        // No template for this rewrite: never sent, the caller governs the client's own text.
        return refused(sql, GovernedStatement.Outcome.FAILED, kind, ddlAction, relations, Optional.of(decision), revision,
            ErrorFields.error("XX000", "statement shape not spliced"), timings(start, parsed, decided));
      }
      return Optional.of(new GovernedStatement(sql, forwarded, Optional.empty(),
          GovernedStatement.Outcome.ALLOWED, kind, ddlAction, relations, Optional.of(decision), revision,
          new GovernedStatement.StageTimings(parsed - start, discovered - parsed, System.nanoTime() - discovered),
          rewritten.rowFilterChecks(), analyzed.preparedStatementUse()));
    } catch (SqlRefusal refusal) {
      GovernedStatement.Outcome outcome = DENIED.equals(refusal.sqlState())
          ? GovernedStatement.Outcome.DENIED
          : GovernedStatement.Outcome.FAILED;
      return refused(sql, outcome, kind, ddlAction, relations, Optional.of(decision), revision,
          ErrorFields.error(refusal.sqlState(), refusal.getMessage()),
          new GovernedStatement.StageTimings(parsed - start, decided - parsed, System.nanoTime() - decided));
    } catch (RuntimeException e) {
      LOG.warn("rewrite failed in session {}", session.sessionId(), e);
      return refused(sql, GovernedStatement.Outcome.FAILED, kind, ddlAction, relations, Optional.of(decision), revision,
          ErrorFields.error("XX000", "statement refused: Meshgate could not apply the policy to it"),
          new GovernedStatement.StageTimings(parsed - start, decided - parsed, System.nanoTime() - decided));
    }
  }

  private static ErrorFields policyEngineUnavailable() {
    return ErrorFields.error(POLICY_ENGINE_UNAVAILABLE,
            "statement refused: the policy engine is unavailable, and Meshgate does not run statements without a decision")
        .withHint("Retry when the policy engine (OPA) is back; operators: check /health/ready and the OPA process.");
  }

  /**
   * Governs a simple Query message: each of its statements on its own (one decision each, as
   * the contract has one statement per input), in order, each under the search path the
   * statements before it leave (a {@code SET search_path} early in the message changes what the
   * later ones' names mean, as it would at the backend). The caller forwards them only if none
   * is refused (see {@link SimpleQueryStatements#wholeOrNothing}).
   *
   * @param resetSearchPath what RESET and DEFAULT set the search path to
   */
  public List<GovernedStatement> governQuery(
      SessionIdentity session, String sql, List<String> searchPath, List<String> resetSearchPath) {
    StatementCache.Tally tally = new StatementCache.Tally();
    List<GovernedStatement> governed =
        governQuery(session, sql, searchPath, resetSearchPath, Lookup.BLOCKING, tally).orElseThrow();
    statements.count(tally);
    return governed;
  }

  /**
   * {@link #governQuery(SessionIdentity, String, List, List)} from memory alone, without
   * blocking (see the class comment): the same statements, or empty when something one of them
   * needs is not cached (then govern the whole message off the event loop).
   */
  public Optional<List<GovernedStatement>> governQueryIfCached(
      SessionIdentity session, String sql, List<String> searchPath, List<String> resetSearchPath) {
    StatementCache.Tally tally = new StatementCache.Tally();
    Optional<List<GovernedStatement>> governed;
    try {
      governed = governQuery(session, sql, searchPath, resetSearchPath, Lookup.FROM_MEMORY, tally);
    } catch (RuntimeException e) {
      return gaveUp(session, e);
    }
    governed.ifPresent(found -> count(tally));
    return governed;
  }

  /**
   * A bug on the way from memory: the blocking way governs the statement again, and refuses it
   * if it fails there too (never thrown into the event loop, never forwarded).
   */
  private static <T> Optional<T> gaveUp(SessionIdentity session, RuntimeException e) {
    LOG.warn("governing from memory failed in session {}; governing the blocking way", session.sessionId(), e);
    return Optional.empty();
  }

  private Optional<List<GovernedStatement>> governQuery(SessionIdentity session, String sql,
      List<String> searchPath, List<String> resetSearchPath, Lookup lookup, StatementCache.Tally tally) {
    // Lexed once here: the split and every statement's shape use these tokens.
    List<Token> tokens;
    try {
      tokens = PgLexer.tokenize(sql);
    } catch (LexicalException unreadable) {
      // Refused by the analysis, with the position of what does not lex (never cached).
      return lookup == Lookup.FROM_MEMORY
          ? Optional.empty()
          : governShaped(session, sql, statements.shape(sql), searchPath, lookup, tally).map(List::of);
    }
    List<StatementText> parts = StatementSplitter.split(sql, tokens);
    if (parts.size() <= 1) {
      return govern(session, sql, tokens, searchPath, lookup, tally).map(List::of);
    }
    List<GovernedStatement> governed = new ArrayList<>(parts.size());
    List<String> path = searchPath;
    for (StatementText part : parts) {
      // Each statement from its first to its last significant token, so they join with "; ".
      StatementText alone = part.alone();
      Optional<GovernedStatement> found = govern(session, alone.query(), alone.tokens(), path, lookup, tally);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      GovernedStatement statement = found.get();
      governed.add(statement);
      if (statement.isForwarded() && StatementKind.UTILITY.wireName().equals(statement.kind())) {
        Optional<SearchPathChange> change = SearchPathStatements.changeOf(statement.forwardedSql().orElseThrow());
        if (change.isPresent()) {
          path = switch (change.get()) {
            case SearchPathChange.SetTo set -> set.schemas();
            case SearchPathChange.ResetToDefault reset -> resetSearchPath;
            case SearchPathChange.Unrecognised unrecognised -> List.of();
          };
        }
      }
    }
    return Optional.of(List.copyOf(governed));
  }

  /**
   * A DDL statement changed {@code relation} (its CommandComplete arrived, or the transaction it
   * ran in ended): the schema metadata must not serve its old shape, or its absence, again.
   */
  public void schemaChanged(RelationName relation) {
    statements.schemaChanged(relation);
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

  private static Optional<GovernedStatement> refused(
      String sql,
      GovernedStatement.Outcome outcome,
      String kind,
      Optional<DdlAction> ddlAction,
      List<RelationAccess> relations,
      Optional<Decision> decision,
      String revision,
      ErrorFields error,
      GovernedStatement.StageTimings timings) {
    return Optional.of(new GovernedStatement(sql, Optional.empty(), Optional.of(error), outcome, kind, ddlAction,
        relations, decision, revision, timings, List.of(), Optional.empty()));
  }
}
