package io.meshgate.rewriter.write;

import java.util.Locale;

/** Column type names as PostgreSQL's format_type writes them, for casts of new values. */
final class ColumnTypes {
  private ColumnTypes() {}

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
