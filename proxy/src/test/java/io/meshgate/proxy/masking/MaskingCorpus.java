package io.meshgate.proxy.masking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Generates the masking corpus: from a fixed seed, queries of many shapes over the masked
 * columns (projections through string functions and casts, predicates, ordering, aggregates,
 * joins of every type, CTEs, set operations, scalar and LATERAL subqueries, window functions,
 * whole-row references, COPY), plus a fixed list of whole-row and COPY statements.
 * The same seed always gives the same corpus, so a failure can be reproduced.
 */
final class MaskingCorpus {
  /** String functions and casts, {} standing for the column as text. */
  static final List<String> FUNCTIONS = List.of(
      "{}", "lower({})", "upper({})", "substr({}, 1, 6)", "substr({}, 3)", "substring({} from 2 for 9)",
      "concat({}, '#')", "concat('#', {}, '#')", "{} || '|'", "'|' || {}", "reverse({})", "replace({}, 'x', '')",
      "replace({}, '@', ' at ')", "left({}, 9)", "right({}, 9)", "split_part({}, '@', 1)", "split_part({}, '@', 2)",
      "regexp_replace({}, 'x+', '')", "(regexp_match({}, '[^x]+'))[1]", "initcap({})", "trim({})",
      "translate({}, 'x', 'y')", "format('%s', {})", "concat_ws(',', {}, {})", "md5({})", "{}::varchar(200)",
      "CAST({} AS text)", "repeat({}, 2)", "lpad({}, 40, '*')", "overlay({} placing 'q' from 1 for 1)",
      "ltrim({}, 'x')", "btrim({}, 'x')", "quote_literal({})", "to_jsonb({})::text",
      "array_to_string(ARRAY[{}, {}], ';')", "coalesce({}, 'none')", "nullif({}, '')", "greatest({}, 'a')",
      "CASE WHEN {} IS NULL THEN 'n' ELSE {} END", "{}::bytea::text", "upper(reverse(lower({})))");

