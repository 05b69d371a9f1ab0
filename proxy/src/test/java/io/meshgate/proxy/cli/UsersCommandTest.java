package io.meshgate.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Subject;
import io.meshgate.proxy.auth.PasswordAuthenticator;
import io.meshgate.proxy.auth.UsersFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersCommandTest {
  @TempDir Path directory;

  private int add(Path file, String password, String... options) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("add", "--file", file.toString()));
    args.addAll(List.of(options));
    return UsersCommand.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void addsAndReplacesUsersWithVerifiersOnly() throws Exception {
    Path file = directory.resolve("users.json");
    assertEquals(0, add(file, "first secret", "--user", "alice", "--group", "analysts", "--attribute", "region=EU"));
    assertEquals(0, add(file, "bob's secret", "--user", "bob", "--group", "weather_team"));
    assertEquals(0, add(file, "second secret", "--user", "alice", "--group", "analysts", "--attribute", "region=US"));
    String content = Files.readString(file);
    assertFalse(content.contains("secret"), "no password is stored");
    PasswordAuthenticator authenticator = new PasswordAuthenticator(UsersFile.load(file));
    assertEquals(Optional.empty(), authenticator.authenticate("alice", "first secret"));
    assertEquals(Optional.of(new Subject("alice", List.of("analysts"), Map.of("region", "US"))),
        authenticator.authenticate("alice", "second secret"));
    assertTrue(authenticator.authenticate("bob", "bob's secret").isPresent());
  }

  @Test
  void refusesEmptyPasswordsAndBadAttributes() {
    Path file = directory.resolve("users.json");
    assertThrows(MeshgateCommand.UsageException.class, () -> add(file, "", "--user", "alice"));
    assertThrows(MeshgateCommand.UsageException.class, () -> add(file, "x", "--user", "alice", "--attribute", "region"));
    assertFalse(Files.exists(file));
  }
}
