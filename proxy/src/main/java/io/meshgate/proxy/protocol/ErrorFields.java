package io.meshgate.proxy.protocol;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * The fields of an ErrorResponse or NoticeResponse that Meshgate itself writes or reads.
 * {@code detail} and {@code hint} are optional.
 */
public record ErrorFields(
    Severity severity, String sqlState, String message, Optional<String> detail, Optional<String> hint) {
  public ErrorFields {
    requireNonNull(severity, "severity is null");
    requireNonNull(sqlState, "sqlState is null");
    requireNonNull(message, "message is null");
    requireNonNull(detail, "detail is null");
    requireNonNull(hint, "hint is null");
    if (sqlState.length() != 5) {
      throw new IllegalArgumentException("SQLSTATE must have 5 characters: " + sqlState);
    }
  }

  public static ErrorFields error(String sqlState, String message) {
    return new ErrorFields(Severity.ERROR, sqlState, message, Optional.empty(), Optional.empty());
  }

  public static ErrorFields fatal(String sqlState, String message) {
    return new ErrorFields(Severity.FATAL, sqlState, message, Optional.empty(), Optional.empty());
  }

  public ErrorFields withHint(String hintText) {
    return new ErrorFields(severity, sqlState, message, detail, Optional.of(hintText));
  }

  public ErrorFields withDetail(String detailText) {
    return new ErrorFields(severity, sqlState, message, Optional.of(detailText), hint);
  }

  /** Reads SQLSTATE ('C'), message ('M') and severity ('V') from an ErrorResponse body. */
  public static ErrorFields parse(ByteBuf body) {
    ByteBuf view = body.duplicate();
    String code = "XX000";
    String text = "";
    Severity severity = Severity.ERROR;
    while (view.isReadable()) {
      byte field = view.readByte();
      if (field == 0) {
        break;
      }
      String value = ProtocolStrings.readCString(view);
      switch (field) {
        case 'C' -> code = value.length() == 5 ? value : code;
        case 'M' -> text = value;
        case 'V' -> severity = Severity.fromWire(value);
        default -> {
          // Other fields are relayed as raw bytes; Meshgate only reads these three.
        }
      }
    }
    return new ErrorFields(severity, code, text, Optional.empty(), Optional.empty());
  }

  /** Severities Meshgate distinguishes. */
  public enum Severity {
    ERROR,
    FATAL,
    PANIC,
    WARNING,
    NOTICE;

    static Severity fromWire(String value) {
      for (Severity severity : values()) {
        if (severity.name().equals(value)) {
          return severity;
        }
      }
      return ERROR;
    }
  }
}
