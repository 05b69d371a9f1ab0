package io.meshgate.loadtests;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.decision.DecisionInputs;
import io.meshgate.loadtests.decision.DecisionLatency;
import io.meshgate.loadtests.decision.DecisionLatencyScenario;
import io.meshgate.loadtests.pgbench.Pgbench;
import io.meshgate.loadtests.relay.NettyRelay;
import io.meshgate.loadtests.report.DecisionLatencyReport;
import io.meshgate.loadtests.report.BenchmarkResults;
import io.meshgate.loadtests.report.MachineDescription;
import io.meshgate.loadtests.report.ReportWriter;
import io.meshgate.loadtests.report.SoftwareVersions;
import io.meshgate.loadtests.scenario.ConnectionStormScenario;
import io.meshgate.loadtests.scenario.EquivalenceCheck;
import io.meshgate.loadtests.scenario.GovernedWorkload;
import io.meshgate.loadtests.scenario.GovernedWorkloadScenario;
import io.meshgate.loadtests.scenario.IdleConnectionsScenario;
import io.meshgate.loadtests.scenario.IdleMeasurement;
import io.meshgate.loadtests.scenario.Measurement;
import io.meshgate.loadtests.scenario.MemoryProbe;
import io.meshgate.loadtests.scenario.PgbenchRunner;
import io.meshgate.loadtests.scenario.Progress;
import io.meshgate.loadtests.scenario.RunRecorder;
import io.meshgate.loadtests.scenario.Scenario;
import io.meshgate.loadtests.scenario.SelectOnlyScenario;
import io.meshgate.loadtests.systems.BenchDatabase;
import io.meshgate.loadtests.systems.BenchPolicies;
import io.meshgate.loadtests.systems.BenchmarkSetupException;
import io.meshgate.loadtests.systems.FlightRecorder;
import io.meshgate.loadtests.systems.ProcessorTimes;
import io.meshgate.loadtests.systems.JavaHeap;
import io.meshgate.loadtests.systems.MeshgateProcess;
import io.meshgate.loadtests.systems.NativeGovernance;
import io.meshgate.loadtests.systems.NettyRelayProcess;
import io.meshgate.loadtests.systems.OpaServerProcess;
import io.meshgate.loadtests.systems.PgBouncerProcess;
import io.meshgate.loadtests.systems.ProcessMemory;
import io.meshgate.loadtests.systems.SourceRevision;
import io.meshgate.policy.cache.CacheStatistics;
import io.meshgate.policy.cache.CachingPolicyEngine;
import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.policy.opa.OpaBinary;
import io.meshgate.policy.opa.OpaRestConfig;
import io.meshgate.policy.opa.OpaRestPolicyEngine;
import io.meshgate.policy.opa.OpaStartException;
import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import io.meshgate.proxy.backend.BackendEndpoint;
import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.DemoDataMesh;
import io.meshgate.proxy.demo.LocalPostgres;
import io.meshgate.proxy.demo.WorkDirectories;
import io.meshgate.proxy.metadata.JdbcSchemaCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One benchmark run, start to finish: PostgreSQL with the demo mesh and pgbench's database,
 * PgBouncer, Meshgate as a child process, the four scenarios, the decision benchmark, the report.
 * Everything it starts it stops, also when a step fails; only loopback addresses are loaded.
 */
public final class Benchmark {
  /** What every idle connection runs once: a governed statement through Meshgate, a plain one elsewhere. */
  static final String IDLE_STATEMENT = "SELECT abalance FROM pgbench_accounts WHERE aid = 1";
  private static final String ALICE = "alice";

  private final BenchmarkPlan plan;
  private final Path repositoryRoot;
  private final Path outputDirectory;
  private final boolean keepTransactionLogs;
  private final boolean profile;
  private final Progress progress;
  private Optional<FlightRecorder> recorder = Optional.empty();
  private final ProcessorTimes processorTimes = new ProcessorTimes();

  /**
   * @param profile record Meshgate with JDK Flight Recorder during each of its measured runs
   */
  public Benchmark(BenchmarkPlan plan, Path repositoryRoot, Path outputDirectory, boolean keepTransactionLogs,
      boolean profile, Progress progress) {
    this.plan = requireNonNull(plan, "plan is null");
    this.repositoryRoot = requireNonNull(repositoryRoot, "repositoryRoot is null");
    this.outputDirectory = requireNonNull(outputDirectory, "outputDirectory is null");
    this.keepTransactionLogs = keepTransactionLogs;
    this.profile = profile;
    this.progress = requireNonNull(progress, "progress is null");
  }

