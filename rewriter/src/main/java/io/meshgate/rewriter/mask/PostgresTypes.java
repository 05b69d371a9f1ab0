package io.meshgate.rewriter.mask;

import java.util.Locale;
import java.util.Set;

/** Groups PostgreSQL column types (as {@code format_type()} writes them) by what masks fit them. */
public final class PostgresTypes {
  /** What kind of values a column holds, as far as masks care. */
  public enum Category {
    TEXT,
    NUMERIC,
    DATE,
    TIMESTAMP,
    OTHER
  }

  private static final Set<String> TEXT =
      Set.of("text", "character varying", "character", "varchar", "char", "bpchar", "name",
          "citext");

  private static final Set<String> NUMERIC =
      Set.of("smallint", "integer", "bigint", "numeric", "decimal", "real", "double precision",
          "int2", "int4", "int8", "int", "float4", "float8");

  private static final Set<String> TIMESTAMP =
      Set.of("timestamp without time zone", "timestamp with time zone", "timestamp",
          "timestamptz");

  private PostgresTypes() {}

  public static Category categorize(String formatType) {
    String base = baseName(formatType);
    if (base.isEmpty()) {
      return Category.OTHER;
    }
    if (TEXT.contains(base)) {
      return Category.TEXT;
    }
    if (NUMERIC.contains(base)) {
      return Category.NUMERIC;
    }
    if (base.equals("date")) {
      return Category.DATE;
    }
    if (TIMESTAMP.contains(base)) {
      return Category.TIMESTAMP;
    }
    return Category.OTHER;
  }

  /** Whether the column holds instants ({@code timestamp with time zone}), shown in the session's time zone. */
  public static boolean hasTimeZone(String formatType) {
    String base = baseName(formatType);
    return base.equals("timestamp with time zone") || base.equals("timestamptz");
  }

  /** Whether the column type is exactly {@code text}, so a text result needs no cast. */
  public static boolean isPlainText(String formatType) {
    return formatType.strip().equalsIgnoreCase("text")
        || formatType.strip().equalsIgnoreCase("pg_catalog.text");
  }

  /**
   * The type without modifiers or schema, lower-cased: {@code character varying(100)} is
   * {@code character varying}, {@code timestamp(3) without time zone} is {@code timestamp
   * without time zone}. Arrays and quoted (user-defined) names give "".
   */
  public static String baseName(String formatType) {
    String type = formatType.strip();
    if (type.endsWith("]") || type.contains("\"")) {
      return "";
    }
    type = type.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").strip();
    int dot = type.lastIndexOf('.');
    if (dot >= 0) {
      String schema = type.substring(0, dot);
      if (!schema.equals("pg_catalog") && !schema.equals("public")) {
        return "";
      }
      type = type.substring(dot + 1);
    }
    return type.toLowerCase(Locale.ROOT);
  }
}
