package io.meshgate.policy.reload;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.policy.opa.PolicyActivationException;
import io.meshgate.policy.opa.PolicyBundle;
import io.meshgate.policy.opa.PolicyBundleException;
import io.meshgate.policy.opa.PolicyRevision;
import io.meshgate.policy.opa.PolicySnapshot;
import io.meshgate.policy.tools.PolicyToolResult;
import io.meshgate.policy.tools.PolicyTools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ManagedOpaProcess} serving the policies folder as domain teams edit it, without
 * ever serving an edit that fails their checks.
 *
 * <p>How a change travels: a file system notification (every folder of the tree is watched) or,
 * should notifications miss it, a poll every second that compares {@link PolicyRevision}s, marks
 * the folder changed; once it has been quiet for the debounce time (200 ms; at most 2 s after
 * the first change of a burst) the folder is copied into a {@link PolicySnapshot}. A copy that
 * differs from the folder read right after it was caught mid-edit and is taken again after the
 * next quiet period. The copy then goes through {@link PolicyTools#checkBeforeActivation} ({@code
 * opa check --strict}, layout, {@code opa test}; unformatted files are only warnings), is built
 * into a bundle, and {@link ManagedOpaProcess#activate activated}: OPA switches atomically, keeps
 * answering while it does, and {@link #revision()} changes only once OPA reports the new revision.
 * Then the listener hears of the change. With the demo policies an edit is served about one
 * second after it is saved (the checks take most of it); the tests hold it to five.
 *
 * <p>When the checks fail, OPA keeps the last good revision, the failure is logged with the first
 * {@value #REPORTED_OUTPUT_LINES} lines of the checks' output and kept in {@link #status()}, and
 * the same content is not checked again: the next edit is. Failures that are not the policies'
 * fault (a tool that cannot run, OPA not taking the bundle) are retried after a pause.
 *
 * <p>All work happens on one background thread, so attempts never overlap; the listener runs on it
 * too and must not block for long. Nothing here touches client connections.
 *
 * <p>Limitations: an editor that stops halfway through writing a file for longer than the debounce
 * time leaves a half file that is checked like any other; it is served only if it still compiles
 * and passes every test (a truncated file rarely does). Folders created after start are watched
 * once their creation is seen; if the policies folder itself is replaced, only the poll notices.
 */
public final class PolicyReloader implements AutoCloseable {

  /** Lines of the checks' or OPA's output kept with a failure. */
  public static final int REPORTED_OUTPUT_LINES = 40;

  private static final Logger LOG = LoggerFactory.getLogger(PolicyReloader.class);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
  /** The longest pause between retries of a failure that does not go away (no bash, say). */
  private static final Duration MAXIMUM_RETRY_PAUSE = Duration.ofMinutes(5);

  private final ManagedOpaProcess opa;
  private final Path policiesDirectory;
  private final PolicyReloadSettings settings;
  private final Consumer<PolicyRevisionChange> listener;
  private final Clock clock;
  private final ScheduledExecutorService worker;
  private volatile DirectoryWatcher watcher;
  private volatile PolicyReloadStatus status;

  // Confined to the worker thread.
  private Optional<String> folderRevision;
  private ScheduledFuture<?> pendingReload;
  private long burstStartNanos;
  private long retryNotBeforeNanos;
  private boolean folderUnreadableLogged;
  private boolean readFailedBefore;
  private int failedInARow;
  private Optional<String> failedRevision = Optional.empty();

  private PolicyReloader(
      ManagedOpaProcess opa, PolicyReloadSettings settings, Consumer<PolicyRevisionChange> listener, Clock clock) {
    this.opa = opa;
    this.policiesDirectory = opa.policiesDirectory();
    this.settings = settings;
    this.listener = listener;
    this.clock = clock;
    String active = opa.revision();
    // OPA was started from this folder, so it holds the active revision unless it changed since:
    // then the first poll sees a difference and reloads.
    this.folderRevision = Optional.of(active);
    this.status = new PolicyReloadStatus(active, folderRevision, Optional.empty(), Optional.empty(), 0, 0);
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            task -> Thread.ofPlatform().daemon().name("policy-reload").unstarted(task));
  }

  /** {@link #start(ManagedOpaProcess, PolicyReloadSettings, Consumer)} with the default timing. */
  public static PolicyReloader start(ManagedOpaProcess opa, Consumer<PolicyRevisionChange> listener) {
    return start(opa, PolicyReloadSettings.DEFAULTS, listener);
  }

  /**
   * Starts watching the folder {@code opa} was created for.
   *
   * @param opa a started managed OPA; the reloader does not stop or close it
   * @param listener hears of every revision OPA activates, once per activation, on the reloader's
   *     thread; an exception it throws is logged and ignored
   * @throws IllegalStateException if {@code opa} has not been started
   */
  public static PolicyReloader start(
      ManagedOpaProcess opa, PolicyReloadSettings settings, Consumer<PolicyRevisionChange> listener) {
    return start(opa, settings, listener, true);
  }

  /** With {@code watch} false, only the poll notices changes: how tests exercise the fallback. */
  static PolicyReloader start(
      ManagedOpaProcess opa, PolicyReloadSettings settings, Consumer<PolicyRevisionChange> listener, boolean watch) {
    requireNonNull(opa, "opa is null");
    requireNonNull(settings, "settings is null");
    requireNonNull(listener, "listener is null");
    PolicyReloader reloader = new PolicyReloader(opa, settings, listener, Clock.systemUTC());
    reloader.startWatching(watch);
    return reloader;
  }

  /** The revision OPA serves; cheap, so it can back a policy engine's {@code revision()}. */
  public String revision() {
    return opa.revision();
  }

  /** Where reload stands: the active revision, the last attempt and error, counters. */
  public PolicyReloadStatus status() {
    PolicyReloadStatus current = status;
    String active = opa.revision();
    return active.equals(current.activeRevision())
        ? current
        : new PolicyReloadStatus(
            active, current.folderRevision(), current.lastAttempt(), current.lastError(), current.activations(), current.failures());
  }

  /**
   * Reads the folder now, without waiting for a notification or the debounce time, and activates
   * it if it changed and passes the checks, even if the same content failed before (e.g. after
   * fixing what made OPA fail). Waits for the attempt.
   *
   * @return the status after the attempt
   */
  public PolicyReloadStatus reloadNow() throws InterruptedException {
    Future<?> attempt = worker.submit(() -> reload(true));
    try {
      attempt.get();
    } catch (ExecutionException e) {
      // reload() catches everything; this would be a bug in it.
      throw new IllegalStateException("policy reload failed unexpectedly", e.getCause());
    }
    return status();
  }

  /** Stops watching; OPA keeps serving the active revision. */
  @Override
  public void close() {
    DirectoryWatcher current = watcher;
    if (current != null) {
      current.close();
    }
    worker.shutdownNow();
    try {
      if (!worker.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("policy reload did not stop within {} s", CLOSE_GRACE.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void startWatching(boolean watch) {
    if (watch) {
      try {
        watcher = DirectoryWatcher.start(policiesDirectory, () -> submit(this::changeNoticed));
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "cannot watch {} for changes ({}); edits are noticed by polling every {} ms",
            policiesDirectory,
            e.toString(),
            settings.pollInterval().toMillis());
      }
    }
    worker.scheduleWithFixedDelay(
        this::poll, settings.pollInterval().toNanos(), settings.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
    LOG.info("watching {} for policy changes (active revision {})", policiesDirectory, opa.revision());
  }

  private void submit(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      // Closed: nothing to do any more.
    }
  }

  /** The fallback for missed notifications: a cheap hash of the folder against the last read. */
  private void poll() {
    try {
      String current = PolicyRevision.of(policiesDirectory);
      folderUnreadableLogged = false;
      boolean changed = !folderRevision.equals(Optional.of(current));
      // Content that failed for a reason other than the policies waits for its retry; an edit
      // does not.
      boolean waitingForRetry =
          failedRevision.equals(Optional.of(current)) && System.nanoTime() < retryNotBeforeNanos;
      if (changed && !waitingForRetry) {
        changeNoticed();
      }
    } catch (IOException e) {
      if (!folderUnreadableLogged) {
        folderUnreadableLogged = true;
        LOG.warn("cannot read policies folder {}: {}; OPA keeps serving revision {}", policiesDirectory, e.getMessage(), opa.revision());
      }
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: keep polling whatever happened.
      LOG.error("policy folder poll failed", e);
    }
  }

  /** Starts or extends the quiet period after which the folder is read. */
  private void changeNoticed() {
    long now = System.nanoTime();
    if (pendingReload == null || pendingReload.isDone()) {
      burstStartNanos = now;
    } else {
      pendingReload.cancel(false);
    }
    long untilMaximum = burstStartNanos + settings.maximumDelay().toNanos() - now;
    long delay = Math.max(0, Math.min(settings.debounce().toNanos(), untilMaximum));
    pendingReload = worker.schedule(() -> reload(false), delay, TimeUnit.NANOSECONDS);
  }

  private void reload(boolean forced) {
    pendingReload = null;
    long started = System.nanoTime();
    try {
      attempt(forced, started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("policy reload failed unexpectedly", e);
      record(failure(Optional.empty(), started, ReloadOutcome.FAILED, "reload failed unexpectedly: " + e, List.of()));
    }
  }

  private void attempt(boolean forced, long started) throws InterruptedException {
    String before;
    try {
      before = PolicyRevision.of(policiesDirectory);
    } catch (IOException e) {
      folderUnreadable(started, e);
      return;
    }
    if (!forced && folderRevision.equals(Optional.of(before))) {
      // Notifications for files that are not policies (editor swap files, build output).
      readFailedBefore = false;
      return;
    }
    try (PolicySnapshot snapshot = snapshotWhenSettled(before)) {
      if (snapshot == null) {
        return;
      }
      readFailedBefore = false;
      String revision = snapshot.revision();
      folderRevision = Optional.of(revision);
      // Published before the checks and the activation, which take a while: until the outcome
      // is recorded the status says an edit is waiting (not up to date), as it is, even while
      // OPA already serves the new bundle a moment before the activation is recorded.
      publishFolderRevision();
      if (revision.equals(opa.revision())) {
        // Back to what OPA serves (an edit undone, a file touched): nothing to activate.
        return;
      }
      activate(snapshot, started);
    } catch (IOException e) {
      folderUnreadable(started, e);
    }
  }

  /**
   * A file that disappears between listing and reading is usually an editor saving by rename, so
   * the first failure only waits for the folder to settle; a second one in a row is reported.
   */
  private void folderUnreadable(long started, IOException error) {
    if (!readFailedBefore) {
      readFailedBefore = true;
      changeNoticed();
      return;
    }
    readFailedBefore = false;
    folderRevision = Optional.empty();
    record(failure(Optional.empty(), started, ReloadOutcome.FAILED, "cannot read the policies folder: " + error.getMessage(), List.of()));
  }

  /**
   * A snapshot of the folder that matches the folder as read right after copying, or null if the
   * folder changed meanwhile (then another quiet period is waited for).
   */
  private PolicySnapshot snapshotWhenSettled(String before) throws IOException {
    PolicySnapshot snapshot;
    try {
      snapshot = PolicySnapshot.copy(policiesDirectory);
    } catch (IOException e) {
      // A file that vanished between listing and copying (an editor's save by rename) is an edit
      // in progress: wait for the folder to settle. Otherwise the caller reports it.
      if (!before.equals(PolicyRevision.of(policiesDirectory))) {
        changeNoticed();
        return null;
      }
      throw e;
    }
    String after = PolicyRevision.of(policiesDirectory);
    if (!snapshot.revision().equals(after) || !before.equals(after)) {
      snapshot.close();
      LOG.debug("policies folder changed while it was copied; waiting for it to settle");
      changeNoticed();
      return null;
    }
    return snapshot;
  }

  private void activate(PolicySnapshot snapshot, long started) throws InterruptedException {
    String revision = snapshot.revision();
    Optional<String> tried = Optional.of(revision);
    PolicyToolResult checks;
    try {
      checks = PolicyTools.checkBeforeActivation(snapshot.directory(), opa.opaBinary(), settings.checkTimeout());
    } catch (IOException e) {
      record(failure(tried, started, ReloadOutcome.FAILED, e.getMessage(), List.of()));
      return;
    }
    if (!checks.success()) {
      // Exit code 1 is a failed check; anything else is the tooling (usage, OPA missing, time).
      ReloadOutcome outcome = checks.exitCode() == 1 ? ReloadOutcome.REJECTED : ReloadOutcome.FAILED;
      String problem =
          switch (checks.exitCode()) {
            case 1 -> "policies/check failed";
            case -1 -> "policies/check did not finish within " + settings.checkTimeout().toMillis() + " ms";
            default -> "policies/check could not run (exit code " + checks.exitCode() + ")";
          };
      record(
          failure(
              tried,
              started,
              outcome,
              problem + ", so revision " + revision + " was not activated",
              checks.firstLines(REPORTED_OUTPUT_LINES)));
      return;
    }
    PolicyBundle bundle;
    try {
      bundle = PolicyBundle.build(opa.opaBinary(), snapshot, settings.checkTimeout());
    } catch (PolicyBundleException e) {
      record(failure(tried, started, ReloadOutcome.FAILED, e.getMessage(), firstLines(e.output())));
      return;
    }
    String previous = opa.revision();
    try {
      opa.activate(bundle);
    } catch (PolicyActivationException e) {
      record(failure(tried, started, ReloadOutcome.FAILED, e.getMessage(), List.of()));
      return;
    }
    Instant now = clock.instant();
    String message =
        checks.warnings().isEmpty()
            ? "revision " + revision + " activated (was " + previous + ")"
            : "revision " + revision + " activated (was " + previous + ") with " + checks.warnings().size() + " warning(s)";
    ReloadAttempt attempt =
        new ReloadAttempt(tried, now, elapsedSince(started), ReloadOutcome.ACTIVATED, message, firstLines(checks.warnings()));
    record(attempt);
    if (!previous.equals(revision)) {
      notifyListener(new PolicyRevisionChange(previous, revision, now));
    }
  }

  private ReloadAttempt failure(
      Optional<String> revision, long started, ReloadOutcome outcome, String message, List<String> output) {
    return new ReloadAttempt(revision, clock.instant(), elapsedSince(started), outcome, message, output);
  }

  private void record(ReloadAttempt attempt) {
    switch (attempt.outcome()) {
      case ACTIVATED -> {
        retryNotBeforeNanos = 0;
        failedInARow = 0;
      }
      // The policies' fault: checked again when the folder changes, not before.
      case REJECTED -> failedInARow = 0;
      case FAILED -> {
        // Not the policies' fault: read the folder again after a pause, even if it stays as is;
        // the pause doubles while the failure persists, so a missing tool does not flood the log.
        folderRevision = Optional.empty();
        failedRevision = attempt.revision();
        failedInARow = Math.min(failedInARow + 1, 20);
        Duration pause = settings.retryPause().multipliedBy(1L << (failedInARow - 1));
        if (pause.compareTo(MAXIMUM_RETRY_PAUSE) > 0) {
          pause = MAXIMUM_RETRY_PAUSE;
        }
        retryNotBeforeNanos = System.nanoTime() + pause.toNanos();
      }
    }
    PolicyReloadStatus current = status;
    boolean success = attempt.outcome().isSuccess();
    status =
        new PolicyReloadStatus(
            opa.revision(),
            folderRevision,
            Optional.of(attempt),
            success ? current.lastError() : Optional.of(attempt),
            current.activations() + (success ? 1 : 0),
            current.failures() + (success ? 0 : 1));
    if (success) {
      LOG.info("policy reload: {} in {} ms", attempt.message(), attempt.duration().toMillis());
      attempt.output().forEach(line -> LOG.warn("policy reload: {}", line));
    } else {
      LOG.warn(
          "policy reload: {}; OPA keeps serving revision {}{}",
          attempt.message(),
          opa.revision(),
          attempt.output().isEmpty() ? "" : ":\n  " + String.join("\n  ", attempt.output()));
    }
  }

  private void publishFolderRevision() {
    PolicyReloadStatus current = status;
    status =
        new PolicyReloadStatus(
            opa.revision(), folderRevision, current.lastAttempt(), current.lastError(), current.activations(), current.failures());
  }

  private void notifyListener(PolicyRevisionChange change) {
    try {
      listener.accept(change);
    } catch (RuntimeException e) {
      LOG.error("policy revision listener failed for {}", change, e);
    }
  }

  private static List<String> firstLines(List<String> lines) {
    return lines.subList(0, Math.min(REPORTED_OUTPUT_LINES, lines.size()));
  }

  private static Duration elapsedSince(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