  /** The programs the benchmark starts. */
  private record Tools(Path java, Path meshgateJar, Path opa, Path pgbouncer) {}

  /** PostgreSQL with everything the scenarios need in it. */
  private record Databases(
      LocalPostgres postgres, Pgbench pgbench, DemoBackend mesh, BenchDatabase bench, Endpoint nativeRole) {}

  /** What the scenarios add to the report, as they run. */
  private static final class Collected {
    final Map<String, String> settings = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final List<Measurement> measurements = new ArrayList<>();
    final List<IdleMeasurement> idle = new ArrayList<>();
    Optional<EquivalenceCheck> equivalence = Optional.empty();
    final List<DecisionLatency> decisions = new ArrayList<>();
  }

  /** Runs everything and writes the report; returns the path of report.md. */
  public Path run() throws IOException {
    Instant started = Instant.now();
    MachineDescription machine = MachineDescription.detect();
    Path raw = outputDirectory.resolve("raw");
    Files.createDirectories(raw);
    Tools tools = new Tools(
        Path.of(ProcessHandle.current().info().command()
            .orElseThrow(() -> new BenchmarkSetupException("cannot tell which java runs this benchmark"))),
        meshgateJar(), opaBinary(), PgBouncerProcess.locateBinary());
    String revision = SourceRevision.describe(repositoryRoot);
    // World-searchable, so that PgBouncer (run as nobody when we are root) can reach its directory.
    Path work = Files.createTempDirectory("meshgate-load-tests-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    // Interrupted (Ctrl-C), the JVM runs hooks instead of the finally below.
    Thread removeWork = new Thread(() -> WorkDirectories.deleteQuietly(work), "meshgate-load-tests-remove-work");
    Runtime.getRuntime().addShutdownHook(removeWork);
    Collected collected = new Collected();
    GovernedWorkload workload = GovernedWorkload.load();
    int maximumConnections = plan.idleConnections() + plan.maximumClients() + 64;
    progress.step("starting PostgreSQL (max_connections " + maximumConnections + ")");
    LocalPostgres.Options postgresOptions = LocalPostgres.Options.defaults()
        .withServerSetting("max_connections", Integer.toString(maximumConnections))
        .withServerSetting("shared_buffers", "256MB")
        .withStartTimeout(Duration.ofSeconds(60));
    try (LocalPostgres postgres = LocalPostgres.start(postgresOptions)) {
      Databases databases = prepareDatabases(postgres, raw);
      String alicePassword = randomPassword();
      Path usersFile = work.resolve("users.json");
      writeUsers(usersFile, databases.bench().client(), alicePassword);
      progress.step("preparing and checking the benchmark's policies");
      Path policies = BenchPolicies.prepare(repositoryRoot, work.resolve("policies"), BenchDatabase.DATABASE);
      BenchPolicies.check(repositoryRoot, tools.opa(), policies);
      collected.settings.put("pgbench scale", plan.scale() + " (" + plan.scale() * 100_000 + " accounts)");
      collected.settings.put("run lengths", "warm-up " + plan.warmup().toSeconds() + " s, select-only "
          + plan.selectOnlyDuration().toSeconds() + " s, governed workload " + plan.governedDuration().toSeconds()
          + " s, connection storm " + plan.stormDuration().toSeconds() + " s per run");
      collected.settings.put("PostgreSQL", "max_connections=" + maximumConnections + ", shared_buffers=256MB, "
          + "fsync, synchronous_commit and full_page_writes off (the demo's defaults; every scenario only reads), "
          + "password_encryption scram-sha-256");
      if (profile) {
        recorder = Optional.of(FlightRecorder.ofThisJdk(raw.resolve("profiles"), progress));
        collected.notes.add("Profiled: Meshgate ran under JDK Flight Recorder (settings=profile) during its measured "
            + "runs, which costs it some throughput; recordings and summaries are in raw/profiles.");
      }
      PgbenchRunner runner = new PgbenchRunner(databases.pgbench(), raw, keepTransactionLogs, machine.processors(),
          progress, recorder.isPresent() ? recorder.get() : RunRecorder.NONE, processorTimes);

      if (plan.runs(Scenario.SELECT_ONLY) || plan.runs(Scenario.CONNECTION_STORM)) {
        runBenchScenarios(databases, tools, runner, work, usersFile, policies, raw, collected);
      }
      if (plan.runs(Scenario.GOVERNED_WORKLOAD)) {
        runGovernedWorkload(databases, tools, runner, work, usersFile, policies, alicePassword, workload, raw,
            collected);
      }
      if (plan.complete()) {
        runDecisionLatency(databases.mesh(), tools, policies, raw, collected);
      }

      SoftwareVersions versions = new SoftwareVersions(revision, serverVersion(postgres),
          PgBouncerProcess.version(tools.pgbouncer()), databases.pgbench().version(), opaVersion(tools.opa()),
          javaVersion());
      BenchmarkResults results = new BenchmarkResults(plan.name(), started, Instant.now(), machine,
          MachineDescription.loadAverageNow(), versions, collected.settings, collected.measurements, collected.idle,
          collected.equivalence, workload.template(), collected.notes, collected.decisions);
      Path report = ReportWriter.write(results, outputDirectory);
      progress.step("report written: " + report);
      return report;
    } finally {
      WorkDirectories.deleteQuietly(work);
      try {
        Runtime.getRuntime().removeShutdownHook(removeWork);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook deletes what is left.
      }
    }
  }

  private Databases prepareDatabases(LocalPostgres postgres, Path raw) {
    Pgbench pgbench = new Pgbench(postgres.binDirectory().resolve("pgbench"));
    progress.step("seeding the demo mesh");
    DemoBackend mesh = DemoDataMesh.seed(postgres);
    progress.step("initialising pgbench's tables at scale " + plan.scale());
    BenchDatabase bench = BenchDatabase.create(postgres, pgbench, plan.scale(), mesh.serviceUser(),
        raw.resolve("pgbench-initialize"));
    Endpoint nativeRole = NativeGovernance.install(postgres, mesh);
    return new Databases(postgres, pgbench, mesh, bench, nativeRole);
  }

  /**
   * Select-only, connection storm and idle connections: pgbench's database, direct, through
   * PgBouncer and through Meshgate, and for select-only through the Netty relay too.
   */
  private void runBenchScenarios(Databases databases, Tools tools, PgbenchRunner runner, Path work, Path usersFile,
      Path policies, Path raw, Collected collected) throws IOException {
    DemoBackend mesh = databases.mesh();
    Endpoint direct = databases.bench().client();
    PgBouncerProcess pgbouncer = null;
    MeshgateProcess meshgate = null;
    Optional<NettyRelayProcess> relay = Optional.empty();
    try {
      progress.step("starting PgBouncer");
      pgbouncer = PgBouncerProcess.start(tools.pgbouncer(), work.resolve("pgbouncer"),
          new PgBouncerProcess.Settings(direct, databases.bench().scramSecret(), plan.idleConnections() + 100,
              plan.idleConnections() + 50));
      processorTimes.watch(Target.PGBOUNCER, pgbouncer.processId());
      collected.settings.put("PgBouncer configuration",
          pgbouncer.configurationText().replace(work.toString(), "<work directory>"));
      progress.step("starting Meshgate for database " + BenchDatabase.DATABASE);
      meshgate = MeshgateProcess.start(new MeshgateProcess.Settings(tools.java(), tools.meshgateJar(),
          work.resolve("meshgate-bench"),
          new Endpoint(mesh.host(), mesh.port(), BenchDatabase.DATABASE, mesh.serviceUser(), mesh.servicePassword()),
          usersFile, policies, tools.opa()));
      watch(meshgate);
      collected.settings.put("Meshgate configuration",
          meshgate.configurationText().replace(work.toString(), "<work directory>")
              + "# JVM: java -jar with the JVM's default options\n");
      Endpoint throughMeshgate = meshgate.endpoint(BenchDatabase.ROLE, direct.password());
      if (plan.runsNettyRelay()) {
        relay = Optional.of(startNettyRelay(tools, work, direct, collected));
      }

      Map<Target, Endpoint> targets = new LinkedHashMap<>();
      targets.put(Target.DIRECT, direct);
      targets.put(Target.PGBOUNCER, pgbouncer.endpoint());
      targets.put(Target.MESHGATE, throughMeshgate);
      if (plan.runs(Scenario.SELECT_ONLY)) {
        // The relay speaks no PostgreSQL protocol of its own: it has nothing to show in the
        // governed workload (no governance) or the storm (no authentication of its own).
        Map<Target, Endpoint> selectOnlyTargets = new LinkedHashMap<>();
        selectOnlyTargets.put(Target.DIRECT, direct);
        selectOnlyTargets.put(Target.PGBOUNCER, pgbouncer.endpoint());
        relay.ifPresent(started -> selectOnlyTargets.put(Target.NETTY_RELAY, started.endpoint()));
        selectOnlyTargets.put(Target.MESHGATE, throughMeshgate);
        collected.measurements.addAll(new SelectOnlyScenario(runner, selectOnlyTargets, plan::selectOnlyRuns)
            .run(plan.selectOnlyModes(), plan.selectOnlyClients(), plan.selectOnlyDuration(), plan.warmup()));
      }
      if (plan.runs(Scenario.CONNECTION_STORM)) {
        collected.measurements.addAll(new ConnectionStormScenario(runner, targets)
            .run(plan.stormClients(), plan.stormDuration(), plan.warmup()));
      }
      if (plan.complete()) {
        measureIdleConnections(databases.postgres(), direct, throughMeshgate, meshgate, pgbouncer, collected);
      }

      meshgate.children().stream().filter(ProcessHandle::isAlive).findFirst().ifPresent(child ->
          collected.notes.add("Meshgate's managed OPA (a separate process, not in the figures) used "
              + ProcessMemory.residentKilobytes(child.pid()) / 1024 + " MB RSS at the end of the bench scenarios."));
      collected.notes.add("Meshgate wrote " + meshgate.auditBytes() / (1024 * 1024) + " MB of audit log (fsync on "
          + "every batch, its default) during the select-only, connection-storm and idle scenarios.");
    } finally {
      relay.ifPresent(started -> {
        keepOutput(started.directory().resolve("netty-relay.out"), raw.resolve("netty-relay.out"));
        started.close();
      });
      if (meshgate != null) {
        keepOutput(meshgate.directory().resolve("meshgate.out"), raw.resolve("meshgate-bench.out"));
        meshgate.close();
      }
      if (pgbouncer != null) {
        keepOutput(pgbouncer.directory().resolve("pgbouncer.log"), raw.resolve("pgbouncer.log"));
        pgbouncer.close();
      }
    }
  }

  /** The Netty relay in front of pgbench's database, in its own JVM started like Meshgate's. */
  private NettyRelayProcess startNettyRelay(Tools tools, Path work, Endpoint direct, Collected collected) {
    progress.step("starting the Netty relay (the floor of a Java proxy)");
    NettyRelayProcess relay = NettyRelayProcess.start(tools.java(), System.getProperty("java.class.path"),
        work.resolve("netty-relay"), direct);
    processorTimes.watch(Target.NETTY_RELAY, relay.processId());
    collected.settings.put("Netty relay", "java -cp <the runner's class path> " + NettyRelay.class.getName()
        + " <PostgreSQL's port>, with Meshgate's JVM options (the JVM's defaults); "
        + (plan.relayAtEveryRun() ? "every select-only run"
            : "select-only -M " + BenchmarkPlan.GOAL_MODE.flag() + " with " + BenchmarkPlan.GOAL_CLIENTS
                + " clients only (the goal's point; the quick plan stays quick)"));
    return relay;
  }

  /**
   * Direct first, PgBouncer last: PgBouncer keeps the server connections it opens for its idle
   * clients until it stops, and they would take PostgreSQL's connection slots from the others.
   */
  private void measureIdleConnections(LocalPostgres postgres, Endpoint direct, Endpoint throughMeshgate,
      MeshgateProcess meshgate, PgBouncerProcess pgbouncer, Collected collected) throws IOException {
    IdleConnectionsScenario scenario = new IdleConnectionsScenario(IDLE_STATEMENT, progress);
    long postmaster = postmasterProcessId(postgres);
    long meshgateProcess = meshgate.processId();
    long pgbouncerProcess = pgbouncer.processId();
    JavaHeap heap = JavaHeap.ofThisJdk();
    int connections = plan.idleConnections();
    // PgBouncer's pool keeps up to the most clients of the earlier runs open; those may stay.
    int remaining = plan.maximumClients() + 16;
    collected.idle.add(scenario.measure(Target.DIRECT, direct, connections, List.of(new MemoryProbe(
        "PostgreSQL backends (sum of Pss)", () -> ProcessMemory.childrenProportionalKilobytes(postmaster), false))));
    awaitBackendsGone(postgres, BenchDatabase.DATABASE, remaining);
    collected.idle.add(scenario.measure(Target.MESHGATE, throughMeshgate, connections, List.of(
        new MemoryProbe("Meshgate JVM (RSS)", () -> ProcessMemory.residentKilobytes(meshgateProcess), false),
        new MemoryProbe("Meshgate live heap (after full GC)", () -> heap.liveKilobytes(meshgateProcess), true))));
    awaitBackendsGone(postgres, BenchDatabase.DATABASE, remaining);
    collected.idle.add(scenario.measure(Target.PGBOUNCER, pgbouncer.endpoint(), connections, List.of(
        new MemoryProbe("PgBouncer (RSS)", () -> ProcessMemory.residentKilobytes(pgbouncerProcess), false))));
  }

  /** The governed workload: alice through a Meshgate serving the demo mesh, and natively. */
  private void runGovernedWorkload(Databases databases, Tools tools, PgbenchRunner runner, Path work, Path usersFile,
      Path policies, String alicePassword, GovernedWorkload workload, Path raw, Collected collected) {
    DemoBackend mesh = databases.mesh();
    progress.step("starting Meshgate for database " + mesh.database());
    try (MeshgateProcess meshgate = MeshgateProcess.start(new MeshgateProcess.Settings(tools.java(),
        tools.meshgateJar(), work.resolve("meshgate-mesh"), new Endpoint(mesh.host(), mesh.port(), mesh.database(),
        mesh.serviceUser(), mesh.servicePassword()), usersFile, policies, tools.opa()))) {
      watch(meshgate);
      try {
        GovernedWorkloadScenario governed = new GovernedWorkloadScenario(runner, workload, List.of(
            new GovernedWorkloadScenario.Participant(Target.NATIVE_RLS, databases.nativeRole(),
                NativeGovernance.SALES_VIEWS, NativeGovernance.CUSTOMERS_VIEWS),
            new GovernedWorkloadScenario.Participant(Target.MESHGATE, meshgate.endpoint(ALICE, alicePassword),
                "sales", "customers")), raw.resolve(Scenario.GOVERNED_WORKLOAD.slug()));
        EquivalenceCheck check = governed.checkEquivalence();
        collected.equivalence = Optional.of(check);
        progress.step("governed-workload: Meshgate and native RLS answer "
            + (check.identical() ? "identically (" + check.statements() + " statements)"
                : "DIFFERENTLY: " + check.differences()));
        collected.measurements.addAll(governed.run(plan.governedModes(), plan.governedClients(),
            plan.governedDuration(), plan.warmup()));
      } finally {
        keepOutput(meshgate.directory().resolve("meshgate.out"), raw.resolve("meshgate-mesh.out"));
      }
    }
  }

  /**
   * The policy decision benchmark, in this JVM: the decision cache (hits only), the REST engine
   * against a managed OPA without a cache, and the same REST engine against a plain OPA server
   * reached by URL, each at every thread count of the plan.
   */
  private void runDecisionLatency(DemoBackend mesh, Tools tools, Path policies, Path raw, Collected collected)
      throws IOException {
    progress.step("policy decision latency: decision cache, managed OPA, OPA server by URL");
    try (ManagedOpaProcess managed = ManagedOpaProcess.start(tools.opa(), policies, 0);
        OpaServerProcess server = OpaServerProcess.start(tools.opa(), policies, raw.resolve("opa-server.out"));
        JdbcSchemaCatalog catalog = new JdbcSchemaCatalog(new BackendEndpoint(mesh.host(), mesh.port(),
            mesh.database(), mesh.serviceUser(), mesh.servicePassword()), Duration.ofMinutes(10));
        OpaRestPolicyEngine local = new OpaRestPolicyEngine(OpaRestConfig.of(managed.baseUri()), managed::revision);
        OpaRestPolicyEngine remote = new OpaRestPolicyEngine(OpaRestConfig.of(server.baseUri()));
        CachingPolicyEngine cached = new CachingPolicyEngine(
            new OpaRestPolicyEngine(OpaRestConfig.of(managed.baseUri()), managed::revision), Duration.ofHours(1))) {
      DecisionLatencyScenario scenario = new DecisionLatencyScenario(DecisionInputs.demoMesh(catalog, mesh.database()));
      List<DecisionLatencyScenario.EngineUnderTest> engines = List.of(
          new DecisionLatencyScenario.EngineUnderTest(DecisionLatencyReport.CACHED, cached),
          new DecisionLatencyScenario.EngineUnderTest(DecisionLatencyReport.MANAGED, local),
          new DecisionLatencyScenario.EngineUnderTest(DecisionLatencyReport.REMOTE, remote));
      for (int threads : plan.decisionThreads()) {
        for (DecisionLatencyScenario.EngineUnderTest engine : engines) {
          DecisionLatency latency = scenario.measure(engine, threads, plan.warmup(), plan.decisionDuration());
          progress.step(String.format(Locale.ROOT, "decision latency: %s, %d threads: %.0f/s, p50 %.1f µs, p99 %.1f µs",
              engine.label(), threads, latency.decisionsPerSecond(), latency.p50Nanos() / 1e3,
              latency.p99Nanos() / 1e3));
          collected.decisions.add(latency);
        }
      }
      CacheStatistics statistics = cached.statistics();
      collected.notes.add(String.format(Locale.ROOT, "Decision benchmark: the decision cache answered %d of %d "
          + "lookups from memory; its %d misses were its first pass over the inputs.", statistics.hitCount(),
          statistics.requestCount(), statistics.missCount()));
    } catch (OpaStartException e) {
      throw new BenchmarkSetupException("cannot start OPA for the decision benchmark: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkSetupException("interrupted during the decision benchmark", e);
    }
  }

  private void watch(MeshgateProcess meshgate) {
    processorTimes.watch(Target.MESHGATE, meshgate.processId());
    recorder.ifPresent(flightRecorder -> flightRecorder.watch(meshgate));
  }

  private Path meshgateJar() {
    Path target = repositoryRoot.resolve("proxy/target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(file -> file.getFileName().toString().matches("meshgate-proxy-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst()
          .orElseThrow(() -> new BenchmarkSetupException("no meshgate-proxy jar in " + target
              + "; build first (load-tests/bin/run does)"));
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot list " + target + "; build first (load-tests/bin/run does)", e);
    }
  }

  private Path opaBinary() {
    try {
      return OpaBinary.locate(repositoryRoot);
    } catch (OpaStartException e) {
      throw new BenchmarkSetupException("cannot find the pinned OPA: " + e.getMessage(), e);
    }
  }

  private static String serverVersion(LocalPostgres postgres) {
    try (Connection connection = postgres.connectAsSuperuser("postgres");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT version()")) {
      result.next();
      return result.getString(1);
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /** The postmaster's process id: the first line of postmaster.pid. */
  private static long postmasterProcessId(LocalPostgres postgres) throws IOException {
    String first = Files.readAllLines(postgres.dataDirectory().resolve("postmaster.pid"), StandardCharsets.US_ASCII)
        .get(0).strip();
    return Long.parseLong(first);
  }

  /**
   * Waits until at most {@code allowed} sessions remain in {@code database}: PostgreSQL's
   * backends exit a moment after their clients left, and the next idle measurement needs their
   * connection slots.
   */
  private static void awaitBackendsGone(LocalPostgres postgres, String database, int allowed) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Connection connection = postgres.connectAsSuperuser("postgres");
        Statement statement = connection.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet result = statement.executeQuery(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'")) {
          result.next();
          if (result.getInt(1) <= allowed) {
            return;
          }
        }
        Thread.sleep(200);
      }
    } catch (SQLException e) {
      throw new BenchmarkSetupException("cannot count PostgreSQL's sessions: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkSetupException("interrupted while waiting for PostgreSQL's sessions to end", e);
    }
  }

  private static void writeUsers(Path file, Endpoint bench, String alicePassword) throws IOException {
    SecureRandom random = new SecureRandom();
    UsersFile.of(List.of(
            new UserEntry(bench.user(), ScramVerifier.create(bench.password(), random), List.of("benchmark"), Map.of()),
            new UserEntry(ALICE, ScramVerifier.create(alicePassword, random), List.of("analysts"),
                Map.of("region", NativeGovernance.REGION))))
        .save(file);
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String opaVersion(Path opa) {
    try {
      Process process = new ProcessBuilder(opa.toString(), "version").redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return output.lines().filter(line -> line.startsWith("Version:")).findFirst()
          .map(line -> line.substring("Version:".length()).strip()).orElse("unknown");
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String javaVersion() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
        + System.getProperty("java.vendor") + ")";
  }

  private static void keepOutput(Path source, Path destination) {
    try {
      if (Files.exists(source)) {
        Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // Only a log is lost; the measurements are not.
    }
  }
}
