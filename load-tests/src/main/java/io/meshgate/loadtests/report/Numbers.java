package io.meshgate.loadtests.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** How the report writes numbers: enough digits to compare, no false precision. */
public final class Numbers {
  private Numbers() {}

  /** Three significant digits below 1000, whole numbers with thousands separators above; "—" for NaN. */
  public static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "—";
    }
    // Choose the format by the value rounded to three digits, so 999.6 is "1,000", not "1000".
    double rounded = new BigDecimal(value).round(new MathContext(3, RoundingMode.HALF_EVEN)).doubleValue();
    double magnitude = Math.abs(rounded);
    if (magnitude >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (magnitude >= 100 || value == 0) {
      return String.format(Locale.ROOT, "%.0f", rounded);
    }
    if (magnitude >= 10) {
      return String.format(Locale.ROOT, "%.1f", rounded);
    }
    if (magnitude >= 1) {
      return String.format(Locale.ROOT, "%.2f", rounded);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** A ratio as "0.42×"; "—" when either side is missing or the denominator is zero. */
  public static String ratio(double numerator, double denominator) {
    double ratio = numerator / denominator;
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return "—";
    }
    return String.format(Locale.ROOT, "%.2f×", ratio);
  }
}
