package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.reload.PolicyReloadStatus;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Domain owners edit policies on disk; open sessions see the change, broken edits are not served. */
class PolicyHotReloadIT {
  @TempDir static Path work;
  private static Path policies;
  private static DemoEnvironment demo;

  @BeforeAll
  static void startDemo() throws IOException {
    Path root = RepositoryRoot.find().orElseThrow();
    policies = work.resolve("policies");
    try (Stream<Path> files = Files.walk(root.resolve("policies"))) {
      for (Path source : files.filter(path -> !path.toString().contains("/target")).toList()) {
        Path target = policies.resolve(root.resolve("policies").relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    // No decision cache, so the next statement after an activation asks the new policy.
    demo = DemoEnvironment.start(new DemoEnvironment.Settings(
        root, work.resolve("demo"), 0, Optional.empty(), Duration.ZERO, Optional.of(policies)));
  }

  @AfterAll
  static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  private static String outcome(Statement statement) {
    try {
      statement.executeQuery("SELECT count(*) FROM weather.stations_raw").close();
      return "allowed";
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  private static String awaitOutcome(Statement statement, String expected, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    String last = outcome(statement);
    while (!last.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = outcome(statement);
    }
    return last;
  }

  @Test
  void anEditReachesOpenSessionsWithinFiveSecondsAndABrokenOneIsNotServed() throws Exception {
    Properties properties = new Properties();
    properties.setProperty("user", "alice");
    properties.setProperty("password", "alice");
    properties.setProperty("sslmode", "disable");
    try (Connection alice = DriverManager.getConnection(demo.jdbcUrl(), properties);
        Statement statement = alice.createStatement()) {
      assertEquals("42501", outcome(statement));

      // The weather team adds the analysts to its owners, and updates its test to match
      // (the reloader runs opa test: an edit that breaks the domain's tests is not served).
      Path test = policies.resolve("weather/policy_test.rego");
      String testText = Files.readString(test);
      String editedTest = testText.replace("every user in [\"alice\", \"carol\", \"dave\"]", "every user in [\"carol\", \"dave\"]");
      assertTrue(!editedTest.equals(testText), "the test edit must change the file");
      Path data = policies.resolve("weather/data.json");
      String original = Files.readString(data);
      String edited = original.replace("\"weather_team\"", "\"weather_team\", \"analysts\"");
      assertTrue(!edited.equals(original), "the edit must change the file");
      Files.writeString(test, editedTest);
      long edit = System.nanoTime();
      Files.writeString(data, edited);
      assertEquals("allowed", awaitOutcome(statement, "allowed", Duration.ofSeconds(5)),
          "the edit is served to the open session within 5 s");
      assertTrue(System.nanoTime() - edit < Duration.ofSeconds(5).toNanos());
      // OPA may serve the edit a moment before the reloader records it as active: wait until
      // the status says OPA serves what the folder holds.
      String servedRevision = awaitUpToDate().activeRevision();

      // A broken edit: the last good revision stays active, and the failure is reported.
      Path rego = policies.resolve("weather/policy.rego");
      Files.writeString(rego, Files.readString(rego) + "\nthis is not rego {\n");
      PolicyReloadStatus status = awaitFailure();
      assertTrue(status.lastError().isPresent(), status.toString());
      assertEquals(servedRevision, status.activeRevision());
      assertEquals("allowed", outcome(statement), "the old behaviour stays");
    }
  }

  private static PolicyReloadStatus awaitUpToDate() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    PolicyReloadStatus status = demo.meshgate().policyReloader().orElseThrow().status();
    while (!status.upToDate() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      status = demo.meshgate().policyReloader().orElseThrow().status();
    }
    assertTrue(status.upToDate(), status.toString());
    return status;
  }

  private static PolicyReloadStatus awaitFailure() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    PolicyReloadStatus status = demo.meshgate().policyReloader().orElseThrow().status();
    while (status.failures() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      status = demo.meshgate().policyReloader().orElseThrow().status();
    }
    return status;
  }
}
