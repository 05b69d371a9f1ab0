package io.meshgate.proxy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalPostgresOptionsTest {
  @Test
  void defaultsAreTemporaryFastAndOnAFreePort() {
    LocalPostgres.Options options = LocalPostgres.Options.defaults();

    assertEquals(Optional.empty(), options.dataDirectory());
    assertEquals(0, options.port());
    assertFalse(options.crashSafe());
    assertEquals("nobody", options.unprivilegedUser());
  }

  @Test
  void withersChangeOneThing() {
    LocalPostgres.Options options = LocalPostgres.Options.defaults()
        .withDataDirectory(Path.of("/data"))
        .withPort(5544)
        .withServerSetting("max_connections", "300")
        .withServerSetting("work_mem", "8MB")
        .withServerSetting("max_connections", "400")
        .withStartTimeout(Duration.ofSeconds(5));

    assertEquals(Optional.of(Path.of("/data")), options.dataDirectory());
    assertEquals(5544, options.port());
    // The setting given last comes last, so it wins on the command line.
    assertEquals(List.of("work_mem", "max_connections"), List.copyOf(options.serverSettings().keySet()));
    assertEquals("400", options.serverSettings().get("max_connections"));
    assertEquals(Duration.ofSeconds(5), options.startTimeout());
  }

  @Test
  void rejectsInvalidValues() {
    LocalPostgres.Options defaults = LocalPostgres.Options.defaults();

    assertThrows(IllegalArgumentException.class, () -> defaults.withPort(70000));
    assertThrows(IllegalArgumentException.class, () -> defaults.withStartTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> defaults.withServerSetting("max connections", "1"));
    assertThrows(IllegalArgumentException.class, () -> defaults.withServerSetting("work_mem", "1\0"));
    assertThrows(IllegalArgumentException.class, () -> defaults.withUnprivilegedUser(" "));
  }

  @Test
  void uriTextEscapesEverythingButUnreservedCharacters() {
    assertEquals("a-Z_0.9~", LocalPostgres.UriText.encode("a-Z_0.9~"));
    assertEquals("p%40ss%3Aw%2Fo%20rd%C3%A9", LocalPostgres.UriText.encode("p@ss:w/o rdé"));
  }
}
