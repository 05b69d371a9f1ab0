package io.meshgate.policy.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meshgate.policy.contract.ContractDocument.Block;
import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.policy.opa.OpaRestConfig;
import io.meshgate.policy.opa.TestRepository;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of policies/CONTRACT.md are what the demo policies decide: each documented
 * input goes to a real OPA on policies/, through the same data API call Meshgate makes, and the
 * answer must equal the documented decision.
 */
class ContractExamplesIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ManagedOpaProcess opa;
  private static HttpClient client;

  @BeforeAll
  static void startOpa() throws Exception {
    opa = ManagedOpaProcess.start(TestRepository.opaBinary(), TestRepository.policies(), 0);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stopOpa() {
    if (client != null) {
      client.close();
    }
    if (opa != null) {
      opa.close();
    }
  }

  @Test
  void everyWorkedExampleIsWhatThePoliciesDecide() throws Exception {
    Map<String, List<Block>> examples = ContractDocument.examples();

    assertFalse(examples.isEmpty(), "CONTRACT.md has worked examples");
    for (List<Block> pair : examples.values()) {
      JsonNode documented = ContractDocument.parse(pair.get(1));
      assertEquals(documented, decide(ContractDocument.parse(pair.get(0))), pair.get(1)::where);
    }
  }

  private static JsonNode decide(JsonNode input) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.set("input", input);
    HttpRequest request =
        HttpRequest.newBuilder(OpaRestConfig.of(opa.baseUri()).decisionUri())
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    return JSON.readTree(response.body()).path("result");
  }
}
