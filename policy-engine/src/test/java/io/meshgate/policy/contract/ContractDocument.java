package io.meshgate.policy.contract;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.Access;
import io.meshgate.policy.DdlAction;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import io.meshgate.policy.opa.TestRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checked JSON blocks of {@code policies/CONTRACT.md}: each is a fenced {@code json} block
 * right after an HTML comment that says what it is.
 */
final class ContractDocument {

  /** A marked block: the comment's text, the JSON, and the line it starts on (for messages). */
  record Block(String marker, String json, int line) {
    Block {
      requireNonNull(marker, "marker is null");
      requireNonNull(json, "json is null");
    }

    String where() {
      return "CONTRACT.md line " + line + " (" + marker + ")";
    }
  }

  static final String INPUT = "contract: input";
  static final String VALID_DECISION = "contract: valid decision";
  static final String MALFORMED = "malformed: ";
  static final Pattern EXAMPLE = Pattern.compile("example ([a-z-]+): (input|decision)");

  private static final Pattern MARKED_BLOCK =
      Pattern.compile("<!--\\s*(.+?)\\s*-->\\s*\\n```json\\n(.*?)\\n```", Pattern.DOTALL);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ContractDocument() {}

  static List<Block> blocks() throws IOException {
    String markdown = Files.readString(TestRepository.policies().resolve("CONTRACT.md"));
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = MARKED_BLOCK.matcher(markdown);
    while (matcher.find()) {
      int line = (int) markdown.substring(0, matcher.start()).chars().filter(character -> character == '\n').count() + 1;
      blocks.add(new Block(matcher.group(1), matcher.group(2), line));
    }
    return blocks;
  }

  static List<Block> withMarker(String marker) throws IOException {
    return blocks().stream().filter(block -> block.marker().equals(marker)).toList();
  }

  static List<Block> withMarkerPrefix(String prefix) throws IOException {
    return blocks().stream().filter(block -> block.marker().startsWith(prefix)).toList();
  }

  /** The worked examples: name → [input, decision], in the order of the page. */
  static Map<String, List<Block>> examples() throws IOException {
    Map<String, List<Block>> examples = new LinkedHashMap<>();
    for (Block block : blocks()) {
      Matcher example = EXAMPLE.matcher(block.marker());
      if (example.matches()) {
        List<Block> pair = examples.computeIfAbsent(example.group(1), name -> new ArrayList<>());
        int position = example.group(2).equals("input") ? 0 : 1;
        if (pair.size() != position) {
          throw new IllegalStateException(block.where() + ": an example is an input followed by its decision");
        }
        pair.add(block);
      }
    }
    return examples;
  }

  static JsonNode parse(Block block) throws IOException {
    return JSON.readTree(block.json());
  }

  /**
   * Reads a documented input into the records Meshgate builds, so that writing them back with
   * {@code PolicyInputJson} shows whether the page documents exactly what Meshgate sends.
   */
  static PolicyInput toRecords(JsonNode input) {
    JsonNode subject = input.required("subject");
    JsonNode context = input.required("context");
    JsonNode statement = input.required("statement");
    List<String> groups = new ArrayList<>();
    subject.required("groups").forEach(group -> groups.add(group.textValue()));
    Map<String, Object> attributes = new LinkedHashMap<>();
    subject.required("attributes").properties().forEach(entry -> attributes.put(entry.getKey(), plain(entry.getValue())));
    List<RelationAccess> relations = new ArrayList<>();
    for (JsonNode relation : statement.required("relations")) {
      relations.add(
          new RelationAccess(
              new RelationName(
                  relation.required("catalog").textValue(),
                  relation.required("schema").textValue(),
                  relation.required("table").textValue()),
              Access.valueOf(relation.required("access").textValue().toUpperCase(Locale.ROOT)),
              strings(relation.required("columns")),
              strings(relation.required("referenced_columns"))));
    }
    return new PolicyInput(
        new Subject(subject.required("user").textValue(), groups, attributes),
        new RequestContext(
            context.required("database").textValue(),
            context.required("client_address").textValue(),
            context.required("application_name").textValue(),
            context.required("session_id").textValue(),
            Instant.parse(context.required("time").textValue())),
        StatementKind.valueOf(statement.required("kind").textValue().toUpperCase(Locale.ROOT)),
        relations,
        Optional.of(statement.required("ddl_action").textValue())
            .filter(action -> !action.isEmpty())
            .map(action -> DdlAction.valueOf(action.toUpperCase(Locale.ROOT))));
  }

  private static List<String> strings(JsonNode array) {
    List<String> strings = new ArrayList<>();
    array.forEach(element -> strings.add(element.textValue()));
    return strings;
  }

  private static Object plain(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(element -> list.add(plain(element)));
      return list;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(entry -> map.put(entry.getKey(), plain(entry.getValue())));
      return map;
    }
    throw new IllegalArgumentException("attribute values are never " + node.getNodeType());
  }
}
