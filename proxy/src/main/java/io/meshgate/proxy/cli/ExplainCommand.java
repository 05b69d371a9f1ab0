package io.meshgate.proxy.cli;

import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import io.meshgate.policy.json.PolicyInputJson;
import io.meshgate.policy.opa.ManagedOpaProcess;
import io.meshgate.policy.opa.OpaRestConfig;
import io.meshgate.policy.opa.OpaRestPolicyEngine;
import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import io.meshgate.proxy.config.ConfigLoader;
import io.meshgate.proxy.config.MeshgateConfig;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.proxy.governance.StatementGovernor;
import io.meshgate.proxy.metadata.JdbcSchemaCatalog;
import io.meshgate.rewriter.StatementAnalyzer;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.analysis.SettingAllowlist;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@code meshgate explain}: what Meshgate would do with a statement for a user — the
 * analysis, the policy input, the decision with its policy ids, and the rewritten SQL — without
 * running it. It goes through the same {@link StatementGovernor} as a live session.
 */
final class ExplainCommand {
  private ExplainCommand() {}

  static int run(List<String> args, PrintStream out) throws Exception {
    CommandOptions options = CommandOptions.parse(args,
        Set.of("--config", "--user", "--group", "--attribute", "--sql", "--search-path"), Set.of());
    MeshgateConfig config = ConfigLoader.load(Path.of(options.required("--config", "explain")));
    String user = options.required("--user", "explain");
    String sql = options.required("--sql", "explain");
    Subject subject = subject(config, user, options);
    List<String> searchPath = options.value("--search-path")
        .map(value -> List.of(value.split(",")).stream().map(String::trim).toList())
        .orElse(List.of("$user", "public"));

    ManagedOpaProcess managed = null;
    PolicyEngine engine;
    switch (config.policySource()) {
      case MeshgateConfig.PolicySource.Remote remote -> engine = new OpaRestPolicyEngine(
          new OpaRestConfig(remote.url(), config.decisionPath(), config.policyTimeout(), remote.bearerToken()));
      case MeshgateConfig.PolicySource.Managed local -> {
        managed = ManagedOpaProcess.start(
            Meshgate.managedOpaBinary(local, RepositoryRoot.find()), local.policiesDirectory(), 0);
        engine = new OpaRestPolicyEngine(
            new OpaRestConfig(managed.baseUri(), config.decisionPath(), config.policyTimeout(), Optional.empty())
                .withServerRunning(managed::isAlive),
            managed::revision);
      }
    }
    try (JdbcSchemaCatalog catalog = new JdbcSchemaCatalog(config.backend(), Duration.ofMinutes(1))) {
      StatementAnalyzer analyzer = new StatementAnalyzer(catalog, config.backend().database(),
          FunctionAllowlist.builtInAnd(config.allowedExtraFunctions(),
              SettingAllowlist.builtInAnd(config.allowedExtraSettings())));
      StatementGovernor governor = new StatementGovernor(analyzer, engine, Clock.systemUTC());
      SessionIdentity identity = new SessionIdentity(
          "explain-" + UUID.randomUUID(), subject, config.backend().database(), "127.0.0.1", "meshgate explain");
      GovernedStatement governed = governor.govern(identity, sql, searchPath);
      print(out, governed, identity);
      return 0;
    } finally {
      engine.close();
      if (managed != null) {
        managed.close();
      }
    }
  }

  private static Subject subject(MeshgateConfig config, String user, CommandOptions options) throws Exception {
    List<String> groups = options.values("--group");
    List<String> attributes = options.values("--attribute");
    if (!groups.isEmpty() || !attributes.isEmpty()) {
      Map<String, Object> parsed = new LinkedHashMap<>();
      for (String attribute : attributes) {
        int equals = attribute.indexOf('=');
        if (equals <= 0) {
          throw new MeshgateCommand.UsageException("--attribute takes KEY=VALUE, not '" + attribute + "'");
        }
        parsed.put(attribute.substring(0, equals), attribute.substring(equals + 1));
      }
      return new Subject(user, groups, parsed);
    }
    UserEntry entry = UsersFile.load(config.usersFile()).user(user).orElseThrow(() -> new MeshgateCommand.UsageException(
        "user '" + user + "' is not in " + config.usersFile() + "; give --group/--attribute to describe the subject"));
    return new Subject(entry.name(), entry.groups(), entry.attributes());
  }

  private static void print(PrintStream out, GovernedStatement governed, SessionIdentity identity) {
    out.println("statement kind: " + governed.kind());
    if (governed.outcome() == GovernedStatement.Outcome.PASSTHROUGH) {
      out.println("no table decision needed (utility statement or catalog read); forwarded as:");
      out.println("  " + governed.forwardedSql().orElseThrow());
      return;
    }
    if (!governed.relations().isEmpty()) {
      out.println("policy input:");
      PolicyInput input = new PolicyInput(identity.subject(),
          new RequestContext(identity.database(), identity.clientAddress(), identity.applicationName(),
              identity.sessionId(), Clock.systemUTC().instant()),
          StatementKind.valueOf(governed.kind().toUpperCase(java.util.Locale.ROOT)), governed.relations(),
          governed.ddlAction());
      out.println("  " + PolicyInputJson.encode(input));
    }
    governed.decision().ifPresent(decision -> printDecision(out, decision, governed.relations()));
    governed.refusal().ifPresent(error -> out.println(
        "refused: SQLSTATE " + error.sqlState() + ": " + error.message()));
    governed.forwardedSql().ifPresent(sql -> {
      out.println("rewritten SQL sent to the backend:");
      out.println("  " + sql);
    });
  }

  static void printDecision(PrintStream out, Decision decision, List<RelationAccess> relations) {
    out.println("decision: " + (decision.allow() ? "allow" : "deny")
        + (decision.denyReasons().isEmpty() ? "" : " — " + String.join("; ", decision.denyReasons())));
    out.println("  policies: " + (decision.policies().isEmpty() ? "(none)" : String.join(", ", decision.policies())));
    for (RelationAccess access : relations) {
      RelationPolicy policy = decision.policyFor(access.relation());
      out.println("  " + access.relation().key() + " (" + access.access().wireName() + ")");
      for (int index = 0; index < policy.rowFilters().size(); index++) {
        out.println("    row filter: " + policy.rowFilters().get(index) + fromRule(policy.rowFilterPolicy(index)));
      }
      new TreeMap<>(policy.columnMasks()).forEach((column, mask) -> out.println(
          "    mask: " + column + " -> " + mask + fromRule(policy.columnMaskPolicy(column))));
      policy.deniedColumns().stream().sorted().forEach(column -> out.println("    denied column: " + column));
      if (policy.isUnrestricted()) {
        out.println("    no filters, masks or denied columns");
      }
    }
  }

  /** The rule a filter or mask comes from, where the decision names it. */
  private static String fromRule(Optional<String> policy) {
    return policy.map(id -> " (policy " + id + ")").orElse("");
  }
}
