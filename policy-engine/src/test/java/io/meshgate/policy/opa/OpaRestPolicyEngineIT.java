package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine against a real OPA serving small purpose-written policies. */
class OpaRestPolicyEngineIT {

  private static final PolicyInput CAROL =
      new PolicyInput(
          new Subject("carol", List.of(), Map.of()),
          new RequestContext("mesh", "127.0.0.1", "psql", "it", Instant.now()),
          StatementKind.SELECT,
          List.of());

  @TempDir Path policies;

  /**
   * A deny rule whose built-in fails (to_number("carol")) is silently undefined in OPA's default
   * mode, and this policy would then allow. The engine asks with strict built-in errors, so the
   * failure is an error response and the statement is refused.
   */
  @Test
  void failingBuiltInRefusesInsteadOfDroppingADenial() throws Exception {
    Files.writeString(
        policies.resolve("policy.rego"),
        """
        package meshgate

        deny_reasons contains "users must be numbered" if to_number(input.subject.user) < 0

        decision := {"allow": count(deny_reasons) == 0, "deny_reasons": sort(deny_reasons)}
        """);

    try (ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), policies, 0);
        OpaRestPolicyEngine engine = new OpaRestPolicyEngine(OpaRestConfig.of(opa.baseUri()))) {
      PolicyEngineException.Unavailable error =
          assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(CAROL));

      assertTrue(error.getMessage().contains("HTTP 500"), error.getMessage());
    }
  }

  @Test
  void conflictingPolicyOutputRefuses() throws Exception {
    Files.writeString(
        policies.resolve("policy.rego"),
        """
        package meshgate

        decision := {"allow": true} if input.subject.user == "carol"

        decision := {"allow": false} if startswith(input.subject.user, "c")
        """);

    try (ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), policies, 0);
        OpaRestPolicyEngine engine = new OpaRestPolicyEngine(OpaRestConfig.of(opa.baseUri()))) {
      assertThrows(PolicyEngineException.Unavailable.class, () -> engine.decide(CAROL));
    }
  }

  @Test
  void decisionThatBreaksTheContractIsMalformed() throws Exception {
    Files.writeString(
        policies.resolve("policy.rego"),
        """
        package meshgate

        decision := {"allow": true, "relations": {"sales.orders": {}}}
        """);

    try (ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), policies, 0);
        OpaRestPolicyEngine engine = new OpaRestPolicyEngine(OpaRestConfig.of(opa.baseUri()))) {
      PolicyEngineException.MalformedDecision error =
          assertThrows(PolicyEngineException.MalformedDecision.class, () -> engine.decide(CAROL));

      assertTrue(error.getMessage().contains("catalog.schema.table"), error.getMessage());
    }
  }
}
