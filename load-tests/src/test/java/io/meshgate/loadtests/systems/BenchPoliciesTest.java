package io.meshgate.loadtests.systems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy of the checkout's policies that the benchmark's Meshgate serves (files only; BenchPoliciesIT runs OPA on it). */
class BenchPoliciesTest {
  @TempDir Path directory;

  @Test
  void copiesThePoliciesAddsTheBenchDomainAndGovernsTheBenchDatabase() throws IOException {
    Path root = Path.of(System.getProperty("meshgate.root"));
    Path copy = BenchPolicies.prepare(root, directory.resolve("policies"), "bench");
    String decision = Files.readString(copy.resolve(BenchPolicies.DECISION_FILE), StandardCharsets.UTF_8);
    assertTrue(decision.lines().anyMatch("governed_catalogs := {\"mesh\", \"bench\"}"::equals), decision);
    assertTrue(Files.isRegularFile(copy.resolve("public/policy.rego")));
    assertTrue(Files.isRegularFile(copy.resolve("public/data.json")));
    assertTrue(Files.isRegularFile(copy.resolve("sales/policy.rego")));
    assertFalse(Files.exists(copy.resolve("target")), "build output is not copied");
    // The checkout itself is untouched.
    String original = Files.readString(root.resolve("policies").resolve(BenchPolicies.DECISION_FILE),
        StandardCharsets.UTF_8);
    assertEquals(1, original.lines().filter(BenchPolicies.GOVERNED_CATALOGS::equals).count());
    assertFalse(Files.exists(root.resolve("policies/public")));
  }
}
