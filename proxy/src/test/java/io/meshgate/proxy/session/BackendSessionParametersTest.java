package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendSessionParametersTest {

  @Test
  void forwardsSafeSettingsAndReportsTheEndUser() {
    Map<String, String> forwarded = BackendSessionParameters.forBackend(Map.of(
        "user", "alice",
        "database", "other",
        "client_encoding", "UTF8",
        "DateStyle", "ISO",
        "application_name", "psql",
        "options", "-c role=postgres",
        "replication", "database"), "alice");
    assertEquals("UTF8", forwarded.get("client_encoding"));
    assertEquals("ISO", forwarded.get("DateStyle"));
    assertEquals("meshgate:alice/psql", forwarded.get("application_name"));
    assertFalse(forwarded.containsKey("options"), "options can carry -c role=…");
    assertFalse(forwarded.containsKey("replication"));
    assertFalse(forwarded.containsKey("user"), "the backend user is always the service identity");
  }

  @Test
  void truncatesApplicationNameLikePostgres() {
    String longName = "x".repeat(100);
    assertEquals(63, BackendSessionParameters.forBackend(Map.of("application_name", longName), "alice")
        .get("application_name").length());
  }

  @Test
  void parsesSearchPathStartupParameter() {
    assertEquals(List.of("$user", "public"), ClientSession.parseSearchPath(null));
    assertEquals(List.of("sales", "Weird Schema", "public"),
        ClientSession.parseSearchPath("Sales, \"Weird Schema\",public"));
  }
}
