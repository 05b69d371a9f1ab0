package io.meshgate.policy.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.meshgate.policy.Access;
import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.policy.opa.OpaRestConfig;
import io.meshgate.policy.opa.OpaRestPolicyEngine;
import io.meshgate.policy.opa.PolicyRevision;
import io.meshgate.policy.opa.TestRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live reload against a real OPA, on a copy of the repository's policies that the tests edit the
 * way a domain team would: in place, file by file.
 */
class PolicyReloaderIT {

  /** The promise measured by the tests that time a reload. */
  private static final Duration SERVED_WITHIN = Duration.ofSeconds(5);
  /** The default poll interval (1 s) and debounce (0.2 s), with room for a busy machine. */
  private static final Duration NOTICED_BY_POLLING_WITHIN = Duration.ofSeconds(3);
  /**
   * How long the other tests wait for a reload before failing: they check what is served, not
   * how fast, so a machine busy with other builds must not fail them.
   */
  private static final Duration AWAIT_AT_MOST = Duration.ofSeconds(60);
  private static final String OLD_REASON = "weather.stations_raw is restricted to the weather domain team";
  private static final String NEW_REASON = "weather.stations_raw is restricted to the weather domain team (ask in #weather)";

  private static final PolicyInput CAROL_READS_RAW_STATIONS =
      new PolicyInput(
          new Subject("carol", List.of("data_scientists"), Map.of()),
          new RequestContext("mesh", "127.0.0.1", "psql", "reload-it", Instant.parse("2026-11-21T10:15:00Z")),
          StatementKind.SELECT,
          List.of(
              new RelationAccess(
                  new RelationName("mesh", "weather", "stations_raw"),
                  Access.READ,
                  List.of("station_id", "zip_code", "observed_at", "temperature_c", "humidity", "raw_payload"),
                  List.of("station_id"))));

  @TempDir Path folder;

  private Path policies;
  private ManagedOpaProcess opa;
  private PolicyReloader reloader;
  private OpaRestPolicyEngine engine;
  private final List<PolicyRevisionChange> changes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startOpa() throws Exception {
    policies = TestRepository.copyPolicies(folder.resolve("policies"));
    opa = ManagedOpaProcess.start(TestRepository.opaBinary(), policies, 0);
  }

  @AfterEach
  void stop() {
    if (reloader != null) {
      reloader.close();
    }
    if (engine != null) {
      engine.close();
    }
    opa.close();
  }

  private void startReloader(boolean watch) {
    reloader = PolicyReloader.start(opa, PolicyReloadSettings.DEFAULTS, changes::add, watch);
    engine = new OpaRestPolicyEngine(OpaRestConfig.of(opa.baseUri()), reloader::revision);
  }

  @Test
  void aValidEditIsServedWithinFiveSecondsAndTheListenerHearsOfIt() throws Exception {
    startReloader(true);
    String original = reloader.revision();
    assertEquals(List.of(OLD_REASON), reasons());

    long written = System.nanoTime();
    renameTheReason(true);
    awaitDecision(List.of(NEW_REASON));
    Duration took = Duration.ofNanos(System.nanoTime() - written);

    assertTrue(took.compareTo(SERVED_WITHIN) < 0, "served after " + took);
    String edited = PolicyRevision.of(policies);
    // OPA serves the new policies a moment before it reports their revision.
    awaitTrue(() -> reloader.revision().equals(edited), "the revision follows the decisions");
    assertEquals(edited, engine.revision());
    awaitTrue(() -> changes.size() == 1, "the listener heard of the activation");
    PolicyRevisionChange change = changes.getFirst();
    assertEquals(original, change.previousRevision());
    assertEquals(edited, change.newRevision());
    PolicyReloadStatus status = reloader.status();
    assertEquals(1, status.activations());
    assertEquals(0, status.failures());
    assertTrue(status.upToDate(), status::toString);
    assertEquals(ReloadOutcome.ACTIVATED, status.lastAttempt().orElseThrow().outcome());
    assertTrue(status.lastError().isEmpty());
  }

  @Test
  void aSyntaxErrorKeepsTheOldDecisionAndIsReported() throws Exception {
    startReloader(true);
    String original = reloader.revision();
    Path policy = policies.resolve("weather/policy.rego");

    Files.writeString(policy, Files.readString(policy) + "\ngrants[table].read contains \"broken\" if {\n");
    String broken = PolicyRevision.of(policies);
    PolicyReloadStatus status = awaitError(broken);

    ReloadAttempt error = status.lastError().orElseThrow();
    assertEquals(ReloadOutcome.REJECTED, error.outcome());
    assertTrue(error.output().stream().anyMatch(line -> line.contains("rego_parse_error")), error.output()::toString);
    assertTrue(error.output().stream().anyMatch(line -> line.contains("weather/policy.rego")), error.output()::toString);
    assertTrue(error.output().size() <= PolicyReloader.REPORTED_OUTPUT_LINES);
    assertEquals(original, status.activeRevision());
    assertFalse(status.upToDate());
    assertEquals(1, status.failures());
    assertEquals(original, reloader.revision());
    assertEquals(List.of(OLD_REASON), reasons());
    assertTrue(changes.isEmpty(), changes::toString);
  }

