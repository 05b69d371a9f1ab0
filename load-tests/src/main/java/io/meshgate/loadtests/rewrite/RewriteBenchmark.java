package io.meshgate.loadtests.rewrite;

import io.meshgate.policy.Decision;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import java.nio.file.Path;
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
 *       what remains per statement when analyses are cached by SQL text and search path (as the
 *       rewriter's README recommends). Meshgate has no statement cache yet; a cache of the
 *       rewritten text as well would leave only its lookup.
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

  @Setup
  public void setUp() throws SqlRefusal {
    String root = System.getProperty("meshgate.root");
    TpchWorkload workload = new TpchWorkload(root != null ? Path.of(root) : RepositoryRoot.find().orElseThrow(
        () -> new IllegalStateException("run from a Meshgate checkout or set -Dmeshgate.root")));
    analyzer = new StatementAnalyzer(workload.catalog(), TpchWorkload.DATABASE);
    decision = TpchWorkload.analystDecision();
    sql = workload.query(query);
    analyzed = analyzer.analyze(sql, TpchWorkload.SEARCH_PATH);
    if (!analyzed.requiresDecision()) {
      throw new IllegalStateException(query + " reads no governed table: nothing would be rewritten");
    }
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
