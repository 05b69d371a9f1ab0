package io.meshgate.rewriter.apply;

import static io.meshgate.rewriter.apply.SessionRefusals.text;
import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlNode;

/**
 * Which to_char, to_date and to_number templates read no locale setting: the template must be a
 * string literal, without TM for dates and without D, G or L for numbers.
 */
final class FormatTemplates {
  /** Text in double quotes in a to_char template, copied as it is (a backslash escapes a quote). */
  private static final Pattern QUOTED_FORMAT_TEXT = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"");

  private final SessionRefusals refusals;

  FormatTemplates(SessionRefusals refusals) {
    this.refusals = requireNonNull(refusals, "refusals is null");
  }

  /** TM (translation mode) takes month and day names from the client's lc_time. */
  void checkDateFormat(SqlNode format, String function) throws SqlRefusal {
    String pattern = formatPattern(format, function);
    if (pattern.contains("tm")) {
      throw refusals.refusal(function + " with the TM prefix (" + text(format) + ") names months and days"
          + " in the client's lc_time; write the pattern without TM, e.g. 'Month'");
    }
  }

  /** D, G and L take the decimal point, group separator and currency from lc_numeric/monetary. */
  void checkNumericFormat(SqlNode format, String function) throws SqlRefusal {
    // PL and SG are signs, not locale symbols
    String pattern = formatPattern(format, function).replace("pl", "").replace("sg", "");
    if (pattern.contains("d") || pattern.contains("g") || pattern.contains("l")) {
      throw refusals.refusal(function + " with D, G or L (" + text(format) + ") takes the decimal point,"
          + " group separator or currency symbol from the client's lc_numeric and lc_monetary;"
          + " write '.' and ',' instead, e.g. '999,999.99'");
    }
  }

  /** The format's template patterns, lower-cased, without its "quoted" literal text. */
  private String formatPattern(SqlNode format, String function) throws SqlRefusal {
    if (format instanceof SqlCharStringLiteral literal) {
      return QUOTED_FORMAT_TEXT.matcher(literal.toValue()).replaceAll("").toLowerCase(Locale.ROOT);
    }
    throw refusals.refusal(function + " needs its format as a string literal, so Meshgate can see that"
        + " it reads no locale setting");
  }
}