  private static final List<String> JOINS = List.of("JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "INNER JOIN");
  private static final List<String> SET_OPERATIONS = List.of("UNION", "UNION ALL", "INTERSECT", "EXCEPT", "EXCEPT ALL");
  private static final List<String> PATTERNS = List.of("@", "x", "0", "a", ".", "e", "1");

  private final Random random;
  private final List<String> rawSamples;
  private final Map<String, Function<MaskedColumn, String>> shapes = new LinkedHashMap<>();

  /**
   * @param rawSamples raw values of masked columns (no masked value equals any of them), for
   *     predicates that must find nothing
   */
  private MaskingCorpus(long seed, List<String> rawSamples) {
    this.random = new Random(seed);
    this.rawSamples = List.copyOf(rawSamples);
    shapes.put("projection", column -> "SELECT " + column.keyReference() + ", " + function(column) + " FROM "
        + column.from() + " ORDER BY 1 LIMIT " + limit());
    shapes.put("predicate", column -> "SELECT " + column.keyReference() + ", " + function(column) + " FROM "
        + column.from() + " WHERE " + function(column) + " LIKE '%" + pick(PATTERNS) + "%' ORDER BY 1 LIMIT " + limit());
    shapes.put("order by", column -> "SELECT " + function(column) + " FROM " + column.from() + " ORDER BY "
        + function(column) + (random.nextBoolean() ? " DESC" : "") + ", " + column.keyReference() + " LIMIT " + limit());
    shapes.put("min/max", column -> "SELECT min(" + column.reference() + "), max(" + function(column) + ") FROM "
        + column.from());
    shapes.put("string_agg", column -> "SELECT string_agg(" + function(column) + ", ',' ORDER BY "
        + column.keyReference() + ") FROM " + column.from() + " WHERE " + column.keyReference() + " < " + limit() * 10);
    shapes.put("array_agg", column -> "SELECT array_agg(" + column.reference() + " ORDER BY " + column.keyReference()
        + ") FROM " + column.from() + " WHERE " + column.keyReference() + " < " + limit() * 5);
    shapes.put("group by", column -> "SELECT " + function(column) + ", count(*) FROM " + column.from()
        + " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " + limit());
    shapes.put("distinct", column -> "SELECT DISTINCT " + function(column) + " FROM " + column.from()
        + " ORDER BY 1 LIMIT " + limit());
    shapes.put("join", column -> "SELECT t.transaction_id, " + textFunction("t.customer_email") + ", "
        + function(column) + " FROM sales.store_transactions t " + pick(JOINS) + " customers.customers c ON c.email = "
        + "t.customer_email AND c.customer_id < 40 WHERE t.transaction_id < 40 ORDER BY 1, 2, 3 LIMIT " + limit());
    shapes.put("join on region", column -> "SELECT s.store_id, " + textFunction("c." + pick(List.of("email", "phone")))
        + " FROM sales.stores s " + pick(JOINS) + " customers.customers c ON c.region = s.region AND c.customer_id < 30"
        + " ORDER BY 1, 2 LIMIT " + limit());
    shapes.put("cte", column -> "WITH x AS (SELECT " + column.reference() + " AS v, " + column.keyReference()
        + " AS k FROM " + column.from() + ") SELECT " + textFunction("x.v" + (column.text() ? "" : "::text"))
        + " FROM x ORDER BY x.k LIMIT " + limit());
    shapes.put("cte named like the table", column -> "WITH " + tableName(column) + " AS (SELECT * FROM "
        + column.table() + ") SELECT " + textFunction(column.column() + (column.text() ? "" : "::text")) + " FROM "
        + tableName(column) + " ORDER BY " + column.key() + " LIMIT " + limit());
    shapes.put("set operation", column -> "SELECT " + textFunction("c.email") + " FROM customers.customers c"
        + " WHERE c.customer_id < 30 " + pick(SET_OPERATIONS) + " SELECT " + textFunction("t.customer_email")
        + " FROM sales.store_transactions t WHERE t.transaction_id < 30 ORDER BY 1 LIMIT " + limit());
    shapes.put("scalar subquery", column -> "SELECT (SELECT " + function(column) + " FROM " + column.from()
        + " ORDER BY " + column.keyReference() + " OFFSET " + random.nextInt(50) + " LIMIT 1)");
    shapes.put("correlated subquery", column -> "SELECT s.store_id, (SELECT max(" + textFunction("t.customer_email")
        + ") FROM sales.store_transactions t WHERE t.store_id = s.store_id) FROM sales.stores s ORDER BY 1 LIMIT "
        + limit());
    shapes.put("lateral", column -> "SELECT s.store_id, x.v FROM sales.stores s CROSS JOIN LATERAL (SELECT "
        + textFunction("c." + pick(List.of("email", "phone"))) + " AS v FROM customers.customers c WHERE c.region ="
        + " s.region ORDER BY c.customer_id LIMIT 2) x ORDER BY 1, 2 LIMIT " + limit());
    shapes.put("derived table", column -> "SELECT " + textFunction("d.v" + (column.text() ? "" : "::text"))
        + " FROM (SELECT " + column.reference() + " AS v, " + column.keyReference() + " AS k FROM " + column.from()
        + ") d ORDER BY d.k LIMIT " + limit());
    shapes.put("window", column -> "SELECT " + column.keyReference() + ", first_value(" + column.reference()
        + ") OVER (ORDER BY " + column.keyReference() + "), lag(" + function(column) + ") OVER (ORDER BY "
        + column.keyReference() + ") FROM " + column.from() + " ORDER BY 1 LIMIT " + limit());
    shapes.put("in subquery", column -> "SELECT c.customer_id, " + textFunction("c.email") + " FROM customers.customers c"
        + " WHERE c.email IN (SELECT t.customer_email FROM sales.store_transactions t WHERE t.transaction_id < 500)"
        + " ORDER BY 1 LIMIT " + limit());
    shapes.put("whole row", column -> "SELECT " + pick(List.of("{a}", "row_to_json({a})", "{a}::text", "to_jsonb({a})",
        "json_build_array({a})")).replace("{a}", column.alias()) + " FROM " + column.from() + " ORDER BY "
        + column.keyReference() + " LIMIT " + limit());
    shapes.put("case", column -> "SELECT CASE WHEN " + column.keyReference() + " % 2 = 0 THEN " + function(column)
        + " ELSE " + function(column) + " END FROM " + column.from() + " ORDER BY " + column.keyReference() + " LIMIT "
        + limit());
  }

  /**
   * @param randomCount how many queries to draw at random, besides the fixed ones
   */
  static List<CorpusQuery> generate(long seed, int randomCount, List<String> rawSamples) {
    return new MaskingCorpus(seed, rawSamples).build(randomCount);
  }

  private List<CorpusQuery> build(int randomCount) {
    List<CorpusQuery> corpus = new ArrayList<>(fixed());
    List<String> shapeNames = List.copyOf(shapes.keySet());
    for (int i = 0; i < randomCount; i++) {
      int choice = random.nextInt(shapeNames.size() + 2);
      MaskedColumn column = pick(MaskedColumn.ALL);
      if (choice == shapeNames.size()) {
        corpus.add(new CorpusQuery("copy", "COPY (" + shapes.get("projection").apply(column) + ") TO STDOUT", true,
            false));
      } else if (choice == shapeNames.size() + 1) {
        corpus.add(findsNothing(column));
      } else {
        String shape = shapeNames.get(choice);
        corpus.add(CorpusQuery.of(shape, shapes.get(shape).apply(column)));
      }
    }
    return List.copyOf(corpus);
  }

  /** Every whole-row form and COPY form once, on each table with masked columns. */
  private static List<CorpusQuery> fixed() {
    List<CorpusQuery> fixed = new ArrayList<>();
    for (String from : List.of("customers.customers c", "sales.store_transactions t")) {
      String alias = from.substring(from.length() - 1);
      for (String row : List.of("{a}", "row_to_json({a})", "{a}::text", "to_jsonb({a})", "to_json({a})::text")) {
        fixed.add(CorpusQuery.of("whole row", "SELECT " + row.replace("{a}", alias) + " FROM " + from + " LIMIT 50"));
      }
      fixed.add(CorpusQuery.of("whole row", "SELECT json_agg(" + alias + ") FROM (SELECT * FROM " + from.split(" ")[0]
          + " LIMIT 50) " + alias));
      fixed.add(CorpusQuery.of("whole row", "SELECT " + alias + ".* FROM " + from + " LIMIT 50"));
      fixed.add(CorpusQuery.of("whole row", "SELECT * FROM " + from + " LIMIT 50"));
      fixed.add(CorpusQuery.of("whole row", "TABLE " + from.split(" ")[0]));
      fixed.add(new CorpusQuery("copy", "COPY " + from.split(" ")[0] + " TO STDOUT", true, false));
      fixed.add(new CorpusQuery("copy", "COPY " + from.split(" ")[0] + " (" + (alias.equals("c") ? "email, phone"
          : "customer_email") + ") TO STDOUT WITH (FORMAT csv, HEADER)", true, false));
      fixed.add(new CorpusQuery("copy", "COPY (SELECT " + alias + " FROM " + from + " LIMIT 500) TO STDOUT", true,
          false));
      fixed.add(new CorpusQuery("copy", "COPY (SELECT row_to_json(" + alias + ") FROM " + from + " LIMIT 500) TO STDOUT",
          true, false));
    }
    fixed.add(new CorpusQuery("copy", "COPY customers.customers (email, phone, birth_date) TO STDOUT WITH (FORMAT csv)",
        true, false));
    return fixed;
  }

  /** A masked column compared with a raw value (or its lower case): it must match no row. */
  private CorpusQuery findsNothing(MaskedColumn column) {
    String raw = pick(rawSamples).replace("'", "''");
    String predicate = random.nextBoolean()
        ? column.asText() + " = '" + raw + "'"
        : "lower(" + column.asText() + ") = lower('" + raw + "')";
    return new CorpusQuery("predicate on a raw value", "SELECT " + column.keyReference() + " FROM " + column.from()
        + " WHERE " + predicate, false, true);
  }

  private String function(MaskedColumn column) {
    return textFunction(column.asText());
  }

  private String textFunction(String text) {
    return pick(FUNCTIONS).replace("{}", text);
  }

  private static String tableName(MaskedColumn column) {
    return column.table().substring(column.table().indexOf('.') + 1);
  }

  private int limit() {
    return 1 + random.nextInt(30);
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
