package io.meshgate.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshgate policy check|test} on the checkout's real policies and a broken copy, with the real OPA. */
class PolicyCommandTest {
  @TempDir Path directory;

  private static Path policies() {
    return RepositoryRoot.find().orElseThrow().resolve("policies");
  }

  @Test
  void theCheckoutsPoliciesPassEveryCheckByDefault() {
    CommandRun run = CommandRun.of("policy", "check");
    assertEquals(0, run.exitCode(), run.toString());
  }

  @Test
  void testPassesArgumentsToOpaTest() {
    CommandRun run = CommandRun.of("policy", "test", "--policies", policies().toString(), "-v", "--run", "sales");
    assertEquals(0, run.exitCode(), run.toString());
    List<String> results = run.outLines().stream().filter(line -> line.contains(": PASS")).toList();
    assertTrue(!results.isEmpty(), "-v lists each test: " + run);
    assertTrue(results.stream().allMatch(line -> line.contains("sales")), "--run sales runs only sales tests: " + run);
  }

  @Test
  void aBrokenRuleFailsCheckAndTest() throws IOException {
    Path copy = copyOfPolicies();
    Path sales = copy.resolve("sales").resolve("policy.rego");
    String original = Files.readString(sales);
    // Still valid, formatted Rego, but analysts no longer read their region: the sales tests fail.
    String broken = original.replace("regional_readers := {\"analysts\"}", "regional_readers := {\"analysts_typo\"}");
    assertNotEquals(original, broken, "the rule to break should be in sales/policy.rego");
    Files.writeString(sales, broken);

    CommandRun test = CommandRun.of("policy", "test", "--policies", copy.toString());
    assertEquals(1, test.exitCode(), test.toString());
    assertTrue(test.out().contains("FAIL"), test.toString());

    CommandRun check = CommandRun.of("policy", "check", "--policies", copy.toString());
    assertEquals(1, check.exitCode(), check.toString());
  }

  @Test
  void aRuleThatDoesNotCompileFailsCheck() throws IOException {
    Path copy = copyOfPolicies();
    Path sales = copy.resolve("sales").resolve("policy.rego");
    Files.writeString(sales, Files.readString(sales) + "\nbroken if {\n\tundefined_function(1)\n}\n");
    CommandRun check = CommandRun.of("policy", "check", "--policies", copy.toString());
    assertEquals(1, check.exitCode(), check.toString());
    assertTrue(check.out().contains("undefined_function"), check.toString());
  }

  @Test
  void aMissingPoliciesFolderFails() {
    CommandRun run = CommandRun.of("policy", "check", "--policies", directory.resolve("none").toString());
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().contains("does not exist"), run.toString());
  }

  private Path copyOfPolicies() throws IOException {
    Path source = policies();
    Path target = directory.resolve("policies");
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path path : walk.toList()) {
        Path relative = source.relativize(path);
        if (!relative.toString().isEmpty() && relative.getName(0).toString().equals("target")) {
          continue;
        }
        Path destination = target.resolve(relative.toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(path, destination);
        }
      }
    }
    return target;
  }
}
