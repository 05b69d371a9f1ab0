package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.DataProductMetadata;
import io.meshgate.policy.DomainMetadata;
import io.meshgate.policy.PolicyEngineException.Unavailable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The demo mesh's metadata, as a real OPA serving policies/ answers it, is what the data.json files say. */
class OpaProductMetadataSourceIT {

  @Test
  void everyDomainFolderIsListedWithItsDataJson() throws Exception {
    try (ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), TestRepository.policies(), 0);
        OpaProductMetadataSource source =
            new OpaProductMetadataSource(OpaRestConfig.of(opa.baseUri()), opa::revision)) {
      List<DomainMetadata> domains = source.domains();
      assertEquals(dataJsonFolders(), domains.stream().map(DomainMetadata::domain).toList());
      ObjectMapper json = new ObjectMapper();
      for (DomainMetadata domain : domains) {
        JsonNode expected = json.readTree(TestRepository.policies().resolve(domain.domain()).resolve("data.json").toFile());
        assertEquals(Optional.of(expected.path("description").textValue()), domain.description());
        List<String> owners = new ArrayList<>();
        expected.path("owners").forEach(owner -> owners.add(owner.textValue()));
        assertEquals(owners, domain.owners());
        TreeSet<String> products = new TreeSet<>();
        expected.path("products").fieldNames().forEachRemaining(products::add);
        assertEquals(products,
            new TreeSet<>(domain.products().keySet()));
        for (Map.Entry<String, DataProductMetadata> product : domain.products().entrySet()) {
          JsonNode columns = expected.path("products").path(product.getKey()).path("columns");
          assertEquals(columns.size(), product.getValue().columns().size());
          product.getValue().columns().forEach((name, column) -> assertEquals(
              Optional.ofNullable(columns.path(name).path("classification").textValue()), column.classification()));
        }
      }
      assertEquals(opa.revision(), source.revision());
    }
  }

  @Test
  void anOpaThatIsGoneIsUnavailable() throws Exception {
    OpaRestConfig stopped;
    try (ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), TestRepository.policies(), 0)) {
      stopped = OpaRestConfig.of(opa.baseUri());
    }
    try (OpaProductMetadataSource source = new OpaProductMetadataSource(stopped, () -> "gone")) {
      Unavailable error = assertThrows(Unavailable.class, source::domains);
      assertTrue(error.getMessage().contains("could not be reached"), error.getMessage());
    }
  }

  /** The domain folders: those with a data.json, sorted. */
  private static List<String> dataJsonFolders() throws IOException {
    List<String> folders = new ArrayList<>();
    try (Stream<Path> entries = Files.list(TestRepository.policies())) {
      entries.filter(entry -> Files.isRegularFile(entry.resolve("data.json")))
          .forEach(entry -> folders.add(entry.getFileName().toString()));
    }
    return folders.stream().sorted().toList();
  }
}
