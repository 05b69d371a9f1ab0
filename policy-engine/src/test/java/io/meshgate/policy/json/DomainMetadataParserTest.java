package io.meshgate.policy.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.ColumnMetadata;
import io.meshgate.policy.DataProductMetadata;
import io.meshgate.policy.DomainMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainMetadataParserTest {

  private static List<DomainMetadata> parse(String json) {
    return DomainMetadataParser.parseQueryResponse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEveryDomainSortedByName() {
    List<DomainMetadata> domains = parse("""
        {"result": [
          {"domain": "weather", "metadata": {"owners": ["weather_team"], "products": {}}},
          {"domain": "sales", "metadata": {
            "description": "Stores.", "owners": ["sales_team", "finance"],
            "products": {"stores": {"description": "The stores.", "columns": {
              "store_id": {"description": "Id."},
              "email": {"description": "Mail.", "classification": "pii.email"}}}}}}
        ]}
        """);
    assertEquals(List.of(
        new DomainMetadata("sales", Optional.of("Stores."), List.of("sales_team", "finance"), Map.of(
            "stores", new DataProductMetadata(Optional.of("The stores."), Map.of(
                "store_id", new ColumnMetadata(Optional.of("Id."), Optional.empty()),
                "email", new ColumnMetadata(Optional.of("Mail."), Optional.of("pii.email")))))),
        new DomainMetadata("weather", Optional.empty(), List.of("weather_team"), Map.of())), domains);
  }

  @Test
  void absentPartsAreEmpty() {
    assertEquals(List.of(new DomainMetadata("d", Optional.empty(), List.of(), Map.of(
            "t", new DataProductMetadata(Optional.empty(), Map.of())))),
        parse("{\"result\": [{\"domain\": \"d\", \"metadata\": {\"products\": {\"t\": {}}}}]}"));
  }

  @Test
  void aDomainOfTheWrongShapeIsLeftOutAndTheOthersStay() {
    List<DomainMetadata> domains = parse("""
        {"result": [
          {"domain": "bad_owners", "metadata": {"owners": "team"}},
          {"domain": "bad_column", "metadata": {"products": {"t": {"columns": {"c": {"classification": 7}}}}}},
          {"domain": "bad_metadata", "metadata": []},
          {"domain": 12, "metadata": {}},
          {"domain": "good", "metadata": {"owners": ["g"]}}
        ]}
        """);
    assertEquals(List.of("good"), domains.stream().map(DomainMetadata::domain).toList());
  }

  @Test
  void noResultMeansNoDomains() {
    assertEquals(List.of(), parse("{}"));
    assertEquals(List.of(), parse("{\"result\": []}"));
  }

  @Test
  void anAnswerThatIsNotAQueryResponseIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> parse("not json"));
    assertThrows(IllegalArgumentException.class, () -> parse("[1]"));
    assertThrows(IllegalArgumentException.class, () -> parse("{\"result\": {}}"));
  }
}
