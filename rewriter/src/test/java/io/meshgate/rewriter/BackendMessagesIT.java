package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, why {@code UtilityStatements} refuses {@code SET client_min_messages}
 * below NOTICE and the {@code debug_print_*} settings: the backend would send the client, as
 * notices, the SQL Meshgate forwards (a hash mask's salt in it) and the planner's estimates.
 */
class BackendMessagesIT {
  private static final String SALT = "pepper-2026-secret";
  private static final String SCHEMA = """
      CREATE SCHEMA crm;
      CREATE TABLE crm.contacts (id integer, region text, email text);
      INSERT INTO crm.contacts VALUES (1, 'EU', 'ann@example.org'), (2, 'US', 'bob@example.com');
      ANALYZE crm.contacts;
      """;
  private static final Decision SALTED = Decisions.allow().relation("mesh.crm.contacts",
      List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))),
      Map.of("email", new ColumnMask.Hash(SALT)), Set.of()).build();

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @AfterEach
  void resetTheSession() throws Exception {
    database.notices("RESET ALL");
  }

  private String governed(String sql) throws SqlRefusal {
    AnalyzedStatement statement = database.analyzer().analyze(sql, List.of("public"));
    return statement.requiresDecision() ? statement.rewrite(SALTED) : statement.passthroughSql();
  }

  /** The bytes of the salt as PostgreSQL's node dump prints a text constant's datum. */
  private static String saltAsDatumBytes() {
    return SALT.chars().mapToObj(Integer::toString).collect(Collectors.joining(" "));
  }

  @Test
  void aLogLevelSessionReceivesTheForwardedSqlWhereTheServerLogsStatements() throws Exception {
    // log_min_duration_statement as an operator may set it in postgresql.conf (the test's role is a superuser)
    List<String> notices = database.notices("SET log_min_duration_statement = 0", "SET client_min_messages = log",
        governed("SELECT email FROM crm.contacts"));
    assertTrue(notices.stream().anyMatch(notice -> notice.contains(SALT)), notices.toString());
  }

  @Test
  void debugPrintSettingsSendTheQueryTreeAndThePlanToTheClient() throws Exception {
    List<String> notices = database.notices("SET client_min_messages = log", "SET debug_pretty_print = off",
        "SET debug_print_rewritten = on",
        "SET debug_print_plan = on", governed("SELECT email FROM crm.contacts WHERE id = 2"));
    // the dump comes in lines of 80 characters, broken at spaces
    String all = String.join(" ", notices).replaceAll("\\s+", " ");
    assertTrue(all.contains(saltAsDatumBytes()), "the salt's bytes are in the tree");
    assertTrue(all.contains(":plan_rows"), "the planner's estimates are in the plan");
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET client_min_messages = log", "set client_min_messages to 'LOG'",
      "SET SESSION client_min_messages = debug1", "SET LOCAL \"client_min_messages\" TO debug",
      "SET client_min_messages = \"DEBUG5\"", "SET debug_print_plan = on", "SET debug_print_parse TO true",
      "set \"DEBUG_PRINT_REWRITTEN\" = 1", "SET debug_print_plan = 'tr'"})
  void meshgateRefusesSettingsThatSendBackendInternalsToTheClient(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> governed(sql), sql);
    assertEquals("42501", refusal.sqlState());
  }

  @Test
  void quieterLevelsStillPassAndShowNoForwardedSql() throws Exception {
    List<String> notices = database.notices(governed("SET client_min_messages = warning"),
        governed("SET client_min_messages TO notice"), governed("SET debug_print_plan = off"),
        "SET log_min_duration_statement = 0", governed("SELECT email FROM crm.contacts"));
    assertFalse(notices.stream().anyMatch(notice -> notice.contains(SALT)), notices.toString());
  }
}
