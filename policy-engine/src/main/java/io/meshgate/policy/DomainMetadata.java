package io.meshgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a domain publishes about itself for discovery: the {@code metadata} of its policy package
 * ({@code data.meshgate.domains.<domain>.metadata}, its data.json in the demo mesh).
 *
 * @param domain the domain's name, which is its schema
 * @param owners the groups that own the domain
 * @param products the domain's data products by table name
 */
public record DomainMetadata(
    String domain,
    Optional<String> description,
    List<String> owners,
    Map<String, DataProductMetadata> products) {
  public DomainMetadata {
    requireNonNull(domain, "domain is null");
    requireNonNull(description, "description is null");
    owners = List.copyOf(requireNonNull(owners, "owners is null"));
    products = Map.copyOf(requireNonNull(products, "products is null"));
    if (domain.isEmpty()) {
      throw new IllegalArgumentException("domain must not be empty");
    }
  }
}
