package io.meshgate.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proxy/bin/meshgate} rebuilds when {@code proxy/bin/jar-is-stale} says the jar is older
 * than a source. Files the build itself writes (JMH's generated .java files under target/) are no
 * source: counting them made every run of the command rebuild.
 */
class LauncherStalenessTest {
  @TempDir Path checkout;

  private boolean stale(Path jar) throws IOException, InterruptedException {
    Path script = RepositoryRoot.find().orElseThrow().resolve("proxy/bin/jar-is-stale");
    Process process = new ProcessBuilder(script.toString(), checkout.toString(), jar.toString())
        .redirectErrorStream(true).start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("jar-is-stale did not finish");
    }
    int exit = process.exitValue();
    if (exit > 1) {
      throw new AssertionError("jar-is-stale failed: " + new String(process.getInputStream().readAllBytes()));
    }
    return exit == 0;
  }

  private Path file(String path, Instant modified) throws IOException {
    Path file = checkout.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "x");
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }

  @Test
  void onlySourcesNewerThanTheJarMakeItStale() throws Exception {
    Instant built = Instant.parse("2026-01-01T12:00:00Z");
    Path jar = file("proxy/target/meshgate-proxy.jar", built);
    file("proxy/src/main/java/io/meshgate/A.java", built.minusSeconds(60));
    file("load-tests/target/generated-sources/annotations/Benchmark_jmhType.java", built.plusSeconds(60));
    file(".git/objects/pom.xml", built.plusSeconds(60));
    assertEquals(false, stale(jar), "generated sources under target/ and .git are no sources");

    file("rewriter/src/main/resources/allowed-functions.txt", built.plusSeconds(60));
    assertEquals(true, stale(jar), "a changed main resource");
  }

  @Test
  void aMissingJarOrANewerSourceIsStale() throws Exception {
    Instant built = Instant.parse("2026-01-01T12:00:00Z");
    assertEquals(true, stale(checkout.resolve("proxy/target/missing.jar")));
    Path jar = file("proxy/target/meshgate-proxy.jar", built);
    file("audit/pom.xml", built.plusSeconds(1));
    assertEquals(true, stale(jar));
  }
}
