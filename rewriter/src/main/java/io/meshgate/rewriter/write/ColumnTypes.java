package io.meshgate.rewriter.write;

import java.util.Locale;

/** Column type names as PostgreSQL's format_type writes them, for casts of new values. */
final class ColumnTypes {
  private ColumnTypes() {}

  /**
   * The type a new row's value is cast to before the row filters check it. Where an explicit
   * cast changes a value exactly as the assignment to the column will (a number rounded to its
   * scale, a time to its precision), the column's own type, so the filters check the value that
   * is stored: {@code 9999.996} under {@code amount < 10000} is stored in a {@code numeric(12,2)}
   * as {@code 10000.00}. Character and bit strings lose their modifier, because an explicit
   * cast would cut a value the assignment refuses as too long.
   */
  static String forNewRow(String type) {
    String lower = type.strip().toLowerCase(Locale.ROOT);
    boolean cutByExplicitCast = lower.startsWith("character") || lower.startsWith("char")
        || lower.startsWith("bpchar") || lower.startsWith("varchar") || lower.startsWith("bit")
        || lower.startsWith("varbit");
    return cutByExplicitCast ? withoutModifier(type) : type;
  }

  /**
   * The type without its modifier ({@code numeric(12,2)} → {@code numeric}, {@code character
   * varying(20)} → {@code character varying}); {@code character} and {@code bit} become
   * {@code bpchar} and {@code varbit}, because without a modifier they mean length 1.
   */
  static String withoutModifier(String type) {
    String base = type.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").strip();
    String array = "";
    while (base.endsWith("[]")) {
      array += "[]";
      base = base.substring(0, base.length() - 2).strip();
    }
    String lower = base.toLowerCase(Locale.ROOT);
    if (lower.equals("character") || lower.equals("char")) {
      base = "bpchar";
    } else if (lower.equals("bit")) {
      base = "varbit";
    }
    return base + array;
  }
}
