package io.meshgate.rewriter.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SearchPathStatementsTest {
  private static SearchPathChange change(String sql) {
    return SearchPathStatements.changeOf(sql).orElseThrow(() -> new AssertionError("no change: " + sql));
  }

  @Test
  void setToListOfNamesFoldsUnquotedWordsAndKeepsQuotedOnes() {
    assertEquals(new SearchPathChange.SetTo(List.of("sales", "My Schema", "$user", "public"), false),
        change("SET search_path TO Sales, \"My Schema\", \"$user\", public"));
    assertEquals(new SearchPathChange.SetTo(List.of("weather"), false), change("set search_path = weather;"));
    assertEquals(new SearchPathChange.SetTo(List.of("weather"), false), change("SET \"SEARCH_PATH\" = weather"));
  }

  @Test
  void stringLiteralsAreOneSchemaEachAsWritten() {
    // PostgreSQL quotes each literal of a list setting: 'a, b' is one schema named "a, b"
    assertEquals(new SearchPathChange.SetTo(List.of("Sales", "a, b"), false),
        change("SET search_path TO 'Sales', 'a, b'"));
  }

  @Test
  void scopeAndSetSchema() {
    assertEquals(new SearchPathChange.SetTo(List.of("sales"), true), change("SET LOCAL search_path TO sales"));
    assertEquals(new SearchPathChange.SetTo(List.of("sales"), false), change("SET SESSION search_path TO sales"));
    assertEquals(new SearchPathChange.SetTo(List.of("Sales"), false), change("SET SESSION SCHEMA 'Sales'"));
    assertEquals(new SearchPathChange.SetTo(List.of("sales"), true), change("set local schema 'sales'"));
  }

  @Test
  void resets() {
    assertEquals(new SearchPathChange.ResetToDefault(false), change("RESET search_path"));
    assertEquals(new SearchPathChange.ResetToDefault(false), change("RESET ALL"));
    assertEquals(new SearchPathChange.ResetToDefault(false), change("DISCARD ALL"));
    assertEquals(new SearchPathChange.ResetToDefault(false), change("SET search_path TO DEFAULT"));
    assertEquals(new SearchPathChange.ResetToDefault(true), change("SET LOCAL search_path = default"));
  }

  @Test
  void statementsThatDoNotChangeTheSearchPath() {
    for (String sql : List.of("SET application_name = 'x'", "RESET statement_timeout", "SHOW search_path",
        "DISCARD PLANS", "SELECT set_config('x', 'y', false)", "BEGIN", "", "SET search_pathx TO a")) {
      assertEquals(Optional.empty(), SearchPathStatements.changeOf(sql), sql);
    }
  }

  @Test
  void valuesMeshgateCannotReadMakeThePathUnknown() {
    for (String sql : List.of("SET search_path FROM CURRENT", "SET search_path TO sales.orders",
        "SET search_path TO a,", "SET search_path TO 1", "SET SCHEMA sales", "SET search_path TO a b",
        "SET search_path TO a; SET search_path TO b")) {
      assertInstanceOf(SearchPathChange.Unrecognised.class, change(sql), sql);
    }
  }
}
