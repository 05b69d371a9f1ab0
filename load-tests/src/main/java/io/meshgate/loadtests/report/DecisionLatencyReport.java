package io.meshgate.loadtests.report;

import io.meshgate.loadtests.decision.DecisionLatency;
import java.util.List;
import java.util.Locale;

/** The report's section on policy decision latency, and its CSV. */
public final class DecisionLatencyReport {
  /** The decision cache in front of the REST engine, measured on hits only. */
  public static final String CACHED = "decision cache (hits)";
  /** The REST engine, no cache, against the OPA Meshgate manages. */
  public static final String MANAGED = "REST, managed local OPA, no cache";
  /** The same REST engine, no cache, against an OPA server started on its own and reached by URL. */
  public static final String REMOTE = "REST, OPA server by URL, no cache";

  static final String CSV_FILE = "decision-latency.csv";

  private DecisionLatencyReport() {}

  static void section(StringBuilder report, List<DecisionLatency> latencies) {
    if (latencies.isEmpty()) {
      return;
    }
    report.append("## Policy decision latency\n\n");
    report.append("One `PolicyEngine.decide` call per statement is what Meshgate adds to every governed statement ")
        .append("before it rewrites it. Here the engines are called directly, in the benchmark's JVM, back to back ")
        .append("from each thread, cycling through 24 inputs: the four demo users each reading five demo ")
        .append("tables and one join (allowed, filtered, masked and denied decisions mixed). Every call is timed.\n\n");
    MarkdownTable table = new MarkdownTable(
        List.of("engine", "threads", "decisions/s", "p50 (µs)", "p99 (µs)", "max (µs)", "failures"), 1);
    for (DecisionLatency latency : latencies) {
      table.row(List.of(latency.engine(), Integer.toString(latency.threads()),
          Numbers.format(latency.decisionsPerSecond()), micros(latency.p50Nanos()), micros(latency.p99Nanos()),
          micros(latency.maximumNanos()), Long.toString(latency.failures())));
    }
    report.append(table.render()).append('\n');
    report.append("* **").append(CACHED).append("**: `CachingPolicyEngine` (Caffeine) in front of the REST engine, ")
        .append("warmed so that every timed call is a hit: the cost of building the key (subject, relations, ")
        .append("columns, revision) and one lookup. This is what a repeated statement pays.\n");
    report.append("* **").append(MANAGED).append("**: `OpaRestPolicyEngine` → the OPA process Meshgate starts and ")
        .append("feeds bundles (`ManagedOpaProcess`), HTTP/1.1 on loopback, JSON both ways, `strict-builtin-errors`. ")
        .append("This is what a first statement (a cache miss) pays, and every statement with `decision_cache.ttl=0s`.\n");
    report.append("* **").append(REMOTE).append("**: the same `OpaRestPolicyEngine` against `opa run --server ")
        .append("--bundle` started on its own and addressed by URL, i.e. Meshgate's remote-OPA configuration. ")
        .append("Honestly: on this one machine it is another OPA process on loopback, without TLS or a bearer ")
        .append("token, so it measures the same path as the managed OPA; a real remote OPA adds the network's ")
        .append("round trip (and TLS) to every miss. In-process evaluation (opa-java-wasm) is not measured: see ")
        .append("`policy-engine/README.md`.\n");
    report.append("* With more threads than processors, latency includes waiting for a processor; OPA, the ")
        .append("benchmark and anything else on the machine share them. The percentiles come from at most ")
        .append("2 million samples per thread (the first ones; cache hits fill that in about a second).\n\n");
  }

  static String csv(List<DecisionLatency> latencies) {
    StringBuilder csv = new StringBuilder("engine,threads,decisions,failures,seconds,decisions_per_second,"
        + "p50_us,p99_us,max_us\n");
    for (DecisionLatency latency : latencies) {
      csv.append('"').append(latency.engine()).append("\",").append(latency.threads()).append(',')
          .append(latency.decisions()).append(',').append(latency.failures()).append(',')
          .append(String.format(Locale.ROOT, "%.3f,%.1f,%.3f,%.3f,%.3f", latency.elapsedNanos() / 1e9,
              latency.decisionsPerSecond(), latency.p50Nanos() / 1e3, latency.p99Nanos() / 1e3,
              latency.maximumNanos() / 1e3))
          .append('\n');
    }
    return csv.toString();
  }

  private static String micros(long nanos) {
    return String.format(Locale.ROOT, nanos < 10_000 ? "%.2f" : "%.0f", nanos / 1e3);
  }
}
