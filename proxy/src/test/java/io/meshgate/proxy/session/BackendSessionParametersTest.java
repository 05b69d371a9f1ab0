package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendSessionParametersTest {

  @Test
  void forwardsSafeSettingsAndReportsTheEndUser() {
    Map<String, String> forwarded = BackendSessionParameters.forBackend(Map.ofEntries(
        Map.entry("user", "alice"),
        Map.entry("database", "other"),
        Map.entry("client_encoding", "UTF8"),
        Map.entry("DateStyle", "ISO"),
        Map.entry("application_name", "psql"),
        Map.entry("options", "-c role=postgres"),
        Map.entry("replication", "database"),
        Map.entry("TIMEZONE", "Europe/Berlin"),
        Map.entry("work_mem", "1TB"),
        Map.entry("SEARCH_PATH", "public, pg_catalog"),
        Map.entry("client_min_messages", "debug5")), "alice");
    assertEquals("UTF8", forwarded.get("client_encoding"));
    assertEquals("ISO", forwarded.get("DateStyle"));
    assertEquals("meshgate:alice/psql", forwarded.get("application_name"));
    assertFalse(forwarded.containsKey("options"), "options can carry -c role=…");
    assertFalse(forwarded.containsKey("replication"));
    assertFalse(forwarded.containsKey("user"), "the backend user is always the service identity");
    assertEquals("Europe/Berlin", forwarded.get("TIMEZONE"), "names are PostgreSQL's, any case");
    assertFalse(forwarded.containsKey("work_mem"), "not on the setting allowlist");
    assertFalse(forwarded.containsKey("SEARCH_PATH"), "the session checks and follows search_path only");
    assertFalse(forwarded.containsKey("client_min_messages"), "debug5 is refused by SET too");
  }

  @Test
  void acceptsOnlyUtf8AsTheClientEncoding() {
    for (String utf8 : List.of("UTF8", "utf-8", "Utf_8", "UNICODE")) {
      assertTrue(BackendSessionParameters.unsupportedClientEncoding(Map.of("client_encoding", utf8)).isEmpty(), utf8);
    }
    assertTrue(BackendSessionParameters.unsupportedClientEncoding(Map.of("user", "alice")).isEmpty(),
        "no client_encoding: Meshgate asks the backend for UTF8");
    assertEquals("UTF8", BackendSessionParameters.forBackend(Map.of(), "alice").get("client_encoding"),
        "whatever the database's own encoding");
    assertEquals("UTF8", BackendSessionParameters.forBackend(Map.of("client_encoding", "utf-8"), "alice")
        .get("client_encoding"));
    for (String other : List.of("SJIS", "BIG5", "GBK", "LATIN1", "SQL_ASCII", "UTF16")) {
      assertEquals("22023", BackendSessionParameters.unsupportedClientEncoding(Map.of("client_encoding", other))
          .orElseThrow(() -> new AssertionError(other + " accepted")).sqlState());
    }
  }

  @Test
  void truncatesApplicationNameLikePostgres() {
    String longName = "x".repeat(100);
    assertEquals(63, BackendSessionParameters.forBackend(Map.of("application_name", longName), "alice")
        .get("application_name").length());
  }

  @Test
  void parsesSearchPathStartupParameter() {
    assertEquals(List.of("$user", "public"), SessionLogin.parseSearchPath(null));
    assertEquals(List.of("sales", "Weird Schema", "public"),
        SessionLogin.parseSearchPath("Sales, \"Weird Schema\",public"));
  }
}
