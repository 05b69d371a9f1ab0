package io.meshgate.proxy.cli;

import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code meshgate demo}: the demo data mesh on 127.0.0.1:7432 until Ctrl-C. */
final class DemoCommand {
  private DemoCommand() {}

  static int run(List<String> args, PrintStream out) throws Exception {
    MeshgateCommand.requireKnown(args, "--port", "--metrics-port");
    int port = parsePort(MeshgateCommand.option(args, "--port"), 7432);
    int metricsPort = parsePort(MeshgateCommand.option(args, "--metrics-port"), 9464);
    Path root = RepositoryRoot.find().orElseThrow(() -> new MeshgateCommand.UsageException(
        "run the demo from a Meshgate checkout (proxy/bin/meshgate demo): it serves the checkout's policies/"));
    Path work = Files.createTempDirectory("meshgate-demo-");
    out.println("Starting PostgreSQL with the demo data mesh, OPA and Meshgate (work directory " + work + ") ...");
    DemoEnvironment demo = DemoEnvironment.start(new DemoEnvironment.Settings(
        root, work, port, Optional.of(metricsPort), Duration.ofSeconds(5)));
    printWelcome(out, demo);
    ServeCommand.awaitShutdown(() -> {
      out.println("Stopping Meshgate, OPA and PostgreSQL ...");
      demo.close();
    });
    return 0;
  }

  private static void printWelcome(PrintStream out, DemoEnvironment demo) {
    int port = demo.meshgate().port();
    String database = demo.backend().database();
    out.println();
    out.println("Meshgate is running on 127.0.0.1:" + port + " in front of the demo data mesh (database " + database + ").");
    out.println("Users (password = user name):");
    for (DemoEnvironment.DemoUser user : DemoEnvironment.USERS) {
      out.println();
      out.println("  " + user.name() + " — " + user.role());
      out.println("    psql:  PGPASSWORD=" + user.password() + " psql \"postgresql://" + user.name() + "@127.0.0.1:" + port
          + "/" + database + "?sslmode=verify-full&sslrootcert=" + demo.caCertificate() + "\"");
      out.println("    JDBC:  jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + user.name()
          + "&password=" + user.password() + "&sslmode=verify-full&sslrootcert=" + demo.caCertificate());
    }
    out.println();
    out.println("Try, as alice:  SELECT region, count(*) FROM sales.store_transactions GROUP BY region;");
    out.println("                SELECT name, email, phone FROM customers.customers LIMIT 5;");
    out.println("                SELECT * FROM weather.stations_raw LIMIT 1;   -- denied");
    out.println();
    out.println("Operator (backend superuser, bypasses Meshgate): " + demo.backend().postgresUri());
    // The port actually bound: --metrics-port 0 picks a free one.
    demo.meshgate().metricsPort().ifPresent(metricsPort -> out.println("Metrics: http://127.0.0.1:" + metricsPort
        + "/metrics    Health: http://127.0.0.1:" + metricsPort + "/health/ready"));
    out.println("Audit log: " + demo.auditFile() + "    (meshgate audit verify --file " + demo.auditFile() + ")");
    out.println("Press Ctrl-C to stop.");
  }

  private static int parsePort(String value, int defaultPort) throws MeshgateCommand.UsageException {
    if (value == null) {
      return defaultPort;
    }
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new MeshgateCommand.UsageException("a port must be a number 0-65535, not '" + value + "'");
    }
  }
}
