package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupOptionsTest {

  @Test
  void readsTheSettingsOfEveryFormPostgresAccepts() {
    assertEquals(Map.of("search_path", "sales", "statement_timeout", "5s", "lock_timeout", "2s",
            "application_name", "my app"),
        StartupOptions.settings("-c search_path=sales  -cstatement_timeout=5s\t--lock-timeout=2s"
            + " -c application_name=my\\ app"));
  }

  @Test
  void keepsTheLastOfARepeatedSettingAndEscapedCharacters() {
    assertEquals(Map.of("search_path", "b, \\c"), StartupOptions.settings("-c search_path=a -c search_path=b,\\ \\\\c"));
  }

  @Test
  void skipsOtherSwitchesTheirValuesAndSettingsWithoutAValue() {
    assertEquals(Map.of("timezone", "UTC"),
        StartupOptions.settings("-B 100 -c search_path -e -c -D /data --timezone=UTC --work_mem"));
    assertEquals(Map.of(), StartupOptions.settings("-c"));
    assertEquals(Map.of(), StartupOptions.settings("   "));
  }

  @Test
  void packetParametersWinOverTheirOptions() {
    Map<String, String> merged = StartupOptions.withOptionSettings(Map.of(
        "user", "alice", "search_path", "customers", "options", "-c search_path=sales -c DateStyle=ISO"));
    assertEquals("customers", merged.get("search_path"), "PostgreSQL applies the packet's parameters after options");
    assertEquals("ISO", merged.get("DateStyle"));
  }

  @Test
  void optionsNeverStandInForTheUserOrDatabase() {
    Map<String, String> merged = StartupOptions.withOptionSettings(Map.of(
        "user", "alice", "options", "-c user=bob -c database=other -c replication=true -c _pq_.x=1"));
    assertEquals("alice", merged.get("user"));
    assertFalse(merged.containsKey("database"));
    assertFalse(merged.containsKey("replication"));
    assertFalse(merged.containsKey("_pq_.x"));
  }

  @Test
  void optionSettingsMeetTheStartupAllowlist() {
    Map<String, String> forwarded = BackendSessionParameters.forBackend(StartupOptions.withOptionSettings(Map.of(
        "user", "alice",
        "options", "-c role=postgres -c work_mem=1TB -c search_path=sales -c statement_timeout=7s")), "alice");
    assertEquals("sales", forwarded.get("search_path"));
    assertEquals("7s", forwarded.get("statement_timeout"));
    assertFalse(forwarded.containsKey("role"), "options can carry -c role=…");
    assertFalse(forwarded.containsKey("work_mem"), "not on the setting allowlist");
    assertFalse(forwarded.containsKey("options"));
  }

  @Test
  void parametersWithoutOptionsAreLeftAsTheyAre() {
    Map<String, String> parameters = Map.of("user", "alice");
    assertSame(parameters, StartupOptions.withOptionSettings(parameters));
  }
}
