package io.meshgate.proxy.session;

import io.meshgate.rewriter.ApplicationNames;
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

  private BackendSessionParameters() {}

  static Map<String, String> forBackend(Map<String, String> clientParameters, String user) {
    Map<String, String> parameters = new LinkedHashMap<>();
    clientParameters.forEach((name, value) -> {
      if (FORWARDED.contains(name)) {
        parameters.put(name, value);
      }
    });
    parameters.put("application_name",
        ApplicationNames.reported(user, clientParameters.getOrDefault("application_name", "")));
    return parameters;
  }
}
