package io.meshgate.policy.opa;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ManagedOpaProcessIT}: starts OPA, prints its pid and exits without
 * closing it, so that only the shutdown hook can stop it.
 */
final class ShutdownHookChild {

  private ShutdownHookChild() {}

  public static void main(String[] arguments) throws Exception {
    ManagedOpaProcess opa = ManagedOpaProcess.start(Path.of(arguments[0]), Path.of(arguments[1]), 0);
    System.out.println("pid=" + opa.pid().orElseThrow());
    System.out.flush();
    System.exit(0);
  }
}
