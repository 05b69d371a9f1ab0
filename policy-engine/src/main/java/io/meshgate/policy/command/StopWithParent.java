package io.meshgate.policy.command;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Wraps the command of a long-running child (the managed OPA, the demo's PostgreSQL) so that it
 * stops when the JVM that started it dies, even by SIGKILL, when no shutdown hook runs.
 *
 * <p>The wrapper is a POSIX shell that forks a watcher and then execs the command in its own
 * place, so the child the JVM holds is the command itself (its pid, its exit code, its signals).
 * The watcher's standard input is the pipe from the JVM, which the JVM never writes to: it reads
 * end of file only once the JVM has closed it, by exiting or dying. It then signals the command,
 * and after ten seconds kills it, but only while the command is still its parent (it reads its
 * parent from {@code /proc/self/stat}): once the command has exited, the watcher has been
 * reparented and its pid may belong to someone else, so it signals nothing. Without
 * {@code /proc} (not Linux) the watcher does nothing.
 *
 * <p>Given a directory to remove, the watcher deletes it once the command has exited, but only
 * if the JVM has died too (its pid is gone from {@code /proc} or is a zombie): a temporary
 * PostgreSQL data directory whose JVM was killed would otherwise stay behind, while a JVM that
 * is alive deletes it itself, or may start the command again on the same directory.
 *
 * <p>The caller must start the process with {@link ProcessBuilder.Redirect#PIPE} for standard
 * input and leave that stream open for the life of the process; closing it stops the child.
 * The command itself reads {@code /dev/null}.
 */
public final class StopWithParent {
  /** {@code TERM} for OPA; {@code INT} for PostgreSQL, whose fast shutdown it is. */
  private static final Set<String> SIGNALS = Set.of("TERM", "INT");

  // A background list's standard input is /dev/null unless redirected explicitly: fd 3 carries
  // the JVM's pipe to the watcher. The directory to remove comes as the first argument, never
  // as script text, so no name can change the script. A JVM's command name has no spaces, so
  // the third field of its stat line is its state.
  private static final String WATCH_THEN_EXEC = """
      jvm=$PPID
      remove=$1
      shift
      exec 3<&0
      (
        while read -r _; do :; done
        tries=0
        while read -r _ _ _ parent _ < /proc/self/stat && [ "$parent" = "$$" ]; do
          if [ "$tries" -eq 0 ]; then kill -%1$s "$$"; elif [ "$tries" -ge 20 ]; then kill -KILL "$$"; fi
          tries=$((tries + 1))
          sleep 0.5
        done
        if [ -n "$remove" ] && [ -d /proc/self ]; then
          state=Z
          read -r _ _ state _ < "/proc/$jvm/stat" 2>/dev/null
          if [ "$state" = Z ]; then rm -rf -- "$remove"; fi
        fi
      ) <&3 >/dev/null 2>&1 &
      exec "$@" </dev/null 3<&-
      """;

  private StopWithParent() {}

  /** {@code command} wrapped; {@code signal} ({@code TERM} or {@code INT}) asks it to stop. */
  public static List<String> wrap(List<String> command, String signal) {
    return wrap(command, signal, Optional.empty());
  }

  /**
   * {@code command} wrapped as by {@link #wrap(List, String)}; if the JVM dies, {@code
   * removeAfterwards} is deleted, with everything in it, once the command has exited.
   */
  public static List<String> wrap(List<String> command, String signal, Optional<Path> removeAfterwards) {
    requireNonNull(command, "command is null");
    requireNonNull(removeAfterwards, "removeAfterwards is null");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    if (!SIGNALS.contains(signal)) {
      throw new IllegalArgumentException("signal must be one of " + SIGNALS + ": " + signal);
    }
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", WATCH_THEN_EXEC.formatted(signal),
        "meshgate-stop-with-parent", removeAfterwards.map(path -> path.toAbsolutePath().toString()).orElse("")));
    wrapped.addAll(command);
    return List.copyOf(wrapped);
  }
}
