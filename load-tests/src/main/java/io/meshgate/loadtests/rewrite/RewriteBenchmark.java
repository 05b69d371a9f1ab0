package io.meshgate.loadtests.rewrite;

import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.Subject;
import io.meshgate.policy.cache.CachingPolicyEngine;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.proxy.governance.StatementCache;
import io.meshgate.proxy.governance.StatementGovernor;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The rewriter's cost per TPC-H query under the analysts' row filters of the tpch test domain:
 *
 * <ul>
 *   <li>{@code uncached}: parse + analyse + rewrite + unparse from the SQL text, as for a
 *       statement seen for the first time. Schema metadata comes from memory, i.e. as from
 *       the proxy's metadata cache once warm (no JDBC round trip is measured).
 *   <li>{@code cachedAnalysis}: rewrite + unparse of an {@link AnalyzedStatement} analysed once,
 *       what remains per statement when only analyses are cached by SQL text and search path.
 *   <li>{@code cached}: what a repeated statement costs Meshgate's governance today, through
 *       the proxy's own {@link StatementGovernor} (as a simple Query message: split and shape)
 *       and {@link StatementCache}: the statement's
 *       shape, the analysis cache (with its check of the schema catalog), the policy input and a
 *       decision-cache hit ({@link CachingPolicyEngine} over a fixed decision, standing in for
 *       OPA), the rewrite cache, and for a query with literals the shape lifts, the splice of
 *       the statement's own literals. Each call governs the next of {@value #VARIANTS} texts of
 *       the query that differ in those literals, as a simple-protocol client sends them.
 *   <li>{@code cachedRedecided}: {@code cached}, with decisions that expire every {@value
 *       #REDECIDE_MILLIS} ms and are made anew as equal but distinct objects, as OPA's are when
 *       the decision cache's entries expire (every 5 s per user and relations by default): the
 *       rewrite cache's key then holds another object than the decision looked up with.
 * </ul>
 *
 * <p>Run it with {@code load-tests/bin/jmh} (arguments go to JMH, e.g. {@code -p query=q01}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RewriteBenchmark {
  @Param({"q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08", "q09", "q10", "q11", "q12", "q13", "q14", "q15",
      "q16", "q17", "q18", "q19", "q20", "q21", "q22"})
  public String query;

  private StatementAnalyzer analyzer;
  private Decision decision;
  private String sql;
  private AnalyzedStatement analyzed;
  private StatementGovernor governor;
  private StatementGovernor redecidingGovernor;
  private SessionIdentity session;
  private List<String> variants;
  private int next;

  /** How many texts of a query, differing in their lifted literals, {@link #cached} cycles through. */
  static final int VARIANTS = 16;
  /** How long {@link #cachedRedecided}'s decisions are cached. */
  static final long REDECIDE_MILLIS = 50;

  @Setup
  public void setUp() throws SqlRefusal {
    TpchWorkload workload = workload();
    analyzer = new StatementAnalyzer(workload.catalog(), TpchWorkload.DATABASE);
    decision = TpchWorkload.analystDecision();
    sql = workload.query(query);
    analyzed = analyzer.analyze(sql, TpchWorkload.SEARCH_PATH);
    if (!analyzed.requiresDecision()) {
      throw new IllegalStateException(query + " reads no governed table: nothing would be rewritten");
    }
  }

  @Setup
  public void setUpGovernor() {
    TpchWorkload workload = workload();
    Decision fixed = TpchWorkload.analystDecision();
    PolicyEngine engine = new PolicyEngine() {
      @Override
      public Decision decide(PolicyInput input) {
        return fixed;
      }

      @Override
      public String revision() {
        return "benchmark";
      }
    };
    StatementCache statements =
        StatementCache.over(workload.catalog(), TpchWorkload.DATABASE, StatementCache.DEFAULT_MAXIMUM_BYTES);
    governor = new StatementGovernor(
        statements, new CachingPolicyEngine(engine, Duration.ofDays(1)), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    session = new SessionIdentity("benchmark", new Subject("alice", List.of("analysts"), Map.of()),
        TpchWorkload.DATABASE, "127.0.0.1", "jmh");
    variants = LiteralVariants.of(workload.query(query), VARIANTS);
    PolicyEngine anew = new PolicyEngine() {
      @Override
      public Decision decide(PolicyInput input) {
        return TpchWorkload.analystDecision();
      }

      @Override
      public String revision() {
        return "benchmark";
      }
    };
    redecidingGovernor = new StatementGovernor(
        StatementCache.over(workload.catalog(), TpchWorkload.DATABASE, StatementCache.DEFAULT_MAXIMUM_BYTES),
        new CachingPolicyEngine(anew, Duration.ofMillis(REDECIDE_MILLIS)), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    for (String variant : variants) {
      redecidingGovernor.governQuery(session, variant, TpchWorkload.SEARCH_PATH, TpchWorkload.SEARCH_PATH);
    }
    for (String variant : variants) {
      // Warms every cache, and proves the governed statement is the rewrite, not a refusal.
      GovernedStatement governed =
          governor.governQuery(session, variant, TpchWorkload.SEARCH_PATH, TpchWorkload.SEARCH_PATH).get(0);
      if (governed.outcome() != GovernedStatement.Outcome.ALLOWED) {
        throw new IllegalStateException(query + " is not allowed: " + governed.refusal());
      }
    }
    // Which path the measured calls take: spliced into the shape's template, or the text's own.
    System.out.println(query + ": " + variants.size() + " text(s), " + statements.statistics());
  }

  private static TpchWorkload workload() {
    String root = System.getProperty("meshgate.root");
    return new TpchWorkload(root != null ? Path.of(root) : RepositoryRoot.find().orElseThrow(
        () -> new IllegalStateException("run from a Meshgate checkout or set -Dmeshgate.root")));
  }

  /** See the class comment. */
  @Benchmark
  public Optional<String> cachedRedecided() {
    String variant = variants.get(next);
    next = (next + 1) % variants.size();
    return redecidingGovernor.governQuery(session, variant, TpchWorkload.SEARCH_PATH, TpchWorkload.SEARCH_PATH)
        .get(0).forwardedSql();
  }

  /** See the class comment; governed as a simple Query message is. Returns what would be forwarded. */
  @Benchmark
  public Optional<String> cached() {
    String variant = variants.get(next);
    next = (next + 1) % variants.size();
    return governor.governQuery(session, variant, TpchWorkload.SEARCH_PATH, TpchWorkload.SEARCH_PATH).get(0)
        .forwardedSql();
  }

  @Benchmark
  public String uncached() throws SqlRefusal {
    return analyzer.analyze(sql, TpchWorkload.SEARCH_PATH).rewrite(decision);
  }

  @Benchmark
  public String cachedAnalysis() throws SqlRefusal {
    return analyzed.rewrite(decision);
  }
}
