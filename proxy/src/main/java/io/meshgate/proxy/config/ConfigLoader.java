package io.meshgate.proxy.config;

import io.meshgate.proxy.auth.AuthenticationMethod;
import io.meshgate.proxy.auth.CleartextPasswords;
import io.meshgate.proxy.auth.JwksLocation;
import io.meshgate.proxy.auth.JwtSettings;
import io.meshgate.proxy.backend.BackendEndpoint;
import io.meshgate.proxy.memory.MessageMemoryBudget;
import io.meshgate.proxy.tls.TlsMode;
import io.meshgate.proxy.tls.TlsSettings;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.analysis.SettingAllowlist;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads and validates a properties file into a {@link MeshgateConfig}. */
public final class ConfigLoader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

  private final Properties properties;
  private final Path baseDirectory;

  private ConfigLoader(Properties properties, Path baseDirectory) {
    this.properties = properties;
    this.baseDirectory = baseDirectory;
  }

  public static MeshgateConfig load(Path file) throws ConfigException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    return new ConfigLoader(properties, base).build();
  }

  public static MeshgateConfig fromProperties(Properties properties, Path baseDirectory) throws ConfigException {
    return new ConfigLoader(properties, baseDirectory).build();
  }

  private MeshgateConfig build() throws ConfigException {
    rejectUnknownKeys();
    BackendEndpoint backend = new BackendEndpoint(
        text(ConfigKeys.BACKEND_HOST),
        port(ConfigKeys.BACKEND_PORT),
        required(ConfigKeys.BACKEND_DATABASE),
        required(ConfigKeys.BACKEND_USER),
        firstLine(path(ConfigKeys.BACKEND_PASSWORD_FILE, true), ConfigKeys.BACKEND_PASSWORD_FILE));
    String metrics = text(ConfigKeys.METRICS_PORT);
    Optional<Integer> metricsPort = "off".equals(metrics) ? Optional.empty() : Optional.of(port(ConfigKeys.METRICS_PORT));
    return new MeshgateConfig(
        text(ConfigKeys.LISTEN_HOST),
        port(ConfigKeys.LISTEN_PORT),
        metricsPort,
        tls(),
        backend,
        path(ConfigKeys.USERS_FILE, true),
        authenticationMethod(),
        cleartextWithoutTls(),
        jwt(),
        policySource(),
        text(ConfigKeys.OPA_DECISION_PATH),
        duration(ConfigKeys.OPA_TIMEOUT),
        duration(ConfigKeys.DECISION_CACHE_TTL),
        resolve(required(ConfigKeys.AUDIT_FILE)),
        fsync(),
        serveWithoutAudit(),
        positiveInt(ConfigKeys.MAX_MESSAGE_BYTES),
        messageBudgetBytes(positiveInt(ConfigKeys.MAX_MESSAGE_BYTES)),
        positiveInt(ConfigKeys.LARGE_MESSAGE_MIN_RATE),
        duration(ConfigKeys.AUTHENTICATION_TIMEOUT),
        duration(ConfigKeys.IDLE_TIMEOUT),
        duration(ConfigKeys.METADATA_CACHE_TTL),
        allowedExtraFunctions(),
        allowedExtraSettings(),
        wholeNumber(ConfigKeys.AUDIT_MAX_HELD_EVENTS, 1));
  }

  private Set<String> allowedExtraFunctions() throws ConfigException {
    return names(ConfigKeys.FUNCTIONS_ALLOWED_EXTRA, FunctionAllowlist::validEntry);
  }

  private Set<String> allowedExtraSettings() throws ConfigException {
    return names(ConfigKeys.SETTINGS_ALLOWED_EXTRA, SettingAllowlist::validExtra);
  }

  /**
   * A comma-separated list of names, each checked (and possibly normalized) by {@code valid},
   * which throws IllegalArgumentException naming the fix.
   */
  private Set<String> names(ConfigKeys key, java.util.function.UnaryOperator<String> valid) throws ConfigException {
    String value = properties.getProperty(key.key(), "");
    Set<String> names = new java.util.LinkedHashSet<>();
    for (String part : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        names.add(valid.apply(part.strip()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("'" + key.key() + "': " + e.getMessage());
      }
    }
    return Set.copyOf(names);
  }

  private void rejectUnknownKeys() throws ConfigException {
    Set<String> known = Arrays.stream(ConfigKeys.values()).map(ConfigKeys::key).collect(Collectors.toSet());
    for (String name : properties.stringPropertyNames()) {
      if (!known.contains(name)) {
        throw new ConfigException("unknown config key '" + name + "'; known keys: " + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  private MeshgateConfig.PolicySource policySource() throws ConfigException {
    String url = properties.getProperty(ConfigKeys.OPA_URL.key());
    String policies = properties.getProperty(ConfigKeys.OPA_POLICIES.key());
    if ((url == null) == (policies == null)) {
      throw new ConfigException("set exactly one of '" + ConfigKeys.OPA_URL.key() + "' (a running OPA) or '"
          + ConfigKeys.OPA_POLICIES.key() + "' (a policies directory for a managed local OPA)");
    }
    if (url != null) {
      try {
        URI uri = new URI(url.trim());
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
          throw new ConfigException("'" + ConfigKeys.OPA_URL.key() + "' must be an http:// or https:// URL");
        }
        Optional<String> token = Optional.empty();
        if (properties.getProperty(ConfigKeys.OPA_BEARER_TOKEN_FILE.key()) != null) {
          token = Optional.of(firstLine(path(ConfigKeys.OPA_BEARER_TOKEN_FILE, true), ConfigKeys.OPA_BEARER_TOKEN_FILE));
        }
        return new MeshgateConfig.PolicySource.Remote(uri, token);
      } catch (URISyntaxException e) {
        throw new ConfigException("'" + ConfigKeys.OPA_URL.key() + "' is not a URL: " + e.getMessage());
      }
    }
    Path directory = resolve(policies);
    if (!Files.isDirectory(directory)) {
      throw new ConfigException("'" + ConfigKeys.OPA_POLICIES.key() + "' = " + directory + " is not a directory");
    }
    String binary = properties.getProperty(ConfigKeys.OPA_BINARY.key());
    return new MeshgateConfig.PolicySource.Managed(directory, Optional.ofNullable(binary).map(this::resolve));
  }

  private TlsSettings tls() throws ConfigException {
    String value = text(ConfigKeys.TLS_MODE);
    TlsMode mode = switch (value) {
      case "disabled" -> TlsMode.DISABLED;
      case "optional" -> TlsMode.OPTIONAL;
      case "required" -> TlsMode.REQUIRED;
      default -> throw new ConfigException("'" + ConfigKeys.TLS_MODE.key() + "' must be disabled, optional or required, not '" + value + "'");
    };
    if (mode == TlsMode.DISABLED) {
      return TlsSettings.disabled();
    }
    return TlsSettings.enabled(mode, path(ConfigKeys.TLS_CERTIFICATE, true), path(ConfigKeys.TLS_PRIVATE_KEY, true));
  }

  private CleartextPasswords cleartextWithoutTls() throws ConfigException {
    String value = text(ConfigKeys.AUTH_CLEARTEXT_WITHOUT_TLS);
    return switch (value) {
      case "refuse" -> CleartextPasswords.REFUSE;
      case "loopback" -> CleartextPasswords.LOOPBACK;
      case "allow" -> CleartextPasswords.ALLOW;
      default -> throw new ConfigException("'" + ConfigKeys.AUTH_CLEARTEXT_WITHOUT_TLS.key()
          + "' must be 'refuse', 'loopback' or 'allow', not '" + value + "'");
    };
  }

  private AuthenticationMethod authenticationMethod() throws ConfigException {
    String value = text(ConfigKeys.AUTH_METHOD);
    AuthenticationMethod method = switch (value) {
      case "scram" -> AuthenticationMethod.SCRAM;
      case "password" -> AuthenticationMethod.PASSWORD;
      default -> throw new ConfigException("'" + ConfigKeys.AUTH_METHOD.key() + "' must be 'scram' or 'password', not '" + value + "'");
    };
    if (properties.getProperty(ConfigKeys.JWT_ISSUER.key()) != null && method != AuthenticationMethod.PASSWORD) {
      throw new ConfigException("JWT bearer tokens arrive as passwords: with '" + ConfigKeys.JWT_ISSUER.key()
          + "' set, also set '" + ConfigKeys.AUTH_METHOD.key() + "=password'");
    }
    return method;
  }

  private Optional<JwtSettings> jwt() throws ConfigException {
    if (properties.getProperty(ConfigKeys.JWT_ISSUER.key()) == null) {
      return Optional.empty();
    }
    String jwks = required(ConfigKeys.JWT_JWKS);
    if (jwks.startsWith("http://")) {
      String host = URI.create(jwks).getHost();
      if (!"127.0.0.1".equals(host) && !"localhost".equals(host) && !"[::1]".equals(host)) {
        throw new ConfigException("'" + ConfigKeys.JWT_JWKS.key() + "' must be an https:// URL or a file: over plain"
            + " http anyone on the path could replace the signing keys (http is accepted on loopback only)");
      }
    }
    try {
      JwksLocation location = jwks.startsWith("http://") || jwks.startsWith("https://")
          ? JwksLocation.parse(jwks)
          : JwksLocation.parse(resolve(jwks).toString());
      JwtSettings.Builder settings =
          JwtSettings.builder(required(ConfigKeys.JWT_ISSUER), required(ConfigKeys.JWT_AUDIENCE)).jwks(location);
      String attributeClaims = properties.getProperty(ConfigKeys.JWT_ATTRIBUTE_CLAIMS.key(), "");
      if (!attributeClaims.isBlank()) {
        settings.attributeClaims(Arrays.stream(attributeClaims.split(","))
            .map(String::strip).filter(claim -> !claim.isEmpty()).collect(Collectors.toSet()));
      }
      return Optional.of(settings.build());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("JWT settings: " + e.getMessage());
    }
  }

  private boolean serveWithoutAudit() throws ConfigException {
    String value = text(ConfigKeys.AUDIT_ON_FAILURE);
    return switch (value) {
      case "refuse" -> false;
      case "serve" -> true;
      default -> throw new ConfigException("'" + ConfigKeys.AUDIT_ON_FAILURE.key() + "' must be 'refuse' or 'serve', not '" + value + "'");
    };
  }

  private boolean fsync() throws ConfigException {
    String value = text(ConfigKeys.AUDIT_FSYNC);
    return switch (value) {
      case "always" -> true;
      case "never" -> false;
      default -> throw new ConfigException("'" + ConfigKeys.AUDIT_FSYNC.key() + "' must be 'always' or 'never', not '" + value + "'");
    };
  }

  private String text(ConfigKeys key) throws ConfigException {
    String value = properties.getProperty(key.key(), key.defaultValue());
    if (value == null || value.isBlank()) {
      throw new ConfigException("missing config key '" + key.key() + "': " + key.description());
    }
    return value.trim();
  }

  private String required(ConfigKeys key) throws ConfigException {
    return text(key);
  }

  private int port(ConfigKeys key) throws ConfigException {
    String value = text(key);
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new ConfigException("'" + key.key() + "' must be a port number 0-65535, not '" + value + "'");
    }
  }

  private int positiveInt(ConfigKeys key) throws ConfigException {
    return wholeNumber(key, 1024);
  }

  private int wholeNumber(ConfigKeys key, int minimum) throws ConfigException {
    String value = text(key);
    try {
      int number = Integer.parseInt(value);
      if (number < minimum) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new ConfigException("'" + key.key() + "' must be a whole number of at least " + minimum + ", not '" + value + "'");
    }
  }

  /**
   * {@code auto} sizes the budget from the memory this JVM may use; a number must hold at least
   * one largest message (frame included), or every such message would be refused, and at least
   * one large message (64 KiB).
   */
  private long messageBudgetBytes(int maxMessageBytes) throws ConfigException {
    String value = text(ConfigKeys.MESSAGE_BUDGET_BYTES);
    if ("auto".equals(value)) {
      return MessageMemoryBudget.automaticLimitBytes(maxMessageBytes);
    }
    long minimum = Math.max(maxMessageBytes + 1L, MessageMemoryBudget.LARGE_MESSAGE_BYTES);
    try {
      long bytes = Long.parseLong(value);
      if (bytes >= minimum) {
        return bytes;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ConfigException("'" + ConfigKeys.MESSAGE_BUDGET_BYTES.key() + "' must be 'auto' or a number of bytes of at"
        + " least " + minimum + " (one message of '" + ConfigKeys.MAX_MESSAGE_BYTES.key() + "' and its type byte), not '"
        + value + "': raise it, or lower '" + ConfigKeys.MAX_MESSAGE_BYTES.key() + "'");
  }

  private Duration duration(ConfigKeys key) throws ConfigException {
    String value = text(key);
    Matcher matcher = DURATION.matcher(value);
    if (!matcher.matches()) {
      throw new ConfigException("'" + key.key() + "' must be a duration like 500ms, 2s or 1m, not '" + value + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
  }

  private Path path(ConfigKeys key, boolean mustExist) throws ConfigException {
    Path path = resolve(required(key));
    if (mustExist && !Files.isReadable(path)) {
      throw new ConfigException("'" + key.key() + "' = " + path + " does not exist or is not readable");
    }
    return path;
  }

  private Path resolve(String value) {
    Path path = Path.of(value.trim());
    return path.isAbsolute() ? path : baseDirectory.resolve(path).normalize();
  }

  private static String firstLine(Path file, ConfigKeys key) throws ConfigException {
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      String line = content.lines().findFirst().orElse("").strip();
      if (line.isEmpty()) {
        throw new ConfigException("'" + key.key() + "' = " + file + " is empty");
      }
      return line;
    } catch (IOException e) {
      throw new ConfigException("cannot read '" + key.key() + "' = " + file + ": " + e.getMessage());
    }
  }
}
