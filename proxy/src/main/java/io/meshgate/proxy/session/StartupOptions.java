package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings a startup packet's {@code options} parameter carries ({@code -c name=value},
 * {@code --name=value}), read as PostgreSQL reads them, so they count as startup parameters of
 * their own: libpq's PGOPTIONS, sqlx's {@code PgConnectOptions::options} and tokio-postgres's
 * {@code options} set {@code search_path} or {@code statement_timeout} this way. The settings
 * then meet the same allowlist as any other startup parameter
 * ({@link BackendSessionParameters#forBackend}), and the session follows the search path it
 * forwards. {@code options} itself never reaches the backend (it could carry {@code -c role=…});
 * its other switches are server switches, dropped as unknown startup parameters are.
 */
final class StartupOptions {
  /** Startup packet keys that are no settings: an option never stands in for them. */
  private static final Set<String> PACKET_KEYS = Set.of("user", "database", "options", "replication");
  /** PostgreSQL's server switches that take a value (postgres.c, process_postgres_switches). */
  private static final String SWITCHES_WITH_VALUE = "BCcDdfhkNprStvW";

  private StartupOptions() {}

  /**
   * The startup parameters with the settings of their {@code options} added. PostgreSQL applies
   * the options' switches first and the packet's own parameters after, so a parameter given
   * both ways keeps the packet's value; within {@code options} the last switch wins.
   */
  static Map<String, String> withOptionSettings(Map<String, String> parameters) {
    requireNonNull(parameters, "parameters is null");
    String options = parameters.get("options");
    if (options == null) {
      return parameters;
    }
    Map<String, String> merged = new LinkedHashMap<>(parameters);
    settings(options).forEach((name, value) -> {
      if (!PACKET_KEYS.contains(name) && !name.startsWith("_pq_.")) {
        merged.putIfAbsent(name, value);
      }
    });
    return Map.copyOf(merged);
  }

  /** The {@code -c name=value} and {@code --name=value} settings of an options string, in order. */
  static Map<String, String> settings(String options) {
    requireNonNull(options, "options is null");
    Map<String, String> settings = new LinkedHashMap<>();
    List<String> arguments = split(options);
    for (int index = 0; index < arguments.size(); index++) {
      String argument = arguments.get(index);
      String setting = null;
      if (argument.startsWith("--")) {
        setting = argument.substring(2);
      } else if (argument.startsWith("-c")) {
        if (argument.length() > 2) {
          setting = argument.substring(2);
        } else if (index + 1 < arguments.size()) {
          setting = arguments.get(++index);
        }
      } else if (argument.length() == 2 && argument.charAt(0) == '-'
          && SWITCHES_WITH_VALUE.indexOf(argument.charAt(1)) >= 0) {
        index++; // another switch's value, not a setting
      }
      int equals = setting == null ? -1 : setting.indexOf('=');
      // PostgreSQL refuses a setting without a value; a name spelled with '-' means '_'.
      if (equals > 0) {
        settings.put(setting.substring(0, equals).replace('-', '_'), setting.substring(equals + 1));
      }
    }
    return settings;
  }

  /** Splits at unescaped white space; a backslash makes the next character literal. */
  private static List<String> split(String options) {
    List<String> arguments = new ArrayList<>();
    StringBuilder argument = new StringBuilder();
    boolean inArgument = false;
    boolean escaped = false;
    for (int offset = 0; offset < options.length(); offset++) {
      char character = options.charAt(offset);
      if (!escaped && isSpace(character)) {
        if (inArgument) {
          arguments.add(argument.toString());
          argument.setLength(0);
          inArgument = false;
        }
        continue;
      }
      inArgument = true;
      if (!escaped && character == '\\') {
        escaped = true;
      } else {
        escaped = false;
        argument.append(character);
      }
    }
    if (inArgument) {
      arguments.add(argument.toString());
    }
    return List.copyOf(arguments);
  }

  /** isspace() in the C locale, as the backend splits options. */
  private static boolean isSpace(char character) {
    return character == ' ' || (character >= '\t' && character <= '\r');
  }
}
