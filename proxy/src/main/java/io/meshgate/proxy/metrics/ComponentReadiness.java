package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

/**
 * Whether one part Meshgate needs to serve statements is ready, as {@code /health/ready} reports
 * it.
 *
 * @param component the part: {@code opa}, {@code backend} or {@code audit}
 * @param ready whether it is ready
 * @param detail one sentence for an operator; never credentials
 */
public record ComponentReadiness(String component, boolean ready, String detail) {
  public ComponentReadiness {
    requireNonNull(component, "component is null");
    requireNonNull(detail, "detail is null");
    if (component.isBlank()) {
      throw new IllegalArgumentException("component must not be blank");
    }
  }

  public static ComponentReadiness ready(String component, String detail) {
    return new ComponentReadiness(component, true, detail);
  }

  public static ComponentReadiness notReady(String component, String detail) {
    return new ComponentReadiness(component, false, detail);
  }
}
