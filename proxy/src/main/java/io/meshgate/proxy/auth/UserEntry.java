package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/** One user of the users file: a verifier, groups and attributes for the policy subject. */
public record UserEntry(
    String name, ScramVerifier verifier, List<String> groups, Map<String, Object> attributes) {
  public UserEntry {
    requireNonNull(name, "name is null");
    requireNonNull(verifier, "verifier is null");
    groups = List.copyOf(requireNonNull(groups, "groups is null"));
    attributes = Map.copyOf(requireNonNull(attributes, "attributes is null"));
    if (name.isEmpty()) {
      throw new IllegalArgumentException("user name must not be empty");
    }
  }
}
