package io.meshgate.proxy.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.proxy.cli.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the Grafana dashboard's PromQL uses. A small lexer rather than a PromQL
 * parser: strings, label matchers, ranges, grouping clauses and template variables are removed,
 * then every remaining identifier that is not a function call, a keyword or part of a number is
 * a metric name.
 */
final class DashboardMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*(.+?)\\s*,\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)");
  private static final Pattern QUERY_RESULT = Pattern.compile("query_result\\(\\s*(.+)\\s*\\)");
  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right",
      "inf", "nan", "Inf", "NaN", "atan2");

  private DashboardMetrics() {}

  static Path dashboard() {
    return RepositoryRoot.find().orElseThrow().resolve("proxy").resolve("dashboards").resolve("meshgate.json");
  }

  /** Every PromQL text in the dashboard: panel targets' expr and template variable queries. */
  static List<String> expressions(Path dashboard) throws IOException {
    JsonNode root = JSON.readTree(dashboard.toFile());
    List<String> expressions = new ArrayList<>();
    collectExpressions(root.path("panels"), expressions);
    for (JsonNode variable : root.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        JsonNode query = variable.path("query");
        expressions.add(variableExpression(query.isTextual() ? query.asText() : query.path("query").asText()));
      }
    }
    return expressions;
  }

  /**
   * The PromQL inside a Grafana variable query: {@code label_values(<selector>, <label>)} and
   * {@code query_result(<expr>)} wrap it in Grafana's own syntax.
   */
  private static String variableExpression(String query) {
    Matcher labelValues = LABEL_VALUES.matcher(query.strip());
    if (labelValues.matches()) {
      return labelValues.group(1);
    }
    Matcher queryResult = QUERY_RESULT.matcher(query.strip());
    return queryResult.matches() ? queryResult.group(1) : query;
  }

  private static void collectExpressions(JsonNode node, List<String> into) {
    if (node.isObject()) {
      JsonNode expr = node.get("expr");
      if (expr != null && expr.isTextual()) {
        into.add(expr.asText());
      }
      node.properties().forEach(field -> collectExpressions(field.getValue(), into));
    } else if (node.isArray()) {
      node.forEach(element -> collectExpressions(element, into));
    }
  }

  /** The metric names one PromQL expression selects. */
  static Set<String> metricNames(String expression) {
    String text = STRING.matcher(expression).replaceAll(" ");
    text = VARIABLE.matcher(text).replaceAll(" ");
    text = MATCHERS.matcher(text).replaceAll(" ");
    text = RANGE.matcher(text).replaceAll(" ");
    text = GROUPING.matcher(text).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(text);
    while (identifier.find()) {
      String name = identifier.group();
      int before = identifier.start() - 1;
      boolean partOfNumber = before >= 0 && (Character.isDigit(text.charAt(before)) || text.charAt(before) == '.');
      int after = identifier.end();
      while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
        after++;
      }
      boolean functionCall = after < text.length() && text.charAt(after) == '(';
      if (!partOfNumber && !functionCall && !KEYWORDS.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /** Every metric name the dashboard uses. */
  static Set<String> metricNames(Path dashboard) throws IOException {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions(dashboard)) {
      names.addAll(metricNames(expression));
    }
    return names;
  }
}
