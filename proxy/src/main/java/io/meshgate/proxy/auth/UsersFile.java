package io.meshgate.proxy.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The users file: JSON of the form
 *
 * <pre>{"users": {"alice": {"password": "SCRAM-SHA-256$4096:…", "groups": ["analysts"],
 *   "attributes": {"region": "EU"}}}}</pre>
 *
 * Only SCRAM verifiers are stored, never passwords. Loading validates every entry and names
 * the user and key of the first problem, and refuses a file others may write. Meshgate reads
 * the file once, at start-up.
 */
public final class UsersFile {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Map<String, UserEntry> users;
  private final int decoyIterations;
  private final int decoySaltLength;

  private UsersFile(Map<String, UserEntry> users) {
    this.users = Map.copyOf(users);
    // Decoys take the most common shape of the real verifiers, so that an unknown name looks
    // like most known ones; with no users, the shape Meshgate itself writes.
    Map<List<Integer>, Long> shapes = users.values().stream()
        .map(UserEntry::verifier)
        .collect(Collectors.groupingBy(
            verifier -> List.of(verifier.iterations(), verifier.salt().length), Collectors.counting()));
    List<Integer> common = shapes.entrySet().stream()
        .max(Map.Entry.<List<Integer>, Long>comparingByValue()
            .thenComparing(shape -> shape.getKey().get(0))
            .thenComparing(shape -> shape.getKey().get(1)))
        .map(Map.Entry::getKey)
        .orElse(List.of(ScramVerifier.DEFAULT_ITERATIONS, DecoyScramVerifiers.DEFAULT_SALT_LENGTH));
    this.decoyIterations = common.get(0);
    this.decoySaltLength = common.get(1);
  }

  public static UsersFile of(List<UserEntry> entries) {
    Map<String, UserEntry> users = new LinkedHashMap<>();
    for (UserEntry entry : entries) {
      users.put(entry.name(), entry);
    }
    return new UsersFile(users);
  }

  public static UsersFile load(Path file) throws IOException {
    refuseIfOthersCanWrite(file);
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException("users file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.path("users").isObject()) {
      throw new IOException("users file " + file + " must be a JSON object with a \"users\" object");
    }
    Map<String, UserEntry> users = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : root.get("users").properties()) {
      users.put(field.getKey(), parseEntry(file, field.getKey(), field.getValue()));
    }
    return new UsersFile(users);
  }

  /**
   * Whoever can write the users file can add a user with any groups and attributes, so a file
   * that its group or everyone may write is refused (fail closed), as ssh refuses such key
   * files. Where the file system has no POSIX permissions there is nothing to check.
   */
  private static void refuseIfOthersCanWrite(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException("users file " + file + " may be written by others ("
          + PosixFilePermissions.toString(permissions) + "), who could add users to it; make it writable by its owner"
          + " only: chmod go-w " + file);
    }
  }

  private static UserEntry parseEntry(Path file, String name, JsonNode node) throws IOException {
    String where = "users file " + file + ", user \"" + name + "\"";
    if (!node.path("password").isTextual()) {
      throw new IOException(where + ": \"password\" must be a SCRAM-SHA-256 verifier string (meshgate users add writes one)");
    }
    ScramVerifier verifier;
    try {
      verifier = ScramVerifier.parse(node.get("password").asText());
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": \"password\" is " + e.getMessage(), e);
    }
    List<String> groups = new ArrayList<>();
    JsonNode groupsNode = node.path("groups");
    if (!groupsNode.isMissingNode()) {
      if (!groupsNode.isArray()) {
        throw new IOException(where + ": \"groups\" must be a list of strings");
      }
      for (JsonNode group : groupsNode) {
        if (!group.isTextual()) {
          throw new IOException(where + ": \"groups\" must be a list of strings");
        }
        groups.add(group.asText());
      }
    }
    JsonNode attributesNode = node.path("attributes");
    Map<String, Object> attributes = Map.of();
    if (!attributesNode.isMissingNode()) {
      if (!attributesNode.isObject()) {
        throw new IOException(where + ": \"attributes\" must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> converted = JSON.convertValue(attributesNode, Map.class);
      attributes = converted;
    }
    return new UserEntry(name, verifier, groups, attributes);
  }

  public Optional<UserEntry> user(String name) {
    return Optional.ofNullable(users.get(name));
  }

  /**
   * The verifier that stands in for {@code name} when it is not a user: stable per name, shaped
   * like the file's verifiers, matched by no password.
   */
  ScramVerifier decoyFor(String name) {
    return DecoyScramVerifiers.forUser(name, decoyIterations, decoySaltLength);
  }

  public List<UserEntry> entries() {
    return List.copyOf(users.values());
  }

  /** Writes atomically (temp file + move) so a reader never sees half a file. */
  public void save(Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode usersNode = root.putObject("users");
    for (UserEntry entry : users.values()) {
      ObjectNode node = usersNode.putObject(entry.name());
      node.put("password", entry.verifier().encode());
      node.set("groups", JSON.valueToTree(entry.groups()));
      node.set("attributes", JSON.valueToTree(entry.attributes()));
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, ".users", ".json");
    JSON.writeValue(temp.toFile(), root);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
