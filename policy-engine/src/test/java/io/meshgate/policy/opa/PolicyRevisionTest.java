package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyRevisionTest {

  @TempDir Path folder;

  private void write(String relative, String content) throws IOException {
    Path file = folder.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private void writeDemo() throws IOException {
    write("global/decision.rego", "package meshgate\n");
    write("sales/policy.rego", "package meshgate.domains.sales\n");
    write("sales/data.json", "{\"owners\": [\"sales_team\"]}\n");
  }

  @Test
  void isTwelveHexCharacters() throws IOException {
    writeDemo();

    assertTrue(PolicyRevision.of(folder).matches("[0-9a-f]{12}"), PolicyRevision.of(folder));
  }

  @Test
  void isStableForTheSameContent() throws IOException {
    writeDemo();
    String before = PolicyRevision.of(folder);

    assertEquals(before, PolicyRevision.of(folder));
  }

  @Test
  void changesWithContentNamesAndNewFiles() throws IOException {
    writeDemo();
    String original = PolicyRevision.of(folder);

    write("sales/data.json", "{\"owners\": [\"sales_team\", \"x\"]}\n");
    String changedData = PolicyRevision.of(folder);
    write("weather/policy.rego", "package meshgate.domains.weather\n");
    String addedFile = PolicyRevision.of(folder);
    Files.move(folder.resolve("weather/policy.rego"), folder.resolve("weather/other.rego"));
    String renamed = PolicyRevision.of(folder);

    assertNotEquals(original, changedData);
    assertNotEquals(changedData, addedFile);
    assertNotEquals(addedFile, renamed);
  }

  @Test
  void movingBytesBetweenNameAndContentChangesIt() throws IOException {
    write("a.rego", "bc");
    String first = PolicyRevision.of(folder);
    Files.delete(folder.resolve("a.rego"));
    write("a.regob", "c");
    write("a.rego", "b");
    Files.delete(folder.resolve("a.regob"));
    String second = PolicyRevision.of(folder);

    assertNotEquals(first, second);
  }

  @Test
  void ignoresWhatOpaDoesNotLoad() throws IOException {
    writeDemo();
    String original = PolicyRevision.of(folder);

    write("README.md", "# docs\n");
    write("check", "#!/bin/sh\n");
    write("target/classes/x.json", "{}");
    write(".git/config.json", "{}");
    write("sales/.draft.rego", "package draft\n");

    assertEquals(original, PolicyRevision.of(folder));
  }

  @Test
  void countsDataFilesByTheirBundleNamesOnly() throws IOException {
    writeDemo();
    String original = PolicyRevision.of(folder);

    // OPA's bundle loader skips a JSON file not named data.json: so does the revision.
    write("sales/fixtures.json", "{\"x\": 1}\n");
    assertEquals(original, PolicyRevision.of(folder));

    write("sales/data.yaml", "extra: 1\n");
    assertNotEquals(original, PolicyRevision.of(folder));
  }

  @Test
  void hiddenAndBuildOutputNamesAreIgnored() {
    assertTrue(PolicyRevision.isIgnoredName("target"));
    assertTrue(PolicyRevision.isIgnoredName(".git"));
    assertTrue(PolicyRevision.isIgnoredName("..data"));
    assertFalse(PolicyRevision.isIgnoredName("sales"));
    assertFalse(PolicyRevision.isIgnoredName("targets"));
  }

  @Test
  void missingFolderIsAnError() {
    assertThrows(IOException.class, () -> PolicyRevision.of(folder.resolve("nowhere")));
  }
}
