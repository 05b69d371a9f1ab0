package io.meshgate.proxy.session;

import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.rewriter.ApplicationNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which of a client's startup parameters reach the backend. Only session settings that cannot
 * change identity or load code pass; {@code options} (which can carry {@code -c role=…}) and
 * {@code replication} never do. The end user is reported in application_name.
 */
final class BackendSessionParameters {
  private static final Set<String> FORWARDED = Set.of(
      "client_encoding", "DateStyle", "TimeZone", "IntervalStyle", "extra_float_digits",
      "search_path", "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
      "datestyle", "timezone", "intervalstyle");

  private BackendSessionParameters() {}

  /**
   * Meshgate reads what a client sends, and writes what it forwards, as UTF-8, and forwards
   * allowlisted utility statements as written. A backend reading another client encoding reads
   * other SQL (in SJIS, BIG5 or GBK a byte of a UTF-8 character and a backslash make one
   * character, so a quote Meshgate saw escaped ends a string), so such a session is refused,
   * as {@code SET client_encoding} to another encoding is.
   */
  static Optional<ErrorFields> unsupportedClientEncoding(Map<String, String> clientParameters) {
    String encoding = clientParameters.get("client_encoding");
    if (encoding == null || BackendReading.isUtf8(encoding)) {
      return Optional.empty();
    }
    return Optional.of(ErrorFields.fatal("22023", "client_encoding must be UTF8 through Meshgate, not \""
            + encoding + "\"")
        .withHint("Connect with client_encoding=UTF8 (psql: PGCLIENTENCODING=UTF8)."));
  }

  static Map<String, String> forBackend(Map<String, String> clientParameters, String user) {
    Map<String, String> parameters = new LinkedHashMap<>();
    clientParameters.forEach((name, value) -> {
      if (FORWARDED.contains(name)) {
        parameters.put(name, value);
      }
    });
    // What Meshgate writes is UTF-8 whatever the database's encoding (other values are refused).
    parameters.put("client_encoding", "UTF8");
    parameters.put("application_name",
        ApplicationNames.reported(user, clientParameters.getOrDefault("application_name", "")));
    return parameters;
  }
}
