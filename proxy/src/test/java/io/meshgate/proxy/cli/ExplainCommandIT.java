package io.meshgate.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** meshgate explain against the demo's backend and policies, without running anything. */
class ExplainCommandIT {
  @TempDir static Path work;
  private static DemoEnvironment demo;
  private static Path config;

  @BeforeAll
  static void startDemo() throws IOException {
    Path root = RepositoryRoot.find().orElseThrow();
    demo = DemoEnvironment.start(new DemoEnvironment.Settings(root, work.resolve("demo"), 0, Optional.empty(),
        Duration.ofSeconds(5)));
    Files.writeString(work.resolve("backend.password"), demo.backend().servicePassword());
    config = work.resolve("meshgate.properties");
    Files.writeString(config, String.join("\n",
        "backend.host=" + demo.backend().host(),
        "backend.port=" + demo.backend().port(),
        "backend.database=" + demo.backend().database(),
        "backend.user=" + demo.backend().serviceUser(),
        "backend.password_file=backend.password",
        "users.file=" + demo.usersFile(),
        "opa.policies=" + root.resolve("policies"),
        "audit.file=audit.jsonl",
        ""));
  }

  @AfterAll
  static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  private static String explain(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new java.util.ArrayList<>(List.of("explain", "--config", config.toString()));
    all.addAll(List.of(args));
    int exit = MeshgateCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void showsInputDecisionAndRewrittenSqlForAUserFromTheUsersFile() {
    String output = explain("--user", "alice", "--sql", "SELECT customer_email, amount FROM sales.store_transactions");
    assertTrue(output.contains("\"referenced_columns\":[\"amount\",\"customer_email\"]")
        || output.contains("\"referenced_columns\":[\"customer_email\",\"amount\"]"), output);
    assertTrue(output.contains("decision: allow"), output);
    assertTrue(output.contains("global.pii.email"), output);
    assertTrue(output.contains("row filter:") && output.contains("EU"), output);
    assertTrue(output.contains("mask: customer_email"), output);
    // Each filter and mask names the rule it comes from.
    assertTrue(output.lines().anyMatch(line -> line.startsWith("    row filter: ")
        && line.endsWith(" (policy sales.regional_readers)")), output);
    assertTrue(output.lines().anyMatch(line -> line.startsWith("    mask: customer_email -> ")
        && line.endsWith(" (policy global.pii.email)")), output);
    assertTrue(output.contains("rewritten SQL sent to the backend:"), output);
    assertTrue(output.contains("\"sales\".\"store_transactions\""), output);
    // explain runs nothing: no audit log is written
    assertTrue(!Files.exists(work.resolve("audit.jsonl")));
  }

  @Test
  void showsARefusalWithItsReasonAndSubjectsFromFlags() {
    String denied = explain("--user", "alice", "--sql", "SELECT * FROM weather.stations_raw");
    assertTrue(denied.contains("decision: deny"), denied);
    assertTrue(denied.contains("refused: SQLSTATE 42501"), denied);
    String asTeam = explain("--user", "someone", "--group", "weather_team", "--sql", "SELECT * FROM weather.stations_raw");
    assertTrue(asTeam.contains("decision: allow"), asTeam);
  }

  @Test
  void showsTheInputOfADdlStatementWithItsAction() {
    String owner = explain("--user", "bob", "--sql", "ALTER TABLE weather.stations_raw ADD COLUMN source text");
    assertTrue(owner.contains("\"kind\":\"ddl\",\"ddl_action\":\"add_column\""), owner);
    assertTrue(owner.contains("\"access\":\"ddl\""), owner);
    assertTrue(owner.contains("decision: allow"), owner);
    assertTrue(owner.contains("ALTER TABLE \"weather\".\"stations_raw\" ADD COLUMN \"source\" text"), owner);
    String other = explain("--user", "alice", "--sql", "DROP TABLE weather.stations_raw");
    assertTrue(other.contains("\"ddl_action\":\"drop_table\""), other);
    assertTrue(other.contains("refused: SQLSTATE 42501"), other);
  }
}
