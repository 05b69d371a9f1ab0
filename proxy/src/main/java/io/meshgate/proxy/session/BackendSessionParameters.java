package io.meshgate.proxy.session;

import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.rewriter.ApplicationNames;
import io.meshgate.rewriter.analysis.SettingAllowlist;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which of a client's startup parameters reach the backend: the settings a session may SET,
 * with a value SET may give them ({@link SettingAllowlist#builtIn()}, one list for both), so a
 * startup packet is no way around the list. {@code options} (which can carry {@code -c
 * role=…}) and {@code replication} are no settings and never pass (the settings inside
 * {@code options} arrive here as parameters of their own, {@link StartupOptions}); others are dropped, as
 * PostgreSQL's own defaults then apply. The operator's {@code settings.allowed_extra} is for
 * SET only: a pool that needs such a setting sends it after connecting. The end user is
 * reported in application_name.
 */
final class BackendSessionParameters {
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
      if (SettingAllowlist.builtIn().allowsStartupParameter(name, value)) {
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
