package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The governed workload's pgbench script ({@code governed-workload.sql} beside this class), one
 * template for both systems: only the schema names differ, so both run the same statements.
 */
public final class GovernedWorkload {
  private static final String RESOURCE = "governed-workload.sql";
  private static final Pattern VARIABLE = Pattern.compile("(?<!:):([a-z_]+)\\b");

  private final String template;

  private GovernedWorkload(String template) {
    this.template = template;
  }

  /** The workload shipped with this module. */
  public static GovernedWorkload load() {
    try (InputStream input = GovernedWorkload.class.getResourceAsStream(RESOURCE)) {
      if (input == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return of(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  public static GovernedWorkload of(String template) {
    requireNonNull(template, "template is null");
    if (!template.contains("{sales}") || !template.contains("{customers}")) {
      throw new IllegalArgumentException("the workload template must name {sales} and {customers}");
    }
    return new GovernedWorkload(template);
  }

  /** The script as written, with {@code {sales}} and {@code {customers}} for the schemas. */
  public String template() {
    return template;
  }

  /** The pgbench script with the schemas filled in. */
  public String script(String salesSchema, String customersSchema) {
    return template.replace("{sales}", identifier(salesSchema)).replace("{customers}", identifier(customersSchema));
  }

  /**
   * The script's SQL statements with the schemas filled in and pgbench's {@code :variables}
   * replaced by the given integer values, for checking that both systems answer alike.
   */
  public List<String> statements(String salesSchema, String customersSchema, Map<String, Long> values) {
    List<String> statements = new ArrayList<>();
    for (String line : script(salesSchema, customersSchema).lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--") || trimmed.startsWith("\\")) {
        continue;
      }
      Matcher matcher = VARIABLE.matcher(trimmed);
      StringBuilder statement = new StringBuilder();
      while (matcher.find()) {
        Long value = values.get(matcher.group(1));
        if (value == null) {
          throw new IllegalArgumentException("no value for :" + matcher.group(1) + " in: " + trimmed);
        }
        matcher.appendReplacement(statement, Long.toString(value));
      }
      matcher.appendTail(statement);
      statements.add(statement.toString().replaceFirst(";$", ""));
    }
    return List.copyOf(statements);
  }

  private static String identifier(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain schema name: " + name);
    }
    return name;
  }
}
