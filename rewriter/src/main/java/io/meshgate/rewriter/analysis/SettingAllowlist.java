package io.meshgate.rewriter.analysis;

import static java.util.Map.entry;
import static java.util.Objects.requireNonNull;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings a session may change through Meshgate ({@code SET}, {@code SET LOCAL}, {@code
 * set_config}, startup parameters); every other setting is refused. A setting nobody listed may
 * change how the backend reads the SQL Meshgate writes ({@code transform_null_equals}), exhaust
 * the backend for everyone ({@code work_mem}), or drive the backend's own row security (a custom
 * {@code app.tenant_id}), so it is only allowed once someone decided it is safe: here, with the
 * reason, or by the operator in {@code settings.allowed_extra}.
 *
 * <p>Names are compared lower-cased: PostgreSQL looks settings up case-insensitively, so {@code
 * SET "Work_Mem"} sets work_mem. Returning a setting to its default ({@code RESET}, {@code SET
 * x TO DEFAULT}, {@code RESET ALL}, {@code DISCARD ALL}) is not governed here: the defaults are
 * the database's, the role's and the startup packet's, which the operator and this list control.
 */
public final class SettingAllowlist {
  /** How the value of an allowed setting is checked. */
  enum Rule {
    /** Any value. */
    ANY,
    /** Only on: the SQL Meshgate writes relies on standard-conforming strings. */
    ON_ONLY,
    /** Only UTF8: Meshgate lexes and forwards UTF-8. */
    UTF8_ONLY,
    /** Only notice, warning or error: LOG and DEBUG messages carry the SQL Meshgate forwards. */
    QUIET_MESSAGE_LEVEL,
    /** Only off: the setting prints the query tree or plan of the SQL Meshgate forwards. */
    OFF_ONLY,
    /** Any path that does not list pg_catalog after another schema, checked by the analyzer. */
    SEARCH_PATH,
    /** Any name, which the analyzer rewrites to keep the end user in front. */
    APPLICATION_NAME
  }

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)*");

  /** Settings that change the backend identity: never allowed. */
  private static final Set<String> IDENTITY = Set.of("role", "session_authorization");

  /**
   * Settings an operator may not add either: besides the identity and the checked settings
   * above, those that change how the backend reads SQL Meshgate writes. With {@code
   * transform_null_equals} on, {@code x = NULL} in a filter or mask means {@code x IS NULL}.
   */
  private static final Set<String> NEVER_EXTRA = Set.of("transform_null_equals");

  private static final Set<String> ON_VALUES = Set.of("on", "true", "yes", "1");
  private static final Set<String> OFF_VALUES = Set.of("off", "false", "no", "0", "default");
  private static final Set<String> UTF8_VALUES = Set.of("utf8", "utf-8", "unicode");

  /**
   * The client_min_messages levels that keep the backend's LOG and DEBUG messages from the
   * client. Those messages carry the SQL Meshgate forwards, hash salts included (a server that
   * logs statements, {@code log_min_duration_statement}, sends each one to a client at LOG), and
   * the {@code debug_print_*} settings send the query tree and the plan with its estimates
   * (BackendMessagesIT).
   */
  private static final Set<String> QUIET_MESSAGE_LEVELS = Set.of("notice", "warning", "error", "default");

  private static final Map<String, Rule> BUILT_IN = Map.ofEntries(
      // What clients send on connect and when their pools hand a connection out, as startup
      // parameters or SET: pgjdbc, DBeaver, Metabase (DateStyle=ISO, TimeZone,
      // extra_float_digits, SET SESSION TIMEZONE), lib/pq and Grafana (datestyle,
      // extra_float_digits), psqlODBC and Tableau (SET DateStyle, extra_float_digits), pgAdmin
      // (SET DateStyle, client_min_messages=notice, client_encoding, set_config('bytea_output')),
      // Npgsql and Power BI (TimeZone, search_path), node-postgres (statement_timeout,
      // lock_timeout, idle_in_transaction_session_timeout). They change how values are written
      // as text and what unqualified names mean, never which rows or columns a user sees:
      // filters and masks are written with typed, qualified names (rewriter/README.md).
      entry("datestyle", Rule.ANY),
      entry("timezone", Rule.ANY),
      entry("intervalstyle", Rule.ANY),
      entry("extra_float_digits", Rule.ANY),
      entry("bytea_output", Rule.ANY),
      entry("application_name", Rule.APPLICATION_NAME),
      entry("search_path", Rule.SEARCH_PATH),
      entry("client_encoding", Rule.UTF8_ONLY),
      entry("standard_conforming_strings", Rule.ON_ONLY),
      entry("client_min_messages", Rule.QUIET_MESSAGE_LEVEL),
      // Transaction modes: what SET TRANSACTION, SET SESSION CHARACTERISTICS AS TRANSACTION and
      // BEGIN ISOLATION LEVEL set too; pgjdbc's setReadOnly/setTransactionIsolation, psycopg2's
      // set_session and SQLAlchemy's isolation_level send them. Read-only is no security
      // boundary in PostgreSQL (any session may turn it off); writes are governed by policy.
      entry("default_transaction_isolation", Rule.ANY),
      entry("default_transaction_read_only", Rule.ANY),
      entry("default_transaction_deferrable", Rule.ANY),
      entry("transaction_isolation", Rule.ANY),
      entry("transaction_read_only", Rule.ANY),
      entry("transaction_deferrable", Rule.ANY),
      // Timeouts analysts set for themselves. Each ends only the session's own statements or
      // session; turning one off lets a session wait longer, as a client's startup parameters
      // always could.
      entry("statement_timeout", Rule.ANY),
      entry("lock_timeout", Rule.ANY),
      entry("idle_in_transaction_session_timeout", Rule.ANY),
      entry("idle_session_timeout", Rule.ANY),
      // How PostgreSQL plans and executes, never what a statement reads: the filters stay behind
      // their OFFSET 0 fence and only leakproof comparisons are copied below it whatever the
      // plan. asyncpg turns jit off around its type introspection (set_config), psqlODBC may
      // turn geqo off, analysts compare plans with enable_*. Memory and parallelism
      // (work_mem, hash_mem_multiplier, maintenance_work_mem, max_parallel_workers_per_gather)
      // are left out: one session could take the backend's memory or workers from everyone.
      entry("jit", Rule.ANY),
      entry("geqo", Rule.ANY),
      entry("plan_cache_mode", Rule.ANY),
      entry("random_page_cost", Rule.ANY),
      entry("seq_page_cost", Rule.ANY),
      entry("cpu_tuple_cost", Rule.ANY),
      entry("cpu_index_tuple_cost", Rule.ANY),
      entry("cpu_operator_cost", Rule.ANY),
      entry("effective_cache_size", Rule.ANY),
      entry("from_collapse_limit", Rule.ANY),
      entry("join_collapse_limit", Rule.ANY),
      entry("enable_async_append", Rule.ANY),
      entry("enable_bitmapscan", Rule.ANY),
      entry("enable_gathermerge", Rule.ANY),
      entry("enable_hashagg", Rule.ANY),
      entry("enable_hashjoin", Rule.ANY),
      entry("enable_incremental_sort", Rule.ANY),
      entry("enable_indexonlyscan", Rule.ANY),
      entry("enable_indexscan", Rule.ANY),
      entry("enable_material", Rule.ANY),
      entry("enable_memoize", Rule.ANY),
      entry("enable_mergejoin", Rule.ANY),
      entry("enable_nestloop", Rule.ANY),
      entry("enable_parallel_append", Rule.ANY),
      entry("enable_parallel_hash", Rule.ANY),
      entry("enable_partition_pruning", Rule.ANY),
      entry("enable_partitionwise_aggregate", Rule.ANY),
      entry("enable_partitionwise_join", Rule.ANY),
      entry("enable_seqscan", Rule.ANY),
      entry("enable_sort", Rule.ANY),
      entry("enable_tidscan", Rule.ANY),
      // Settings that print the query tree or plan as messages: only ever turned off.
      entry("debug_print_parse", Rule.OFF_ONLY),
      entry("debug_print_rewritten", Rule.OFF_ONLY),
      entry("debug_print_plan", Rule.OFF_ONLY));

  private static final SettingAllowlist BUILT_IN_LIST = new SettingAllowlist(BUILT_IN);

  private final Map<String, Rule> rules;

  private SettingAllowlist(Map<String, Rule> rules) {
    this.rules = Map.copyOf(rules);
  }

  /** The settings Meshgate allows on its own. */
  public static SettingAllowlist builtIn() {
    return BUILT_IN_LIST;
  }

  /**
   * The built-in list plus {@code extra} settings, which may then be set to any value.
   *
   * @throws IllegalArgumentException for a name that is no setting name, or names a setting
   *     Meshgate refuses or checks itself (see {@link #validExtra})
   */
  public static SettingAllowlist builtInAnd(Set<String> extra) {
    requireNonNull(extra, "extra is null");
    Map<String, Rule> all = new HashMap<>(BUILT_IN);
    for (String name : extra) {
      all.putIfAbsent(validExtra(name), Rule.ANY);
    }
    return new SettingAllowlist(all);
  }

  /**
   * Checks one name an operator adds and returns it lower-cased: a setting name ({@code name}
   * or {@code prefix.name} for a custom setting), not one that changes the backend identity,
   * one Meshgate allows only some values of, or one that changes how the backend reads
   * Meshgate's SQL.
   */
  public static String validExtra(String name) {
    requireNonNull(name, "name is null");
    String lowered = PgIdentifiers.foldAsciiCase(name);
    if (!NAME.matcher(lowered).matches()) {
      throw new IllegalArgumentException(
          "\"" + name + "\" is not a setting name: write name, or prefix.name for a custom setting");
    }
    Rule builtIn = BUILT_IN.get(lowered);
    if (IDENTITY.contains(lowered) || NEVER_EXTRA.contains(lowered) || (builtIn != null && builtIn != Rule.ANY)) {
      throw new IllegalArgumentException(
          "\"" + name + "\" cannot be allowed: Meshgate refuses it, or checks its values itself,"
              + " because the SQL it writes relies on it; remove it from the list");
    }
    return lowered;
  }

  /**
   * Refuses (42501) a {@code SET} of {@code name} to {@code value}.
   *
   * @param name the setting, lower-cased
   * @param value the value, unquoted and lower-cased; "" for a list or an expression, which
   *     only a setting that takes any value accepts
   */
  void checkSet(String name, String value) throws SqlRefusal {
    Rule rule = listed(name);
    if (!accepts(rule, value)) {
      throw valueRefusal(name, rule);
    }
  }

  /** Refuses (42501) a setting that is not on the list, whatever its value. */
  void checkListed(String name) throws SqlRefusal {
    listed(name);
  }

  /**
   * Refuses (42501) returning the identity settings to their default ({@code SET role TO
   * DEFAULT}); any other setting may go back to the default the operator controls.
   */
  static void checkReset(String name) throws SqlRefusal {
    if (IDENTITY.contains(name)) {
      throw identityRefusal();
    }
  }

  private Rule listed(String name) throws SqlRefusal {
    checkReset(name);
    Rule rule = rules.get(name);
    if (name.isEmpty()) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "Meshgate cannot read which setting this SET changes; write SET name TO value",
          StatementKind.UTILITY);
    }
    if (rule == null) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "setting " + name + " cannot be changed through Meshgate; if changing it is safe for every"
              + " user, ask the platform team to add it to settings.allowed_extra",
          StatementKind.UTILITY);
    }
    return rule;
  }

  /**
   * Whether {@code set_config(name, value, is_local)} may change {@code name} (as PostgreSQL
   * reads it, any case) to any value: only settings that take any value. The search path and
   * application_name are followed and rewritten from SET statements only, and the checked
   * settings would need their value read from the call.
   */
  public boolean allowsAnyValue(String name) {
    requireNonNull(name, "name is null");
    return rules.get(PgIdentifiers.foldAsciiCase(name)) == Rule.ANY;
  }

  /**
   * Whether a client's startup parameter may reach the backend as sent: a setting this list
   * allows with that value. application_name and client_encoding are never taken as sent
   * (Meshgate writes its own), and the search path's pg_catalog rule is checked by the session,
   * which reads it under the name {@code search_path} only.
   */
  public boolean allowsStartupParameter(String name, String value) {
    requireNonNull(name, "name is null");
    requireNonNull(value, "value is null");
    Rule rule = rules.get(PgIdentifiers.foldAsciiCase(name));
    if (rule == null) {
      return false;
    }
    return switch (rule) {
      case ANY -> true;
      // The session checks and follows the startup path given under this spelling; PostgreSQL
      // would take "SEARCH_PATH" too, which must then not reach it unchecked.
      case SEARCH_PATH -> name.equals("search_path");
      case APPLICATION_NAME, UTF8_ONLY -> false;
      case ON_ONLY, QUIET_MESSAGE_LEVEL, OFF_ONLY -> accepts(rule, PgIdentifiers.foldAsciiCase(value.strip()));
    };
  }

  private static boolean accepts(Rule rule, String value) {
    return switch (rule) {
      case ANY, SEARCH_PATH, APPLICATION_NAME -> true;
      case ON_ONLY -> ON_VALUES.contains(value);
      case UTF8_ONLY -> UTF8_VALUES.contains(value);
      case QUIET_MESSAGE_LEVEL -> QUIET_MESSAGE_LEVELS.contains(value);
      case OFF_ONLY -> OFF_VALUES.contains(value);
    };
  }

  /** The refusal of a change of the backend role. */
  static SqlRefusal identityRefusal() {
    return new SqlRefusal(
        Reason.PERMISSION_DENIED,
        "changing the backend role is not allowed through Meshgate",
        StatementKind.UTILITY);
  }

  private static SqlRefusal valueRefusal(String name, Rule rule) {
    String message = switch (rule) {
      case ON_ONLY -> name + " must stay on through Meshgate";
      case UTF8_ONLY -> "client_encoding must stay UTF8 through Meshgate";
      case QUIET_MESSAGE_LEVEL -> name + " must stay at notice, warning or error through Meshgate: the"
          + " backend's log and debug messages show the SQL Meshgate forwards";
      case OFF_ONLY -> name + " cannot be turned on through Meshgate: it prints the SQL Meshgate forwards"
          + " and its plan";
      case ANY, SEARCH_PATH, APPLICATION_NAME -> throw new IllegalStateException(rule + " accepts every value");
    };
    return new SqlRefusal(Reason.PERMISSION_DENIED, message, StatementKind.UTILITY);
  }
}
