package io.meshgate.proxy.clients;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the real clients of the matrix are, as {@code proxy/bin/ensure-test-clients} reports
 * them. The tests never look on PATH: the script pins the versions and installs what is missing,
 * so every machine runs the same clients.
 */
record TestClients(Path psql, Path pgbench, Path python, Path node, Path nodeModules, Path rustClient, Path goClient) {
  // One line of the script's output: export NAME='value', where a ' in the value is written '\''.
  private static final Pattern ASSIGNMENT = Pattern.compile("export (MESHGATE_TEST_[A-Z_]+)='((?:[^']|'\\\\'')*)'");

  // The first run installs a virtualenv and node_modules (and, as root, Debian packages) and
  // builds the Rust and Go clients.
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(10);

  TestClients {
    requireNonNull(psql, "psql is null");
    requireNonNull(pgbench, "pgbench is null");
    requireNonNull(python, "python is null");
    requireNonNull(node, "node is null");
    requireNonNull(nodeModules, "nodeModules is null");
    requireNonNull(rustClient, "rustClient is null");
    requireNonNull(goClient, "goClient is null");
  }

  /** Runs the setup script of the checkout at {@code repositoryRoot} and reads its answer. */
  static TestClients ensure(Path repositoryRoot, Path workDirectory) throws IOException {
    Path script = repositoryRoot.resolve("proxy/bin/ensure-test-clients");
    ClientRun run = ClientRun.start(List.of(script.toString()), Map.of(), workDirectory, SETUP_TIMEOUT);
    if (run.exitCode() != 0) {
      throw new IllegalStateException("proxy/bin/ensure-test-clients failed; " + run.describe());
    }
    return parse(run.stdout());
  }

  static TestClients parse(String assignments) {
    Map<String, Path> paths = new HashMap<>();
    for (String line : assignments.lines().toList()) {
      Matcher matcher = ASSIGNMENT.matcher(line.strip());
      if (matcher.matches()) {
        paths.put(matcher.group(1), Path.of(matcher.group(2).replace("'\\''", "'")));
      }
    }
    TestClients clients = new TestClients(
        required(paths, "MESHGATE_TEST_PSQL", assignments),
        required(paths, "MESHGATE_TEST_PGBENCH", assignments),
        required(paths, "MESHGATE_TEST_PYTHON", assignments),
        required(paths, "MESHGATE_TEST_NODE", assignments),
        required(paths, "MESHGATE_TEST_NODE_PATH", assignments),
        required(paths, "MESHGATE_TEST_RUST_CLIENT", assignments),
        required(paths, "MESHGATE_TEST_GO_CLIENT", assignments));
    for (Path program : List.of(clients.psql(), clients.pgbench(), clients.python(), clients.node(),
        clients.rustClient(), clients.goClient())) {
      if (!Files.isExecutable(program)) {
        throw new IllegalStateException("ensure-test-clients reported " + program + ", which is not an executable file");
      }
    }
    return clients;
  }

  private static Path required(Map<String, Path> paths, String name, String assignments) {
    Path path = paths.get(name);
    if (path == null) {
      throw new IllegalStateException("ensure-test-clients printed no " + name + ":\n" + assignments);
    }
    return path;
  }
}