  @Test
  void aFailingTestKeepsTheOldDecisionAndTheFixIsServed() throws Exception {
    startReloader(true);
    String original = reloader.revision();

    // The policy changes but its test still expects the old reason: opa test fails.
    renameTheReason(false);
    String untested = PolicyRevision.of(policies);
    PolicyReloadStatus rejected = awaitError(untested);

    assertEquals(ReloadOutcome.REJECTED, rejected.lastError().orElseThrow().outcome());
    assertTrue(
        rejected.lastError().orElseThrow().output().stream().anyMatch(line -> line.contains("FAIL")),
        rejected.lastError().orElseThrow().output()::toString);
    assertEquals(List.of(OLD_REASON), reasons());
    assertEquals(original, reloader.revision());

    // The fix: the tests learn the new reason.
    renameTheReasonInTheTests();
    awaitDecision(List.of(NEW_REASON));

    String fixed = PolicyRevision.of(policies);
    awaitTrue(() -> reloader.revision().equals(fixed), "the fix is active");
    awaitTrue(() -> changes.size() == 1, "one activation, one notification");
    assertEquals(new PolicyRevisionChange(original, fixed, changes.getFirst().activatedAt()), changes.getFirst());
    PolicyReloadStatus status = reloader.status();
    assertEquals(1, status.activations());
    assertEquals(1, status.failures());
    assertEquals(ReloadOutcome.ACTIVATED, status.lastAttempt().orElseThrow().outcome());
    assertEquals(untested, status.lastError().orElseThrow().revision().orElseThrow(), "the last error stays for the record");
    assertTrue(status.upToDate());
  }

  @Test
  void theListenerHearsOfEveryActivationOnce() throws Exception {
    startReloader(true);
    String first = reloader.revision();

    renameTheReason(true);
    String second = PolicyRevision.of(policies);
    awaitTrue(() -> reloader.revision().equals(second), "the edit is active");
    restoreTheReason();
    awaitTrue(() -> reloader.revision().equals(first), "the restored policies are active");
    assertEquals(List.of(OLD_REASON), reasons());

    awaitTrue(() -> changes.size() == 2, "two activations");
    assertEquals(List.of(first, second), changes.stream().map(PolicyRevisionChange::previousRevision).toList());
    assertEquals(List.of(second, first), changes.stream().map(PolicyRevisionChange::newRevision).toList());
    assertEquals(2, reloader.status().activations());
    Thread.sleep(1_500);
    assertEquals(2, changes.size(), "no further notifications without edits");
  }

  @Test
  void unformattedPoliciesAreActivatedWithAWarning() throws Exception {
    startReloader(true);
    Path policy = policies.resolve("weather/policy.rego");

    // Valid Rego, but opa fmt would write `x := 1` with spaces.
    Files.writeString(policy, Files.readString(policy) + "\nunused_constant:=1\n");
    String unformatted = PolicyRevision.of(policies);
    awaitTrue(() -> reloader.revision().equals(unformatted), "activated despite formatting");

    ReloadAttempt attempt = reloader.status().lastAttempt().orElseThrow();
    assertEquals(ReloadOutcome.ACTIVATED, attempt.outcome());
    assertEquals(1, attempt.output().size(), attempt.output()::toString);
    assertTrue(attempt.output().getFirst().contains("weather/policy.rego is not formatted"), attempt.output()::toString);
  }

  @Test
  void pollingAloneNoticesAnEdit() throws Exception {
    startReloader(false);

    Instant written = Instant.now();
    renameTheReason(true);
    awaitDecision(List.of(NEW_REASON));

    // What polling decides is when the attempt starts (one poll interval, then the debounce);
    // how long the checks then take is the watcher test's five seconds, and on a loaded machine
    // the checks alone have taken more than three.
    // OPA serves the new policies a moment before the reloader records its attempt.
    String edited = PolicyRevision.of(policies);
    awaitTrue(() -> reloader.status().lastAttempt()
        .filter(attempt -> attempt.revision().equals(Optional.of(edited)))
        .isPresent(), "the attempt is recorded");
    ReloadAttempt attempt = reloader.status().lastAttempt().orElseThrow();
    assertEquals(ReloadOutcome.ACTIVATED, attempt.outcome(), attempt::message);
    Duration noticed = Duration.between(written, attempt.time().minus(attempt.duration()));
    assertTrue(noticed.compareTo(NOTICED_BY_POLLING_WITHIN) < 0, "noticed after " + noticed);
  }

