package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * Who is asking: the authenticated user, their groups and verified attributes (from JWT
 * claims or the users file). Attribute values are JSON-compatible: strings, numbers,
 * booleans, lists and maps of those.
 */
public record Subject(String user, List<String> groups, Map<String, Object> attributes) {
  public Subject {
    requireNonNull(user, "user is null");
    if (user.isEmpty()) {
      throw new IllegalArgumentException("user must not be empty");
    }
    groups = List.copyOf(requireNonNull(groups, "groups is null"));
    attributes = Map.copyOf(requireNonNull(attributes, "attributes is null"));
  }
}
