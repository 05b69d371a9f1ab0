package io.meshgate.proxy.tpch;

import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The TPC-H schema and queries of {@code rewriter/src/test/resources/tpch/} in this checkout:
 * one copy of the texts for the rewriter's tests, these integration tests and the benchmark.
 */
final class TpchFiles {
  static final int QUERY_COUNT = 22;
  private static final Path DIRECTORY = RepositoryRoot.find()
      .orElseThrow(() -> new IllegalStateException("the TPC-H tests run in a Meshgate checkout"))
      .resolve("rewriter/src/test/resources/tpch");

  private TpchFiles() {}

  /** Name ({@code q01} … {@code q22}) and text of each query, in order, as JUnit arguments. */
  static List<Arguments> queries() {
    List<Arguments> queries;
    try (Stream<Path> files = Files.list(DIRECTORY.resolve("queries"))) {
      queries = files.map(Path::getFileName).map(Path::toString).sorted()
          .map(file -> Arguments.of(file.replace(".sql", ""), read("queries/" + file)))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (queries.size() != QUERY_COUNT) {
      throw new IllegalStateException(DIRECTORY + "/queries holds " + queries.size() + " queries, not TPC-H's 22");
    }
    return queries;
  }

  /** The statements of schema.sql (CREATE TABLE, then the keys), without comments. */
  static List<String> schemaStatements() {
    String text = read("schema.sql").lines()
        .filter(line -> !line.startsWith("--"))
        .reduce("", (all, line) -> all + line + "\n");
    return Arrays.stream(text.split(";\n")).map(String::strip).filter(statement -> !statement.isEmpty()).toList();
  }

  private static String read(String relative) {
    try {
      return Files.readString(DIRECTORY.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
