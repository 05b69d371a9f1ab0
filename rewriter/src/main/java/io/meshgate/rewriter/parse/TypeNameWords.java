package io.meshgate.rewriter.parse;

import java.util.Set;

/**
 * Which unquoted words can start the type of a generic typed literal, {@code type 'string'}.
 * PostgreSQL reads {@code word 'string'} as a typed literal wherever its grammar allows an
 * expression and the word can name a type; everywhere else the word is syntax that takes an
 * expression after it ({@code LIKE 'a' ESCAPE '!'}, {@code AT TIME ZONE 'UTC'}, {@code ORDER BY
 * 'x'}). The words that cannot name a type are PostgreSQL 15's reserved keywords, its
 * type-function-name keywords, its column-name keywords that are no type, and the unreserved
 * keywords that take an expression in a query.
 */
final class TypeNameWords {
  private static final Set<String> RESERVED = Set.of(
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
      "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
      "current_date", "current_role", "current_time", "current_timestamp", "current_user",
      "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
      "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
      "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on",
      "only", "or", "order", "placing", "primary", "references", "returning", "select",
      "session_user", "some", "symmetric", "table", "then", "to", "trailing", "true", "union",
      "unique", "user", "using", "variadic", "when", "where", "window", "with");

  private static final Set<String> TYPE_FUNCTION_NAME_KEYWORDS = Set.of(
      "authorization", "binary", "collation", "concurrently", "cross", "current_schema",
      "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left", "like", "natural",
      "notnull", "outer", "overlaps", "right", "similar", "tablesample", "verbose");

  /** Column-name keywords other than the type names of PostgreSQL's ConstTypename. */
  private static final Set<String> NON_TYPE_COLUMN_NAME_KEYWORDS = Set.of(
      "between", "coalesce", "exists", "extract", "greatest", "grouping", "inout", "least",
      "none", "normalize", "nullif", "out", "overlay", "position", "precision", "row", "setof",
      "substring", "treat", "trim", "values", "xmlattributes", "xmlconcat", "xmlelement",
      "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize",
      "xmltable");

  /**
   * Unreserved keywords followed by an expression in a query: {@code ORDER/GROUP/PARTITION BY},
   * {@code ESCAPE}, {@code AT TIME ZONE}, {@code XMLPARSE(DOCUMENT/CONTENT ...)}, {@code
   * XMLROOT(..., VERSION ...)}, {@code PASSING}, {@code FETCH FIRST/NEXT}, window frames.
   */
  private static final Set<String> EXPRESSION_KEYWORDS = Set.of(
      "by", "escape", "zone", "document", "content", "version", "passing", "first", "next",
      "rows", "range", "groups");

  private TypeNameWords() {}

  /**
   * Whether {@code word} (folded, unquoted) can be the alias of a FROM item: PostgreSQL's ColId,
   * any word but its reserved and type-function-name keywords.
   */
  static boolean canBeFromAlias(String word) {
    return !RESERVED.contains(word) && !TYPE_FUNCTION_NAME_KEYWORDS.contains(word);
  }

  /** Whether {@code word} (folded) followed by a string is a typed literal to PostgreSQL. */
  static boolean canStartTypedLiteral(String word) {
    return !RESERVED.contains(word)
        && !TYPE_FUNCTION_NAME_KEYWORDS.contains(word)
        && !NON_TYPE_COLUMN_NAME_KEYWORDS.contains(word)
        && !EXPRESSION_KEYWORDS.contains(word);
  }
}
