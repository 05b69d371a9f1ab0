package io.meshgate.rewriter.ddl;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Why a statement that starts like DDL but is not on the allowlist is refused. The reasons are
 * the ones a client can act on: the statement embeds a query or code Meshgate would not see run,
 * changes privileges or the enforcement itself (42501), or is simply not governed (0A000).
 */
final class RefusedDdl {
  private static final String CODE =
      "runs code whose SQL Meshgate cannot analyse, later and as Meshgate's backend role";
  private static final String PRIVILEGES =
      "changes privileges, which Meshgate governs through policies, not the backend's grants";
  private static final String OUTSIDE_DOMAINS = "acts outside the domains' schemas";

  /** Objects of CREATE/ALTER/DROP, by their first word, that are refused with 42501 and why. */
  private static final Map<String, String> DENIED_OBJECTS = Map.ofEntries(
      Map.entry("function", CODE),
      Map.entry("procedure", CODE),
      Map.entry("routine", CODE),
      Map.entry("trigger", CODE),
      Map.entry("constraint", CODE), // CREATE CONSTRAINT TRIGGER
      Map.entry("event", CODE),
      Map.entry("rule", "rewrites other statements, so what runs would not be what Meshgate governed"),
      Map.entry("language", CODE),
      Map.entry("aggregate", CODE),
      Map.entry("operator", CODE),
      Map.entry("cast", CODE),
      Map.entry("transform", CODE),
      Map.entry("extension", "installs code and objects into the database"),
      Map.entry("type", CODE),
      Map.entry("domain", CODE),
      Map.entry("policy", "changes row-level security, part of the enforcement"),
      Map.entry("role", PRIVILEGES),
      Map.entry("user", PRIVILEGES),
      Map.entry("group", PRIVILEGES),
      Map.entry("default", PRIVILEGES), // ALTER DEFAULT PRIVILEGES
      Map.entry("owned", PRIVILEGES), // DROP OWNED
      Map.entry("system", "changes the server's configuration"),
      Map.entry("schema", OUTSIDE_DOMAINS),
      Map.entry("database", OUTSIDE_DOMAINS),
      Map.entry("tablespace", OUTSIDE_DOMAINS),
      Map.entry("foreign", "reaches data outside the database"),
      Map.entry("server", "reaches data outside the database"),
      Map.entry("publication", "sends data outside the database"),
      Map.entry("subscription", "reaches data outside the database"),
      Map.entry("access", CODE)); // CREATE ACCESS METHOD

  /** Objects whose definition is a query that runs later: not governed (0A000). */
  private static final Set<String> QUERY_OBJECTS = Set.of("view", "materialized", "recursive");

  private RefusedDdl() {}

  /** The refusal of {@code verb object ...} (e.g. CREATE FUNCTION, ALTER SYSTEM, DROP VIEW). */
  static SqlRefusal object(String verb, String object) {
    String what = (verb + " " + object).toUpperCase(Locale.ROOT);
    String denied = DENIED_OBJECTS.get(object);
    if (denied != null) {
      return new SqlRefusal(Reason.PERMISSION_DENIED,
          "permission denied: " + what + " " + denied + "; it is not allowed through Meshgate", StatementKind.DDL);
    }
    if (QUERY_OBJECTS.contains(object) && !verb.equals("drop")) {
      return new SqlRefusal(Reason.NOT_GOVERNED,
          what + " stores a query that would run later, outside Meshgate's rewriting; it is not governed,"
              + " so the statement was not forwarded (ask the domain to publish a table)", StatementKind.DDL);
    }
    return notGoverned(what);
  }

  /** The refusal of a statement whose first word alone says what it does (GRANT, REINDEX, ...). */
  static SqlRefusal statement(String verb) {
    String what = verb.toUpperCase(Locale.ROOT);
    return switch (verb) {
      case "grant", "revoke", "reassign" -> new SqlRefusal(Reason.PERMISSION_DENIED,
          "permission denied: " + what + " " + PRIVILEGES + "; it is not allowed through Meshgate", StatementKind.DDL);
      case "security" -> new SqlRefusal(Reason.PERMISSION_DENIED,
          "permission denied: SECURITY LABEL changes the enforcement; it is not allowed through Meshgate",
          StatementKind.DDL);
      case "import" -> new SqlRefusal(Reason.PERMISSION_DENIED,
          "permission denied: IMPORT FOREIGN SCHEMA reaches data outside the database; it is not allowed through"
              + " Meshgate", StatementKind.DDL);
      case "refresh" -> new SqlRefusal(Reason.NOT_GOVERNED,
          "REFRESH MATERIALIZED VIEW runs the view's stored query outside Meshgate's rewriting; it is not governed,"
              + " so the statement was not forwarded", StatementKind.DDL);
      default -> notGoverned(what);
    };
  }

  /** A form Meshgate does not forward, named as the client wrote it. */
  static SqlRefusal notGoverned(String what) {
    return new SqlRefusal(Reason.NOT_GOVERNED,
        what + " is not governed by Meshgate (it forwards only the DDL forms listed in policies/CONTRACT.md);"
            + " the statement was not forwarded", StatementKind.DDL);
  }

  /** A clause that would reach beyond the statement's own targets. */
  static SqlRefusal cascade(String verb) {
    return new SqlRefusal(Reason.NOT_GOVERNED,
        verb + " ... CASCADE would also change objects that depend on the target, possibly in other domains;"
            + " change those first, then repeat without CASCADE. The statement was not forwarded", StatementKind.DDL);
  }

  /** A construct that stores or runs a query or code, inside an otherwise allowed form. */
  static SqlRefusal denied(String problem) {
    return new SqlRefusal(Reason.PERMISSION_DENIED,
        "permission denied: " + problem + "; the statement was not forwarded", StatementKind.DDL);
  }
}
