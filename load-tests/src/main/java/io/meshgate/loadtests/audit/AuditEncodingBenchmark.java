package io.meshgate.loadtests.audit;

import io.meshgate.audit.AuditDecision;
import io.meshgate.audit.AuditEvent;
import io.meshgate.audit.AuditOutcome;
import io.meshgate.audit.AuditRelation;
import io.meshgate.audit.jsonl.ChainedLine;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one audit event costs its caller: building the {@link AuditEvent} and encoding its fields
 * ({@link ChainedLine#encodeFields}), as a session does for every statement on its event loop.
 * The event is a prepared statement executed again: the same session, statement text,
 * relations and decision objects each time, with a new id, time and outcome, as the proxy hands
 * them over. CPU only; the writer's chain, hash and force are not measured here.
 *
 * <p>Run it with {@code load-tests/bin/jmh AuditEncodingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AuditEncodingBenchmark {
  private static final List<String> GROUPS = List.of("analysts", "region_eu");
  private static final String SQL = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";
  private static final String REWRITTEN =
      "SELECT \"abalance\" FROM (SELECT \"aid\", \"abalance\" FROM \"public\".\"pgbench_accounts\""
          + " WHERE \"bid\" IN (1, 2, 3) OFFSET 0) AS \"pgbench_accounts\" WHERE \"aid\" = $1";

  private List<AuditRelation> relations;
  private AuditDecision decision;
  private long sequence;

  @Setup
  public void setUp() {
    relations = List.of(new AuditRelation("bench.public.pgbench_accounts", "read", List.of("aid", "abalance"),
        List.of("bid IN (1, 2, 3)"), Map.of("filler", "redact"), List.of(),
        List.of(Optional.of("bench.accounts.branches")), Map.of("filler", "bench.accounts.filler")));
    decision = new AuditDecision(true, List.of(), List.of("bench.accounts.branches", "bench.accounts.filler"),
        "rev-1");
  }

  @Benchmark
  public int preparedStatementEvent() {
    sequence++;
    AuditEvent event = new AuditEvent(AuditEvent.randomEventId(), Instant.now(), "5f3a9c1e", "alice", GROUPS,
        "127.0.0.1", "pgbench", "bench", "select", SQL, REWRITTEN, relations, decision,
        AuditOutcome.ok(1, 24, 180 + (sequence & 63)), "postgresql://127.0.0.1:5432/bench");
    return ChainedLine.encodeFields(event).length();
  }
}
