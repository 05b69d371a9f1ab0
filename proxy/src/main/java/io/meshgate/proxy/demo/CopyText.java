package io.meshgate.proxy.demo;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Rows in the text format of PostgreSQL's {@code COPY ... FROM STDIN}: tab-separated, {@code \N}
 * for NULL, backslash escapes for the characters the format reserves. Values are formatted
 * without the JVM's locale, so the same rows give the same bytes everywhere.
 */
final class CopyText {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

  private final StringBuilder text = new StringBuilder();
  private int rows;

  /** Appends one row; a value is null, an empty {@link OptionalDouble}, or a string, number, date or timestamp. */
  CopyText row(Object... values) {
    for (int index = 0; index < values.length; index++) {
      if (index > 0) {
        text.append('\t');
      }
      append(values[index]);
    }
    text.append('\n');
    rows++;
    return this;
  }

  int rows() {
    return rows;
  }

  @Override
  public String toString() {
    return text.toString();
  }

  private void append(Object value) {
    switch (value) {
      case null -> text.append("\\N");
      case OptionalDouble optional when optional.isEmpty() -> text.append("\\N");
      case OptionalDouble optional -> text.append(optional.getAsDouble());
      case String string -> escape(string);
      case Integer number -> text.append(number.intValue());
      case Long number -> text.append(number.longValue());
      case Double number -> text.append(number.doubleValue());
      case BigDecimal number -> text.append(number.toPlainString());
      case LocalDate date -> text.append(date);
      case LocalDateTime timestamp -> text.append(TIMESTAMP.format(timestamp));
      case Enum<?> constant -> escape(constant.name());
      default -> throw new IllegalArgumentException("no COPY text form for " + value.getClass().getName());
    }
  }

  private void escape(String value) {
    for (int index = 0; index < value.length(); index++) {
      char character = value.charAt(index);
      switch (character) {
        case '\\' -> text.append("\\\\");
        case '\t' -> text.append("\\t");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        default -> text.append(character);
      }
    }
  }
}
