package io.meshgate.policy.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.opa.TestRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy checks with the real OPA on the repository's policies and broken copies of them. */
class PolicyToolsIT {

  private static Path opa;

  @TempDir Path folder;

  @BeforeAll
  static void findOpa() throws Exception {
    opa = TestRepository.opaBinary();
  }

  private Path copy() throws IOException {
    return TestRepository.copyPolicies(folder.resolve("policies"));
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, Files.readString(file) + text);
  }

  private static boolean mentions(PolicyToolResult result, String text) {
    return result.output().stream().anyMatch(line -> line.contains(text));
  }

  @Test
  void theRepositoryPoliciesPassEveryCheck() throws Exception {
    PolicyToolResult result = PolicyTools.check(TestRepository.policies(), opa);

    assertTrue(result.success(), result::outputText);
    assertEquals(0, result.exitCode());
    assertTrue(result.output().getLast().matches("PASS: \\d+/\\d+"), result::outputText);
    assertTrue(result.warnings().isEmpty());
  }

  @Test
  void aSyntaxErrorFailsWithOpasMessage() throws Exception {
    Path policies = copy();
    append(policies.resolve("sales/policy.rego"), "\nbroken if {\n");

    PolicyToolResult result = PolicyTools.check(policies, opa);

    assertFalse(result.success());
    assertEquals(1, result.exitCode());
    assertTrue(mentions(result, "sales/policy.rego"), result::outputText);
    assertTrue(mentions(result, "rego_parse_error"), result::outputText);
    assertTrue(mentions(result, "opa check --strict failed"), result::outputText);
  }

  @Test
  void strictModeIsEnforced() throws Exception {
    Path policies = copy();
    // An unused local variable compiles, but not in strict mode.
    append(policies.resolve("sales/policy.rego"), "\nlonely if {\n\tunused := 1\n\ttrue\n}\n");

    PolicyToolResult result = PolicyTools.check(policies, opa);

    assertFalse(result.success());
    assertTrue(mentions(result, "unused"), result::outputText);
  }

  @Test
  void aDomainFolderWritingAnotherDomainsPackageBreaksTheLayout() throws Exception {
    Path policies = copy();
    Files.writeString(policies.resolve("sales/sneaky.rego"), "package meshgate.domains.customers\n\nsneaky := true\n");

    PolicyToolResult result = PolicyTools.check(policies, opa);

    assertFalse(result.success());
    assertTrue(mentions(result, "sales/sneaky.rego: data.meshgate.domains.customers is outside what folder sales may write"), result::outputText);
  }

  @Test
  void aFailingTestFails() throws Exception {
    Path policies = copy();
    append(policies.resolve("weather/policy_test.rego"), "\ntest_that_fails if {\n\t1 == 2\n}\n");

    PolicyToolResult result = PolicyTools.check(policies, opa);

    assertFalse(result.success());
    assertTrue(mentions(result, "test_that_fails: FAIL"), result::outputText);
    assertTrue(mentions(result, "opa test failed"), result::outputText);
  }

  @Test
  void formattingFailsTheCheckButOnlyWarnsBeforeActivation() throws Exception {
    Path policies = copy();
    append(policies.resolve("weather/policy.rego"), "\nunformatted:=1\n");

    PolicyToolResult check = PolicyTools.check(policies, opa);
    PolicyToolResult beforeActivation = PolicyTools.checkBeforeActivation(policies, opa, PolicyTools.DEFAULT_TIMEOUT);

    assertFalse(check.success());
    assertTrue(mentions(check, "not formatted"), check::outputText);
    assertTrue(beforeActivation.success(), beforeActivation::outputText);
    assertEquals(
        List.of("policies/check: warning: weather/policy.rego is not formatted; run: opa fmt --write weather/policy.rego"),
        beforeActivation.warnings());
  }

  @Test
  void aDataFileOpaDoesNotServeCannotMakeATestPass() throws Exception {
    Path policies = copy();
    // Plain `opa test policies/` would load this file at data.weather; the served bundle would not.
    Files.writeString(policies.resolve("weather/extra.json"), "{\"flag\": true}\n");
    append(policies.resolve("weather/policy_test.rego"), "\ntest_needs_the_extra_file if {\n\tdata.weather.flag == true\n}\n");

    PolicyToolResult result = PolicyTools.check(policies, opa);

    assertFalse(result.success(), result::outputText);
    assertTrue(mentions(result, "test_needs_the_extra_file: FAIL"), result::outputText);
  }

  @Test
  void testPassesItsArgumentsToOpaTestOnly() throws Exception {
    PolicyToolResult weather = PolicyTools.test(TestRepository.policies(), opa, List.of("--run", "domains.weather_test", "-v"));

    assertTrue(weather.success(), weather::outputText);
    assertTrue(mentions(weather, "data.meshgate.domains.weather_test."), weather::outputText);
    assertFalse(mentions(weather, "data.meshgate.domains.sales_test."), weather::outputText);

    // An argument that looks like an option of the script still goes to opa test, which refuses it.
    PolicyToolResult smuggled = PolicyTools.test(TestRepository.policies(), opa, List.of("--policies", "/"));
    assertFalse(smuggled.success());
    assertTrue(mentions(smuggled, "unknown flag: --policies"), smuggled::outputText);
  }

  @Test
  void aMissingFolderIsAnIoExceptionAndABadBinaryExitsWithTwo() throws Exception {
    assertThrows(IOException.class, () -> PolicyTools.check(folder.resolve("nowhere"), opa));

    PolicyToolResult result = PolicyTools.check(TestRepository.policies(), folder.resolve("no-opa"));
    assertFalse(result.success());
    assertEquals(2, result.exitCode());
    assertTrue(mentions(result, "is not an executable OPA binary"), result::outputText);
  }
}
