package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The answer of {@code /health/ready}: ready when every component is.
 *
 * @param components each component's readiness, in the order checked
 */
public record ReadinessReport(List<ComponentReadiness> components) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ReadinessReport {
    components = List.copyOf(requireNonNull(components, "components is null"));
  }

  public boolean ready() {
    return components.stream().allMatch(ComponentReadiness::ready);
  }

  /** The components that are not ready, by name. */
  public List<String> notReady() {
    return components.stream().filter(component -> !component.ready()).map(ComponentReadiness::component).toList();
  }

  /**
   * {@code {"status":"ready"|"not_ready","not_ready":["opa"],"components":{"opa":{"ready":false,
   * "detail":"…"},…}}}.
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", ready() ? "ready" : "not_ready");
    ArrayNode names = root.putArray("not_ready");
    notReady().forEach(names::add);
    ObjectNode byName = root.putObject("components");
    for (ComponentReadiness component : components) {
      ObjectNode node = byName.putObject(component.component());
      node.put("ready", component.ready());
      node.put("detail", component.detail());
    }
    return root.toString();
  }
}
