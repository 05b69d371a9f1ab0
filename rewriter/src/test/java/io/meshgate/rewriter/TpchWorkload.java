package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TPC-H schema and the 22 queries of {@code src/test/resources/tpch/}, the files the TPC-H
 * integration tests of the proxy and the rewrite benchmark of load-tests read too.
 */
final class TpchWorkload {
  static final int QUERY_COUNT = 22;
  /** The queries name their tables unqualified; the sessions that run them put tpch first. */
  static final List<String> SEARCH_PATH = List.of("tpch", "public");

  private static final Pattern TABLE = Pattern.compile("(?m)^CREATE TABLE tpch\\.(\\w+) \\(\\n((?:  .*\\n)+)");
  private static final Pattern COLUMN = Pattern.compile("^  (\\w+) (.+?) NOT NULL[,)]");

  /** One TPC-H query: {@code q01} … {@code q22} and its text. */
  record Query(String name, String sql) {
    Query {
      requireNonNull(name, "name is null");
      requireNonNull(sql, "sql is null");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private TpchWorkload() {}

  static List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (int number = 1; number <= QUERY_COUNT; number++) {
      String name = String.format("q%02d", number);
      queries.add(new Query(name, resource("/tpch/queries/" + name + ".sql")));
    }
    return List.copyOf(queries);
  }

  /** The demo catalog plus the eight TPC-H tables in schema tpch, with the types of schema.sql. */
  static DemoCatalog catalog() {
    DemoCatalog catalog = new DemoCatalog();
    Matcher table = TABLE.matcher(resource("/tpch/schema.sql"));
    int tables = 0;
    while (table.find()) {
      List<String> columnsAndTypes = new ArrayList<>();
      for (String line : table.group(2).lines().toList()) {
        Matcher column = COLUMN.matcher(line);
        if (!column.find()) {
          throw new IllegalStateException("schema.sql: not a column line: " + line);
        }
        columnsAndTypes.add(column.group(1));
        columnsAndTypes.add(column.group(2));
      }
      catalog.add("tpch", table.group(1), columnsAndTypes.toArray(String[]::new));
      tables++;
    }
    if (tables != 8) {
      throw new IllegalStateException("schema.sql has " + tables + " tables, not TPC-H's 8");
    }
    return catalog;
  }

  private static String resource(String name) {
    try (InputStream in = requireNonNull(TpchWorkload.class.getResourceAsStream(name), name + " is missing")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
