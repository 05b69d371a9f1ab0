package io.meshgate.rewriter;

import io.meshgate.rewriter.analysis.UtilityStatements;
import java.nio.charset.StandardCharsets;

/**
 * The application_name Meshgate reports to the backend: {@code meshgate:<end user>} followed
 * by the client's own name, so the backend's logs and pg_stat_activity name the real user
 * whatever the client sets.
 */
public final class ApplicationNames {
  /** PostgreSQL keeps at most NAMEDATALEN - 1 bytes. */
  static final int MAX_BYTES = 63;

  private ApplicationNames() {}

  /** {@code meshgate:<endUser>[/<clientName>]}, cut to what PostgreSQL keeps. */
  public static String reported(String endUser, String clientName) {
    String full = "meshgate:" + endUser + (clientName.isEmpty() ? "" : "/" + clientName);
    return truncateToBytes(full, MAX_BYTES);
  }

  static String setStatement(String endUser, UtilityStatements.ApplicationNameChange change) {
    String value = reported(endUser, change.clientValue());
    return "SET " + (change.local() ? "LOCAL " : "") + "application_name TO '" + value.replace("'", "''") + "'";
  }

  private static String truncateToBytes(String value, int maxBytes) {
    if (value.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return value;
    }
    StringBuilder kept = new StringBuilder();
    int bytes = 0;
    for (int offset = 0; offset < value.length(); ) {
      int codePoint = value.codePointAt(offset);
      int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > maxBytes) {
        break;
      }
      kept.appendCodePoint(codePoint);
      bytes += size;
      offset += Character.charCount(codePoint);
    }
    return kept.toString();
  }
}
