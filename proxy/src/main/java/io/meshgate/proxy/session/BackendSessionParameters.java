package io.meshgate.proxy.session;

import java.util.LinkedHashMap;
import java.util.Map;
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
  /** PostgreSQL truncates longer application names (NAMEDATALEN - 1). */
  private static final int MAX_APPLICATION_NAME = 63;

  private BackendSessionParameters() {}

  static Map<String, String> forBackend(Map<String, String> clientParameters, String user) {
    Map<String, String> parameters = new LinkedHashMap<>();
    clientParameters.forEach((name, value) -> {
      if (FORWARDED.contains(name)) {
        parameters.put(name, value);
      }
    });
    String clientApplication = clientParameters.getOrDefault("application_name", "");
    String reported = "meshgate:" + user + (clientApplication.isEmpty() ? "" : "/" + clientApplication);
    parameters.put("application_name", truncate(reported));
    return parameters;
  }

  private static String truncate(String value) {
    if (value.length() <= MAX_APPLICATION_NAME) {
      return value;
    }
    return value.substring(0, MAX_APPLICATION_NAME);
  }
}
