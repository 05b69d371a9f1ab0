package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ApplicationNamesTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer((schema, table) -> Optional.empty(), "mesh");

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SET application_name = 'PostgreSQL JDBC Driver'|SET application_name TO 'meshgate:alice/PostgreSQL JDBC Driver'",
      "set Application_Name to psql|SET application_name TO 'meshgate:alice/psql'",
      "SET LOCAL application_name = 'it''s'|SET LOCAL application_name TO 'meshgate:alice/it''s'",
      "SET SESSION application_name TO DEFAULT|SET application_name TO 'meshgate:alice'",
      "RESET application_name|SET application_name TO 'meshgate:alice'",
      "SET \"application_name\" = 'meshgate:bob'|SET application_name TO 'meshgate:alice/meshgate:bob'"})
  void clientsCannotHideTheEndUserFromTheBackend(String sql, String expected) throws SqlRefusal {
    assertEquals(expected, analyzer.analyze(sql, List.of("public"), "alice").passthroughSql());
  }

  @Test
  void otherUtilityStatementsPassAsWritten() throws SqlRefusal {
    assertEquals("SET extra_float_digits = 3",
        analyzer.analyze("SET extra_float_digits = 3", List.of("public"), "alice").passthroughSql());
    assertEquals("SHOW application_name",
        analyzer.analyze("SHOW application_name", List.of("public"), "alice").passthroughSql());
  }

  @Test
  void cutsToWhatPostgresKeepsWithoutSplittingCharacters() {
    String reported = ApplicationNames.reported("alice", "ü".repeat(40));
    assertEquals(true, reported.getBytes(StandardCharsets.UTF_8).length <= 63);
    assertEquals(true, reported.startsWith("meshgate:alice/ü"));
    assertEquals(false, reported.endsWith("\uFFFD"));
  }
}
