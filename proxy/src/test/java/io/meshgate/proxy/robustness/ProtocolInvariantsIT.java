package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The security invariants on protocol paths no driver takes, from raw frames: fail closed
 * (nothing reaches the backend ungoverned or under a policy that has changed), and every
 * statement audited. Each test is a message sequence a client with a valid login can send.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProtocolInvariantsIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.withEditablePolicies();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "alice";
  /** A governed table alice may read (her region's rows). */
  private static final String TRANSACTIONS = "SELECT transaction_id FROM sales.store_transactions";

  private static RawClient connect() throws Exception {
    DemoEnvironment environment = mesh.environment();
    RawClient client = RawClient.connect(environment.meshgate().port(), Duration.ofSeconds(10));
    client.authenticate(USER, environment.backend().database(), USER, new SecureRandom());
    return client;
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** The messages in short: errors in full, a run of one type as its count. */
  private static String describe(List<BackendMessage> messages) {
    List<String> parts = new ArrayList<>();
    int index = 0;
    while (index < messages.size()) {
      BackendMessage message = messages.get(index);
      int end = index + 1;
      while (end < messages.size() && messages.get(end).type() == message.type() && message.type() != 'E') {
        end++;
      }
      parts.add(message.type() == 'E' ? message.toString() : end - index == 1 ? "" + message.type() : message.type() + "x" + (end - index));
      index = end;
    }
    return String.join(", ", parts);
  }

  private static List<Character> types(List<BackendMessage> messages) {
    return messages.stream().map(BackendMessage::type).toList();
  }

  /** "status sql_state" of each audit event that mentions {@code marker}, in order. */
  private static List<String> audited(String marker) throws IOException {
    List<String> outcomes = new ArrayList<>();
    for (String line : Files.readAllLines(mesh.environment().auditFile())) {
      if (line.contains(marker)) {
        JsonNode outcome = JSON.readTree(line).path("outcome");
        JsonNode sqlState = outcome.path("sql_state");
        outcomes.add(outcome.path("status").asText() + (sqlState.isTextual() ? " " + sqlState.asText() : ""));
      }
    }
    return outcomes;
  }

}
