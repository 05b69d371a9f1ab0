package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySnapshotTest {

  @TempDir Path folder;

  private void write(String relative, String content) throws IOException {
    Path file = folder.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(path -> PolicyFiles.slashed(root.relativize(path))).sorted().toList();
    }
  }

  @Test
  void copiesExactlyWhatOpaLoadsAsABundle() throws IOException {
    write("global/decision.rego", "package meshgate\n");
    write("sales/policy.rego", "package meshgate.domains.sales\n");
    write("sales/data.json", "{}\n");
    write("weather/data.yaml", "owners: []\n");
    write("weather/extra.json", "{}\n");
    write("README.md", "# docs\n");
    write("target/classes/x.rego", "package x\n");
    write(".git/hooks/a.rego", "package a\n");
    write("sales/.draft.rego", "package draft\n");

    try (PolicySnapshot snapshot = PolicySnapshot.copy(folder)) {
      assertEquals(
          List.of("global/decision.rego", "sales/data.json", "sales/policy.rego", "weather/data.yaml"),
          files(snapshot.directory()));
      assertEquals("package meshgate.domains.sales\n", Files.readString(snapshot.directory().resolve("sales/policy.rego")));
      assertEquals(PolicyRevision.of(folder), snapshot.revision());
    }
  }

  @Test
  void isIndependentOfLaterEditsAndDeletedOnClose() throws IOException {
    write("sales/policy.rego", "package meshgate.domains.sales\n");
    PolicySnapshot snapshot = PolicySnapshot.copy(folder);
    String before = snapshot.revision();

    write("sales/policy.rego", "package meshgate.domains.sales\n\nx := 1\n");

    assertEquals("package meshgate.domains.sales\n", Files.readString(snapshot.directory().resolve("sales/policy.rego")));
    assertEquals(before, PolicyRevision.of(snapshot.directory()));
    assertNotEquals(before, PolicyRevision.of(folder));
    snapshot.close();
    assertFalse(Files.exists(snapshot.directory()));
  }

  @Test
  void followsLinksAsAKubernetesMountHasThem() throws IOException {
    // A ConfigMap volume: the visible entries link into a hidden, versioned folder.
    write("..2026_11_21/sales/policy.rego", "package meshgate.domains.sales\n");
    Files.createSymbolicLink(folder.resolve("..data"), folder.resolve("..2026_11_21"));
    Files.createSymbolicLink(folder.resolve("sales"), Path.of("..data/sales"));

    try (PolicySnapshot snapshot = PolicySnapshot.copy(folder)) {
      assertEquals(List.of("sales/policy.rego"), files(snapshot.directory()));
      assertFalse(Files.isSymbolicLink(snapshot.directory().resolve("sales")), "the copy holds real files");
      assertTrue(Files.isRegularFile(snapshot.directory().resolve("sales/policy.rego")));
    }
  }

  @Test
  void aMissingFolderIsAnError() {
    assertThrows(IOException.class, () -> PolicySnapshot.copy(folder.resolve("nowhere")));
  }
}
