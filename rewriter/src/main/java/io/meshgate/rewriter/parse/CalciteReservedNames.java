package io.meshgate.rewriter.parse;

import java.util.Set;
import java.util.stream.Stream;

/**
 * Words that Calcite 1.42's Babel parser reserves but PostgreSQL 15 reads as names, so that a
 * client's column or alias of that name would not parse ({@code SELECT set_config(...) AS new},
 * asyncpg's JIT probe; {@code SELECT pattern FROM t}, a column SQLAlchemy leaves unquoted). The
 * normalizer quotes them where PostgreSQL can only mean a name; quoting a name changes nothing
 * for PostgreSQL once it is folded to lower case. {@code CalciteReservedNamesTest} checks that
 * Calcite still reserves each word, so the lists shrink when Calcite stops reserving one.
 */
final class CalciteReservedNames {
  /**
   * Not keywords at all to PostgreSQL 15 ({@code pg_get_keywords()}), so wherever they stand
   * alone (not before a parenthesis, which would make them a function or a table alias with
   * column names) they are a column, table or alias name. {@code date} and {@code unnest} have
   * handling of their own.
   */
  private static final Set<String> NOT_POSTGRES_KEYWORDS = Set.of(
      "asof", "date_part", "dateadd", "datediff", "datepart", "datetime", "define", "describe",
      "friday", "json_scope", "match_condition", "match_recognize", "measure", "minus", "monday",
      "ordinal", "pattern", "qualify", "safe_cast", "safe_offset", "safe_ordinal", "saturday",
      "stream", "sunday", "thursday", "try_cast", "tuesday", "unsigned", "uuid", "variant",
      "wednesday");

  /**
   * PostgreSQL 15's unreserved keywords that Calcite reserves. They are syntax in many places
   * ({@code ROWS BETWEEN}, {@code PARTITION BY}, {@code OVER (}), so they are quoted only right
   * after {@code AS}, where PostgreSQL reads every word as an output or FROM alias, and right
   * before a dot, where no syntax has them ({@code FROM t AS snapshot WHERE snapshot.x}). The ones that
   * start a statement ({@code AS INSERT} may follow PREPARE) or a clause ({@code SET}) are left
   * out, and stay unreadable as aliases.
   */
  private static final Set<String> UNRESERVED_POSTGRES_KEYWORDS = Set.of(
      "current", "cursor", "new", "next", "over", "partition", "range", "rollup", "rows", "skip",
      "snapshot", "volatile");

  /**
   * PostgreSQL 15's other keywords that Calcite reserves. A select list item's name after AS may
   * be any keyword to PostgreSQL (Metabase names its privilege columns {@code table},
   * {@code select}, {@code insert}, {@code update}, {@code delete}), so there, and only there,
   * they are quoted too.
   */
  private static final Set<String> OTHER_POSTGRES_KEYWORDS = Set.of(
      "any", "by", "call", "case", "create", "cross", "default", "delete", "distinct",
      "except", "fetch", "from", "full", "grant", "group", "grouping", "having", "in", "inner",
      "insert", "intersect", "interval", "into", "join", "lateral", "left", "limit", "merge", "natural", "null",
      "offset", "on", "order", "outer", "right", "row", "select", "set", "some", "table",
      "tablesample", "then", "union", "unnest", "update", "using", "values", "when", "where",
      "window", "with");

  private CalciteReservedNames() {}

  /**
   * Whether {@code word} (folded, unquoted) must be quoted for Calcite to read it as the name
   * PostgreSQL reads, given the significant tokens around it.
   */
  static boolean mustQuote(String word, Neighbours neighbours) {
    return switch (neighbours) {
      case OUTPUT_NAME -> NOT_POSTGRES_KEYWORDS.contains(word) || UNRESERVED_POSTGRES_KEYWORDS.contains(word)
          || OTHER_POSTGRES_KEYWORDS.contains(word);
      case BEFORE_PARENTHESIS -> false;
      case AFTER_AS, BEFORE_DOT ->
          NOT_POSTGRES_KEYWORDS.contains(word) || UNRESERVED_POSTGRES_KEYWORDS.contains(word);
      case OTHER -> NOT_POSTGRES_KEYWORDS.contains(word);
    };
  }

  /** Where a word stands, as far as quoting it goes; the first that applies. */
  enum Neighbours {
    /**
     * right after the AS of a select list (or RETURNING) item, and ending it: the item's name,
     * which PostgreSQL reads whatever keyword it is
     */
    OUTPUT_NAME,
    /** followed by {@code (}: a function, or a FROM alias with column names */
    BEFORE_PARENTHESIS,
    /** right after {@code AS}: an alias */
    AFTER_AS,
    /** followed by a dot: a qualifier */
    BEFORE_DOT,
    /** anywhere else */
    OTHER
  }

  /** Every word of the lists, for the test that Calcite still reserves them. */
  static Set<String> words() {
    return Set.copyOf(Stream.of(NOT_POSTGRES_KEYWORDS, UNRESERVED_POSTGRES_KEYWORDS, OTHER_POSTGRES_KEYWORDS)
        .flatMap(Set::stream).toList());
  }
}
