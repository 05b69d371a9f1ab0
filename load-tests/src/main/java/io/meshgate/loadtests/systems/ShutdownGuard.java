package io.meshgate.loadtests.systems;

import java.util.List;

/**
 * Kills a child process (and the processes it started) if this JVM exits while the child still
 * runs, for example on Ctrl-C: a benchmark interrupted halfway must not leave a PgBouncer or a
 * Meshgate and its OPA listening. {@link #release()} once the child was stopped the normal way.
 */
final class ShutdownGuard {
  private final Thread hook;

  private ShutdownGuard(Thread hook) {
    this.hook = hook;
  }

  static ShutdownGuard forProcess(Process process, String name) {
    Thread hook = new Thread(() -> {
      List<ProcessHandle> descendants = process.descendants().toList();
      process.destroy();
      descendants.forEach(ProcessHandle::destroy);
    }, "meshgate-load-tests-stop-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
    return new ShutdownGuard(hook);
  }

  void release() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs anyway, and the child is already stopped.
    }
  }
}
