package io.meshgate.loadtests.pgbench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** What each pgbench client runs in a loop. */
public sealed interface PgbenchScript {
  /** The built-in select-only script ({@code -S}): one primary-key lookup in pgbench_accounts. */
  record SelectOnly() implements PgbenchScript {}

  /** A custom script file ({@code -f}). */
  record File(Path path) implements PgbenchScript {
    public File {
      requireNonNull(path, "path is null");
    }
  }

  /** The command-line argument that selects this script. */
  default String argument() {
    return switch (this) {
      case SelectOnly selectOnly -> "--select-only";
      case File file -> "--file=" + file.path();
    };
  }
}
