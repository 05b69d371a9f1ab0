package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {
  @TempDir Path directory;

  @Test
  void savesVerifiersNotPasswordsAndAuthenticates() throws IOException {
    Path file = directory.resolve("users.json");
    UsersFile.of(List.of(new UserEntry("alice", ScramVerifier.create("correct horse", new SecureRandom()),
        List.of("analysts"), Map.of("region", "EU")))).save(file);
    String content = Files.readString(file);
    assertFalse(content.contains("correct horse"));
    assertTrue(content.contains("SCRAM-SHA-256$4096:"));

    PasswordAuthenticator authenticator = new PasswordAuthenticator(UsersFile.load(file));
    assertEquals(Optional.of(new Subject("alice", List.of("analysts"), Map.of("region", "EU"))),
        authenticator.authenticate("alice", "correct horse"));
    assertEquals(Optional.empty(), authenticator.authenticate("alice", "wrong"));
    assertEquals(Optional.empty(), authenticator.authenticate("mallory", "correct horse"));
  }

  @Test
  void aFileOthersCanWriteIsRefused() throws IOException {
    // Whoever can write the file can add a user with any groups and attributes.
    Path file = directory.resolve("users.json");
    UsersFile.of(List.of(new UserEntry("alice", ScramVerifier.create("secret", new SecureRandom()),
        List.of("analysts"), Map.of()))).save(file);
    for (String permissions : List.of("rw-rw-rw-", "rw-rw----", "rw----rw-")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
      IOException error = assertThrows(IOException.class, () -> UsersFile.load(file), permissions);
      assertTrue(error.getMessage().contains("chmod go-w " + file), error.getMessage());
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertTrue(UsersFile.load(file).user("alice").isPresent());
  }

  @Test
  void namesTheUserAndKeyOfAProblem() throws IOException {
    Path file = directory.resolve("users.json");
    Files.writeString(file, "{\"users\": {\"bob\": {\"password\": \"hunter2\"}}}");
    IOException error = assertThrows(IOException.class, () -> UsersFile.load(file));
    assertTrue(error.getMessage().contains("user \"bob\""), error.getMessage());
    assertTrue(error.getMessage().contains("\"password\""), error.getMessage());
    assertFalse(error.getMessage().contains("hunter2"), error.getMessage());

    Files.writeString(file, "{\"users\": [");
    assertThrows(IOException.class, () -> UsersFile.load(file));
  }
}
