package io.meshgate.proxy.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Times on the command line, as RFC 3339 writes them: a date-time with {@code Z} or an offset
 * ({@code 2026-11-21T10:15:00Z}, {@code 2026-11-21T11:15:00.5+01:00}; {@code t}, {@code z} and a
 * space for {@code T} are allowed, as RFC 3339 allows them), or a full date, which means its
 * midnight in UTC, the day the audit log's UTC times begin.
 */
final class Rfc3339 {
  private Rfc3339() {}

  static Instant parse(String text, String option) throws MeshgateCommand.UsageException {
    String normalized = text.strip().toUpperCase(Locale.ROOT);
    if (normalized.length() > 10 && normalized.charAt(10) == ' ') {
      normalized = normalized.substring(0, 10) + "T" + normalized.substring(11);
    }
    try {
      if (normalized.length() == 10) {
        return LocalDate.parse(normalized, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(normalized, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new MeshgateCommand.UsageException(option + " takes an RFC 3339 time such as 2026-11-21T10:15:00Z"
          + " (with Z or an offset like +01:00) or a date such as 2026-11-21 (UTC midnight), not '" + text + "'");
    }
  }
}
