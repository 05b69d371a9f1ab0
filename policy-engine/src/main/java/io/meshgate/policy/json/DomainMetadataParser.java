package io.meshgate.policy.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.policy.ColumnMetadata;
import io.meshgate.policy.DataProductMetadata;
import io.meshgate.policy.DomainMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the domains' metadata from OPA's answer to {@code data.meshgate.domains[domain].metadata
 * = metadata}: {@code {"result": [{"domain": "sales", "metadata": {...}}, ...]}}. The shape of
 * one domain's metadata is the one {@code policies/README.md} documents: {@code owners} (array of
 * strings), {@code description}, {@code products} (table → {@code description}, {@code columns}
 * → {@code description}, {@code classification}); absent parts are empty.
 *
 * <p>A domain whose metadata has the wrong shape is left out (and logged), not guessed at:
 * discovery then lists less, which reveals nothing, and the domain's data stays governed by
 * its decisions as before. Messages name the domain and the field, never a value.
 */
public final class DomainMetadataParser {
  private static final Logger LOG = LoggerFactory.getLogger(DomainMetadataParser.class);

  private DomainMetadataParser() {}

  /**
   * @throws IllegalArgumentException if the body is not an OPA query response at all
   */
  public static List<DomainMetadata> parseQueryResponse(byte[] body) {
    JsonNode response;
    try {
      response = ContractJson.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("OPA's answer about the domains' metadata is not valid JSON");
    } catch (IOException e) {
      throw new IllegalArgumentException("OPA's answer about the domains' metadata cannot be read", e);
    }
    if (response == null || !response.isObject()) {
      throw new IllegalArgumentException("OPA's answer about the domains' metadata is not a JSON object");
    }
    JsonNode result = response.path("result");
    if (result.isMissingNode()) {
      return List.of(); // no domain publishes metadata
    }
    if (!result.isArray()) {
      throw new IllegalArgumentException("OPA's answer about the domains' metadata has no result array");
    }
    List<DomainMetadata> domains = new ArrayList<>();
    for (JsonNode binding : result) {
      JsonNode domain = binding.path("domain");
      if (!domain.isTextual() || domain.textValue().isEmpty()) {
        LOG.warn("discovery: skipped a domain whose name is not a string");
        continue;
      }
      try {
        domains.add(domain(domain.textValue(), binding.path("metadata")));
      } catch (IllegalArgumentException e) {
        LOG.warn("discovery: domain {} is not listed, its metadata does not have the documented shape: {}",
            domain.textValue(), e.getMessage());
      }
    }
    domains.sort(Comparator.comparing(DomainMetadata::domain));
    return List.copyOf(domains);
  }

  static DomainMetadata domain(String name, JsonNode metadata) {
    requireObject(metadata, "metadata");
    List<String> owners = new ArrayList<>();
    JsonNode ownersNode = metadata.path("owners");
    if (!ownersNode.isMissingNode()) {
      if (!ownersNode.isArray()) {
        throw new IllegalArgumentException("metadata.owners is not an array");
      }
      for (JsonNode owner : ownersNode) {
        if (!owner.isTextual()) {
          throw new IllegalArgumentException("metadata.owners has an element that is not a string");
        }
        owners.add(owner.textValue());
      }
    }
    Map<String, DataProductMetadata> products = new LinkedHashMap<>();
    JsonNode productsNode = metadata.path("products");
    if (!productsNode.isMissingNode()) {
      requireObject(productsNode, "metadata.products");
      for (Map.Entry<String, JsonNode> product : productsNode.properties()) {
        products.put(product.getKey(), product("metadata.products." + product.getKey(), product.getValue()));
      }
    }
    return new DomainMetadata(name, text(metadata, "description", "metadata"), owners, products);
  }

  private static DataProductMetadata product(String field, JsonNode product) {
    requireObject(product, field);
    Map<String, ColumnMetadata> columns = new LinkedHashMap<>();
    JsonNode columnsNode = product.path("columns");
    if (!columnsNode.isMissingNode()) {
      requireObject(columnsNode, field + ".columns");
      for (Map.Entry<String, JsonNode> column : columnsNode.properties()) {
        String columnField = field + ".columns." + column.getKey();
        requireObject(column.getValue(), columnField);
        columns.put(column.getKey(), new ColumnMetadata(
            text(column.getValue(), "description", columnField),
            text(column.getValue(), "classification", columnField)));
      }
    }
    return new DataProductMetadata(text(product, "description", field), columns);
  }

  private static Optional<String> text(JsonNode parent, String name, String field) {
    JsonNode value = parent.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + "." + name + " is not a string");
    }
    return Optional.of(value.textValue());
  }

  private static void requireObject(JsonNode node, String field) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(field + " is not an object");
    }
  }
}
