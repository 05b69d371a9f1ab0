package io.meshgate.loadtests.systems;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.opa.OpaBinary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's policies pass the domain owners' checks with the real OPA, and a broken copy does not. */
class BenchPoliciesIT {
  @TempDir Path directory;

  @Test
  void theBenchPoliciesPassPoliciesCheck() throws Exception {
    Path root = Path.of(System.getProperty("meshgate.root"));
    Path opa = OpaBinary.locate(root);
    Path copy = BenchPolicies.prepare(root, directory.resolve("policies"), "bench");
    String output = BenchPolicies.check(root, opa, copy);
    assertTrue(output.contains("PASS"), output);
  }

  @Test
  void aBrokenBenchDomainFailsTheCheck() throws Exception {
    Path root = Path.of(System.getProperty("meshgate.root"));
    Path opa = OpaBinary.locate(root);
    Path copy = BenchPolicies.prepare(root, directory.resolve("policies"), "bench");
    breakGrant(copy.resolve("public/policy.rego"));
    assertThrows(BenchmarkSetupException.class, () -> BenchPolicies.check(root, opa, copy));
  }

  private static void breakGrant(Path policy) throws IOException {
    String text = Files.readString(policy, StandardCharsets.UTF_8);
    Files.writeString(policy, text.replace("lib.authenticated", "lib.in_any_group({\"nobody\"})"),
        StandardCharsets.UTF_8);
  }
}
