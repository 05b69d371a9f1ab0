package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.RelationName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A catalog query a real client sends, as captured into {@code client-queries/*.sql}: psql
 * 15's backslash commands (from {@code psql -E}) and pgjdbc's DatabaseMetaData (from the
 * server log with {@code log_statement=all}), one statement per file exactly as the client
 * sent it, after one or two {@code --} header lines saying where it came from and, for
 * statements with {@code $n} placeholders, the values the client bound.
 */
record ClientQueryFixture(String name, String sql, List<String> parameterLiterals) {
  private static final Pattern PARAMETERS = Pattern.compile("(?m)^-- parameters: (.*)$");
  private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+) = ('(?:[^']|'')*')");

  ClientQueryFixture {
    requireNonNull(name, "name is null");
    requireNonNull(sql, "sql is null");
    parameterLiterals = List.copyOf(requireNonNull(parameterLiterals, "parameterLiterals is null"));
  }

  static List<ClientQueryFixture> all() {
    Path directory;
    try {
      directory = Path.of(requireNonNull(ClientQueryFixture.class.getResource("/client-queries"),
          "client-queries resource directory is missing").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.list(directory)) {
      List<ClientQueryFixture> fixtures = new ArrayList<>();
      for (Path file : files.filter(path -> path.toString().endsWith(".sql")).sorted().toList()) {
        fixtures.add(read(file));
      }
      return List.copyOf(fixtures);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ClientQueryFixture read(Path file) throws IOException {
    String sql = Files.readString(file);
    List<String> literals = new ArrayList<>();
    Matcher header = PARAMETERS.matcher(sql);
    if (header.find()) {
      Matcher parameter = PARAMETER.matcher(header.group(1));
      while (parameter.find()) {
        if (Integer.parseInt(parameter.group(1)) != literals.size() + 1) {
          throw new IllegalStateException("parameters out of order in " + file);
        }
        literals.add(parameter.group(2));
      }
    }
    String name = file.getFileName().toString();
    return new ClientQueryFixture(name.substring(0, name.length() - ".sql".length()), sql, literals);
  }

  /**
   * The demo catalog, plus every pg_catalog and information_schema relation (without columns):
   * clients name some of them without a schema, which a real backend's metadata answers.
   */
  static SchemaCatalog catalogWithSystemRelations() {
    DemoCatalog demo = new DemoCatalog();
    return (schema, table) -> {
      Optional<TableSchema> known = demo.table(schema, table);
      boolean system = (schema.equals("pg_catalog") && table.startsWith("pg_"))
          || schema.equals("information_schema");
      if (known.isPresent() || !system) {
        return known;
      }
      return Optional.of(
          new TableSchema(new RelationName(DemoCatalog.DATABASE, schema, table), List.of()));
    };
  }

  @Override
  public String toString() {
    return name;
  }
}