  @Test
  void aNewDomainFolderIsWatchedAndServed() throws Exception {
    startReloader(true);

    Path domain = policies.resolve("shipping");
    Files.createDirectories(domain);
    Files.writeString(
        domain.resolve("data.json"),
        "{\"owners\": [\"shipping_team\"], \"products\": {\"parcels\": {\"description\": \"Parcels.\", \"columns\": {\"parcel_id\": {\"description\": \"Id.\"}}}}}\n");
    Files.writeString(domain.resolve("policy_test.rego"), "package meshgate.domains.shipping_test\n\ntest_nothing if true\n");
    Files.writeString(
        domain.resolve("policy.rego"),
        """
        package meshgate.domains.shipping

        import data.meshgate.lib

        metadata := data.shipping

        grants.parcels.read contains "shipping.everyone" if lib.authenticated
        """);

    String withShipping = PolicyRevision.of(policies);
    awaitTrue(() -> reloader.revision().equals(withShipping), "the new domain is served");
    Decision decision =
        engine.decide(
            new PolicyInput(
                CAROL_READS_RAW_STATIONS.subject(),
                CAROL_READS_RAW_STATIONS.context(),
                StatementKind.SELECT,
                List.of(
                    new RelationAccess(
                        new RelationName("mesh", "shipping", "parcels"), Access.READ, List.of("parcel_id"), List.of("parcel_id")))));
    assertTrue(decision.allow(), decision::toString);
  }

  @Test
  void reloadNowActivatesWithoutWaitingAndReportsNothingNewTwice() throws Exception {
    startReloader(false);
    String original = reloader.revision();
    renameTheReason(true);

    PolicyReloadStatus status = reloader.reloadNow();

    assertNotEquals(original, status.activeRevision());
    assertEquals(List.of(NEW_REASON), reasons());
    PolicyReloadStatus again = reloader.reloadNow();
    assertEquals(1, again.activations(), "the same content is not activated twice");
    assertEquals(1, changes.size());
  }

  @Test
  void aFailureThatIsNotThePoliciesFaultKeepsTheOldRevisionAndIsRetried() throws Exception {
    // Checks that cannot finish in a millisecond: Meshgate's problem, not the policies'.
    PolicyReloadSettings impatient =
        new PolicyReloadSettings(
            Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(1), Duration.ofMillis(300));
    reloader = PolicyReloader.start(opa, impatient, changes::add, true);
    engine = new OpaRestPolicyEngine(OpaRestConfig.of(opa.baseUri()), reloader::revision);
    String original = reloader.revision();

    renameTheReason(true);
    String edited = PolicyRevision.of(policies);
    PolicyReloadStatus failed = awaitError(edited);

    assertEquals(ReloadOutcome.FAILED, failed.lastError().orElseThrow().outcome());
    awaitTrue(() -> reloader.status().failures() >= 2, "the same content is tried again after a pause");
    assertEquals(original, reloader.revision());
    assertEquals(List.of(OLD_REASON), reasons());
    assertTrue(changes.isEmpty());
  }

  // --- edits --------------------------------------------------------------------------------

  private static final List<String> TESTS_OF_THE_REASON = List.of("weather/policy_test.rego", "global/decision_test.rego");

  /** Changes the reason of the stations_raw denial; with {@code withTests} the tests follow. */
  private void renameTheReason(boolean withTests) throws IOException {
    replace("weather/policy.rego", OLD_REASON, NEW_REASON);
    if (withTests) {
      renameTheReasonInTheTests();
    }
  }

  private void renameTheReasonInTheTests() throws IOException {
    for (String test : TESTS_OF_THE_REASON) {
      replace(test, OLD_REASON, NEW_REASON);
    }
  }

  private void restoreTheReason() throws IOException {
    replace("weather/policy.rego", NEW_REASON, OLD_REASON);
    for (String test : TESTS_OF_THE_REASON) {
      replace(test, NEW_REASON, OLD_REASON);
    }
  }

  /** Replaces a quoted reason, so that the old reason is not found inside the new one. */
  private void replace(String file, String from, String to) throws IOException {
    Path path = policies.resolve(file);
    String text = Files.readString(path);
    String quoted = "\"" + from + "\"";
    assertTrue(text.contains(quoted), () -> file + " does not contain " + quoted);
    Files.writeString(path, text.replace(quoted, "\"" + to + "\""));
  }

  // --- observations ---------------------------------------------------------------------------

  private List<String> reasons() throws PolicyEngineException {
    Decision decision = engine.decide(CAROL_READS_RAW_STATIONS);
    assertFalse(decision.allow(), decision::toString);
    return decision.denyReasons();
  }

  private void awaitDecision(List<String> expectedReasons) throws Exception {
    long deadline = System.nanoTime() + AWAIT_AT_MOST.toNanos();
    List<String> seen = reasons();
    while (!seen.equals(expectedReasons)) {
      if (System.nanoTime() > deadline) {
        fail("within " + AWAIT_AT_MOST + " the decision still says " + seen + "; reload status: " + reloader.status());
      }
      Thread.sleep(25);
      seen = reasons();
    }
  }

  private PolicyReloadStatus awaitError(String revision) throws InterruptedException {
    awaitTrue(
        () -> reloader.status().lastError().flatMap(ReloadAttempt::revision).filter(revision::equals).isPresent(),
        "an error is reported for revision " + revision);
    return reloader.status();
  }

  private void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + AWAIT_AT_MOST.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + AWAIT_AT_MOST + ": " + what + "; reload status: " + reloader.status());
      }
      Thread.sleep(25);
    }
  }
}
