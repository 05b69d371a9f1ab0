package io.meshgate.proxy.session;

import io.meshgate.proxy.protocol.ErrorFields;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The backend settings that decide where a literal or a comment ends in the SQL Meshgate
 * forwards: Meshgate lexes it as UTF-8 with standard-conforming strings, and forwards
 * allowlisted utility statements as the client wrote them, so a backend that reads it otherwise
 * (a backslash escaping a quote in a plain string, a byte of a UTF-8 character and a backslash
 * making one SJIS character) runs text Meshgate took for a value. Read from the backend's own
 * ParameterStatus reports, at startup and after any change, so a server or database default
 * counts as much as what a client asked for.
 */
final class BackendReading {
  /** UTF8 as PostgreSQL spells it after dropping case and punctuation; UNICODE is its alias. */
  private static final Set<String> UTF8_NAMES = Set.of("utf8", "unicode");

  private BackendReading() {}

  /** Whether {@code encoding} names UTF8, as PostgreSQL matches encoding names. */
  static boolean isUtf8(String encoding) {
    return UTF8_NAMES.contains(encoding.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
  }

  /**
   * The error that ends the session when a ParameterStatus body ({@code name\0value\0}) reports
   * a setting Meshgate cannot forward SQL under; empty for every other report.
   */
  static Optional<ErrorFields> violation(ByteBuf parameterStatusBody) {
    int start = parameterStatusBody.readerIndex();
    int nameEnd = parameterStatusBody.indexOf(start, parameterStatusBody.writerIndex(), (byte) 0);
    if (nameEnd < 0) {
      return Optional.empty();
    }
    int valueEnd = parameterStatusBody.indexOf(nameEnd + 1, parameterStatusBody.writerIndex(), (byte) 0);
    if (valueEnd < 0) {
      return Optional.empty();
    }
    String name = parameterStatusBody.toString(start, nameEnd - start, StandardCharsets.UTF_8);
    String value = parameterStatusBody.toString(nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.UTF_8);
    boolean unsafe = switch (name) {
      case "client_encoding" -> !isUtf8(value);
      case "standard_conforming_strings" -> !value.equals("on");
      default -> false;
    };
    if (!unsafe) {
      return Optional.empty();
    }
    return Optional.of(ErrorFields.fatal("08001", "the backend reads SQL with " + name + " = " + value
            + "; Meshgate forwards SQL only to a backend that reads it as Meshgate does (client_encoding UTF8,"
            + " standard_conforming_strings on)")
        .withHint("Operators: set " + name + " for the database or role Meshgate connects as."));
  }
}
