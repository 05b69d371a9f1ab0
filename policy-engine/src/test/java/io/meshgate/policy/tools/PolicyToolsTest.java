package io.meshgate.policy.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.opa.TestRepository;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyToolsTest {

  @Test
  void runsTheVeryScriptOfTheRepository() throws Exception {
    String packaged;
    try (InputStream script = PolicyTools.class.getResourceAsStream("check")) {
      assertNotNull(script, "the build packages policies/check next to PolicyTools");
      packaged = new String(script.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertEquals(Files.readString(TestRepository.policies().resolve("check")), packaged);
  }

  @Test
  void aResultIsSuccessfulOnlyWithExitCodeZero() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new PolicyToolResult(true, 1, List.of(), List.of(), Duration.ZERO));
    PolicyToolResult result = new PolicyToolResult(false, 1, List.of("a", "b", "c"), List.of(), Duration.ZERO);
    assertEquals(List.of("a", "b"), result.firstLines(2));
    assertEquals("a\nb\nc", result.outputText());
  }
}
