package io.meshgate.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import io.meshgate.proxy.memory.MessageMemoryBudget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path directory;
  private Properties properties;

  @BeforeEach
  void minimalConfig() throws IOException {
    Files.writeString(directory.resolve("backend.password"), "s3cret\n");
    Files.writeString(directory.resolve("users.json"), "{\"users\": {}}");
    Files.createDirectories(directory.resolve("policies"));
    properties = new Properties();
    properties.setProperty("backend.database", "mesh");
    properties.setProperty("backend.user", "meshgate_service");
    properties.setProperty("backend.password_file", "backend.password");
    properties.setProperty("users.file", "users.json");
    properties.setProperty("opa.policies", "policies");
    properties.setProperty("audit.file", "audit/audit.jsonl");
  }

  @Test
  void appliesDefaultsAndResolvesRelativePaths() throws ConfigException {
    MeshgateConfig config = ConfigLoader.fromProperties(properties, directory);
    assertEquals("127.0.0.1", config.listenHost());
    assertEquals(7432, config.listenPort());
    assertEquals(Optional.of(9464), config.metricsPort());
    assertEquals("s3cret", config.backend().password());
    assertEquals(5432, config.backend().port());
    assertEquals(Duration.ofSeconds(2), config.policyTimeout());
    assertEquals(directory.resolve("audit/audit.jsonl"), config.auditFile());
    assertTrue(config.auditFsync());
    MeshgateConfig.PolicySource.Managed managed =
        assertInstanceOf(MeshgateConfig.PolicySource.Managed.class, config.policySource());
    assertEquals(directory.resolve("policies"), managed.policiesDirectory());
  }

  @Test
  void jwtAttributeClaimsCanBeLimitedToTheOnesTheIdentityProviderControls() throws ConfigException {
    properties.setProperty("auth.method", "password");
    properties.setProperty("jwt.issuer", "https://issuer.example");
    properties.setProperty("jwt.audience", "meshgate");
    properties.setProperty("jwt.jwks", "jwks.json");
    assertEquals(Optional.empty(), ConfigLoader.fromProperties(properties, directory).jwt().orElseThrow().attributeClaims());

    properties.setProperty("jwt.attribute_claims", " region, department ,");
    assertEquals(Optional.of(java.util.Set.of("region", "department")),
        ConfigLoader.fromProperties(properties, directory).jwt().orElseThrow().attributeClaims());
  }

  @Test
  void extraAllowedSettingsAreAListOfNamesThatCannotReopenCheckedSettings() throws ConfigException {
    assertEquals(java.util.Set.of(), ConfigLoader.fromProperties(properties, directory).allowedExtraSettings());
    properties.setProperty("settings.allowed_extra", " Work_Mem, myapp.locale ,");
    assertEquals(java.util.Set.of("work_mem", "myapp.locale"),
        ConfigLoader.fromProperties(properties, directory).allowedExtraSettings());
    properties.setProperty("settings.allowed_extra", "work_mem, work mem");
    assertMessage("'settings.allowed_extra': \"work mem\" is not a setting name: write name, or prefix.name for"
        + " a custom setting");
    for (String checked : java.util.List.of("role", "session_authorization", "standard_conforming_strings",
        "client_encoding", "client_min_messages", "debug_print_plan", "search_path", "application_name",
        "transform_null_equals")) {
      properties.setProperty("settings.allowed_extra", "work_mem," + checked);
      assertMessage("'settings.allowed_extra': \"" + checked + "\" cannot be allowed: Meshgate refuses it, or"
          + " checks its values itself, because the SQL it writes relies on it; remove it from the list");
    }
  }

  @Test
  void extraAllowedFunctionsAreAListOfNames() throws ConfigException {
    assertEquals(java.util.Set.of(), ConfigLoader.fromProperties(properties, directory).allowedExtraFunctions());
    properties.setProperty("functions.allowed_extra", " similarity, analytics.safe_ratio ,");
    assertEquals(java.util.Set.of("similarity", "analytics.safe_ratio"),
        ConfigLoader.fromProperties(properties, directory).allowedExtraFunctions());
    properties.setProperty("functions.allowed_extra", "similarity, dblink('x')");
    assertMessage("'functions.allowed_extra': \"dblink('x')\" is not a function name: write name or schema.name");
  }

  @Test
  void theMessageBudgetIsSizedFromTheJvmUnlessSetAndHoldsAtLeastOneLargestMessage() throws ConfigException {
    assertEquals(MessageMemoryBudget.automaticLimitBytes(64 << 20),
        ConfigLoader.fromProperties(properties, directory).messageBudgetBytes());
    properties.setProperty("protocol.message_budget_bytes", "67108865");
    assertEquals((64L << 20) + 1, ConfigLoader.fromProperties(properties, directory).messageBudgetBytes());

    properties.setProperty("protocol.message_budget_bytes", "8388608");
    assertMessage("'protocol.message_budget_bytes' must be 'auto' or a number of bytes of at least 67108865");
    properties.setProperty("protocol.max_message_bytes", "6291456");
    assertEquals(8L << 20, ConfigLoader.fromProperties(properties, directory).messageBudgetBytes());
    properties.setProperty("protocol.max_message_bytes", "2048");
    properties.setProperty("protocol.message_budget_bytes", "4096");
    assertMessage("at least 65536");
    properties.setProperty("protocol.message_budget_bytes", "a lot");
    assertMessage("lower 'protocol.max_message_bytes'");
  }

  @Test
  void theAutomaticMessageBudgetIsAQuarterOfTheSmallerMemoryLimitAndHoldsOneLargestMessage() {
    assertEquals(256L << 20, MessageMemoryBudget.automaticLimitBytes(1L << 30, 4L << 30, 64 << 20));
    assertEquals(128L << 20, MessageMemoryBudget.automaticLimitBytes(1L << 30, 512L << 20, 64 << 20));
    assertEquals((64L << 20) + 1, MessageMemoryBudget.automaticLimitBytes(128L << 20, 128L << 20, 64 << 20));
  }

  @Test
  void namesTheKeyAndTheFix() {
    properties.remove("backend.user");
    assertMessage("backend.user");
    properties.setProperty("backend.user", "x");

    properties.setProperty("opa.url", "http://127.0.0.1:8181");
    assertMessage("exactly one of 'opa.url'");
    properties.remove("opa.url");

    properties.setProperty("opa.timeout", "2 seconds");
    assertMessage("opa.timeout");
    properties.setProperty("opa.timeout", "2s");

    properties.setProperty("listen.prot", "1");
    assertMessage("unknown config key 'listen.prot'");
    properties.remove("listen.prot");

    properties.setProperty("audit.fsync", "sometimes");
    assertMessage("'audit.fsync' must be 'always' or 'never'");
    properties.setProperty("audit.fsync", "never");

    properties.setProperty("jwt.issuer", "https://issuer.example");
    assertMessage("auth.method=password");
    properties.setProperty("auth.method", "password");
    properties.setProperty("jwt.audience", "meshgate");
    properties.setProperty("jwt.jwks", "http://203.0.113.7/jwks.json");
    assertMessage("must be an https:// URL or a file");
  }

  private void assertMessage(String expected) {
    ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.fromProperties(properties, directory));
    assertTrue(error.getMessage().contains(expected), error.getMessage());
  }
}
