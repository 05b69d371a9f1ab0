package io.meshgate.policy.contract;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.policy.PolicyEngineException.MalformedDecision;
import io.meshgate.policy.contract.ContractDocument.Block;
import io.meshgate.policy.json.DecisionParser;
import io.meshgate.policy.json.PolicyInputJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What policies/CONTRACT.md says about the wire format is what Meshgate does. */
class ContractDocumentTest {

  @Test
  void everyMarkedBlockIsOfAKnownKind() throws Exception {
    List<Block> blocks = ContractDocument.blocks();

    for (Block block : blocks) {
      boolean known =
          block.marker().equals(ContractDocument.INPUT)
              || block.marker().equals(ContractDocument.VALID_DECISION)
              || block.marker().startsWith(ContractDocument.MALFORMED)
              || ContractDocument.EXAMPLE.matcher(block.marker()).matches();
      assertTrue(known, block.where() + " has a marker this test does not know");
    }
  }

  @Test
  void validDecisionsAreAccepted() throws Exception {
    List<Block> valid = ContractDocument.withMarker(ContractDocument.VALID_DECISION);
    List<Block> decisions = new ArrayList<>(valid);
    ContractDocument.examples().values().forEach(pair -> decisions.add(pair.get(1)));

    assertTrue(valid.size() >= 4, "the page shows valid decisions: " + valid.size());
    for (Block block : decisions) {
      assertDoesNotThrow(() -> DecisionParser.parseResponse(response(block)), block::where);
    }
  }

  @Test
  void malformedDecisionsAreRefusedWithTheDocumentedMessage() throws Exception {
    List<Block> malformed = ContractDocument.withMarkerPrefix(ContractDocument.MALFORMED);

    assertTrue(malformed.size() >= 20, "the page lists the refusals: " + malformed.size());
    for (Block block : malformed) {
      String expected = block.marker().substring(ContractDocument.MALFORMED.length());
      MalformedDecision error =
          assertThrows(MalformedDecision.class, () -> DecisionParser.parseResponse(response(block)), block::where);
      assertEquals(expected, error.getMessage(), block::where);
    }
  }

  @Test
  void documentedInputsAreExactlyWhatMeshgateWrites() throws Exception {
    List<Block> inputs = new ArrayList<>(ContractDocument.withMarker(ContractDocument.INPUT));
    ContractDocument.examples().values().forEach(pair -> inputs.add(pair.get(0)));

    assertTrue(inputs.size() >= 5, "the page shows inputs: " + inputs.size());
    for (Block block : inputs) {
      JsonNode documented = ContractDocument.parse(block);
      JsonNode written = PolicyInputJson.toJson(ContractDocument.toRecords(documented));
      assertEquals(documented, written, block::where);
    }
  }

  @Test
  void theWorkedExamplesCoverTheDemoUsers() throws Exception {
    Map<String, List<Block>> examples = ContractDocument.examples();

    assertTrue(examples.keySet().containsAll(List.of("alice", "bob", "carol")), examples.keySet()::toString);
    examples.forEach((name, pair) -> assertEquals(2, pair.size(), name + " has an input and a decision"));
  }

  /** An OPA data API response around a documented decision, as Meshgate receives it. */
  private static byte[] response(Block block) {
    return ("{\"result\":" + block.json() + "}").getBytes(StandardCharsets.UTF_8);
  }
}
