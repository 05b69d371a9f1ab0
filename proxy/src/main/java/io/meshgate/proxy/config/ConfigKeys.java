package io.meshgate.proxy.config;

/**
 * Every configuration key with its default and meaning: this list is the reference README.md
 * points operators to, and {@link ConfigLoader} refuses any key that is not on it.
 */
public enum ConfigKeys {
  LISTEN_HOST("listen.host", "127.0.0.1", "address the PostgreSQL protocol listener binds to"),
  LISTEN_PORT("listen.port", "7432", "port of the PostgreSQL protocol listener"),
  METRICS_PORT("metrics.port", "9464", "port of the Prometheus /metrics endpoint; 'off' disables it"),
  TLS_MODE("tls.mode", "disabled", "disabled, optional (SSLRequest and direct TLS accepted) or required (plain connections refused)"),
  TLS_CERTIFICATE("tls.certificate", null, "PEM certificate chain of the listener (with tls.mode optional or required)"),
  TLS_PRIVATE_KEY("tls.private_key", null, "PEM (PKCS#8) private key of that certificate"),
  BACKEND_HOST("backend.host", "127.0.0.1", "PostgreSQL backend host"),
  BACKEND_PORT("backend.port", "5432", "PostgreSQL backend port"),
  BACKEND_DATABASE("backend.database", null, "backend database; also the catalog name policies see"),
  BACKEND_USER("backend.user", null, "Meshgate's own least-privileged backend role"),
  BACKEND_PASSWORD_FILE("backend.password_file", null, "file holding that role's password (first line)"),
  USERS_FILE("users.file", null, "users file (SCRAM verifiers, groups, attributes)"),
  AUTH_METHOD("auth.method", "scram", "scram (SCRAM-SHA-256, the password never crosses the wire) or password (cleartext; needed for JWT bearer tokens)"),
  AUTH_CLEARTEXT_WITHOUT_TLS("auth.cleartext_without_tls", "refuse", "with auth.method=password, whether a password or token may arrive on a connection without TLS: refuse, loopback (only from 127.0.0.1 or ::1; the demo's choice) or allow"),
  JWT_ISSUER("jwt.issuer", null, "expected iss of JWT bearer tokens; setting it enables JWT (needs auth.method=password)"),
  JWT_AUDIENCE("jwt.audience", null, "expected aud of JWT bearer tokens"),
  JWT_JWKS("jwt.jwks", null, "JWKS with the token signing keys: a file path or an https:// URL"),
  JWT_ATTRIBUTE_CLAIMS("jwt.attribute_claims", null, "claims that become the subject's attributes, comma-separated; unset: every claim but iss, sub, aud, exp, nbf, iat, jti and groups. Name only claims users cannot edit at the identity provider"),
  OPA_URL("opa.url", null, "URL of a running OPA server; give this or opa.policies"),
  OPA_BEARER_TOKEN_FILE("opa.bearer_token_file", null, "file holding a bearer token for opa.url"),
  OPA_POLICIES("opa.policies", null, "policies directory served by a local OPA process Meshgate manages"),
  OPA_BINARY("opa.binary", null, "OPA binary for opa.policies (default: the pinned build from policy-engine/bin/ensure-opa)"),
  OPA_DECISION_PATH("opa.decision_path", "meshgate/decision", "decision path under /v1/data"),
  OPA_TIMEOUT("opa.timeout", "2s", "timeout of one policy decision"),
  DECISION_CACHE_TTL("decision_cache.ttl", "5s", "how long a decision is reused for the same subject and relations; 0s disables the cache"),
  AUDIT_FILE("audit.file", null, "audit log (JSON Lines, hash-chained)"),
  AUDIT_ON_FAILURE("audit.on_failure", "refuse", "refuse: no statement runs while the audit log cannot be written (invariant 5); serve: keep serving and count meshgate_audit_failures_total"),
  AUDIT_FSYNC("audit.fsync", "always", "always: fsync each batch before answering; never: leave it to the OS"),
  AUDIT_MAX_HELD_EVENTS("audit.max_held_events", "1000", "audit events of answered statements a session holds until their transaction ends (the Sync of a pipelined batch, as pgjdbc executeBatch sends); past it they are written at once with transaction state open, and the statement at the Sync settles them (audit/README.md, \"Did a write take effect?\")"),
  MAX_MESSAGE_BYTES("protocol.max_message_bytes", "67108864", "largest protocol message accepted from a client"),
  MESSAGE_BUDGET_BYTES("protocol.message_budget_bytes", "auto", "bytes that client messages of 64 KiB or more may hold at once, over all sessions; a message beyond it is refused with 53200. auto: a quarter of the smaller of the JVM's maximum heap and direct memory, at least protocol.max_message_bytes + 1"),
  LARGE_MESSAGE_MIN_RATE("protocol.large_message_min_rate", "1048576", "bytes a second at which the rest of a client message of 64 KiB or more must arrive once its header has (it holds protocol.message_budget_bytes meanwhile), after a grace of 10 s; a slower client's session ends with 08P01"),
  AUTHENTICATION_TIMEOUT("auth.timeout", "30s", "time a client has to finish authenticating"),
  IDLE_TIMEOUT("session.idle_timeout", "0s", "close sessions idle (no statement under way) this long; 0s = never, as PostgreSQL's idle_session_timeout"),
  METADATA_CACHE_TTL("metadata.cache_ttl", "60s", "how long table columns read from the backend are cached"),
  FUNCTIONS_ALLOWED_EXTRA("functions.allowed_extra", "", "functions users may call beyond the built-in allowlist, comma-separated: name (pg_catalog) or schema.name; add only functions that compute from their arguments (no SQL text, files, settings or other tables)"),
  SETTINGS_ALLOWED_EXTRA("settings.allowed_extra", "", "settings users may change (SET, SET LOCAL, set_config) beyond the built-in allowlist, comma-separated: name, or prefix.name for a custom setting; add only settings that change neither what the backend reads nor how much of it one session may take (the role, the checked settings and transform_null_equals cannot be added)");

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKeys(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  /** Null when the key is required or optional without a default. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
