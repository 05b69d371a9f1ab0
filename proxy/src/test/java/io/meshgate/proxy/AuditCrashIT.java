package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.audit.AuditChainVerifier;
import io.meshgate.audit.LogVerificationResult;
import io.meshgate.policy.opa.OpaBinary;
import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoBackend;
import io.meshgate.proxy.demo.DemoDataMesh;
import io.meshgate.proxy.demo.LocalPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Meshgate as its own process, killed with SIGKILL under load: every statement whose results
 * reached a client has its audit event on disk, and the hash chain verifies.
 */
class AuditCrashIT {
  private static final Pattern LISTENING = Pattern.compile("Meshgate listening on [^:]+:(\\d+)");
  @TempDir Path work;

  @Test
  void nothingAcknowledgedIsLostWhenMeshgateIsKilled() throws Exception {
    Path root = RepositoryRoot.find().orElseThrow();
    try (LocalPostgres postgres = LocalPostgres.start(LocalPostgres.Options.defaults())) {
      DemoBackend backend = DemoDataMesh.seed(postgres);
      Path users = work.resolve("users.json");
      UsersFile.of(List.of(new UserEntry("carol", ScramVerifier.create("carol", new SecureRandom()),
          List.of("data_scientists"), Map.of()))).save(users);
      Files.writeString(work.resolve("backend.password"), backend.servicePassword());
      Path audit = work.resolve("audit/audit.jsonl");
      Files.writeString(work.resolve("meshgate.properties"), String.join("\n",
          "listen.port=0",
          "metrics.port=off",
          "backend.host=" + backend.host(),
          "backend.port=" + backend.port(),
          "backend.database=" + backend.database(),
          "backend.user=" + backend.serviceUser(),
          "backend.password_file=backend.password",
          "users.file=users.json",
          "opa.policies=" + root.resolve("policies"),
          "opa.binary=" + OpaBinary.locate(root),
          "audit.file=audit/audit.jsonl",
          "audit.fsync=always",
          ""));
      Path jar = root.resolve("proxy/target/meshgate-proxy-0.1.0-SNAPSHOT.jar");
      assertTrue(Files.isRegularFile(jar), "run after package: " + jar);
      String java = ProcessHandle.current().info().command().orElse("java");
      Process meshgate = new ProcessBuilder(java, "-jar", jar.toString(), "serve", "--config",
          work.resolve("meshgate.properties").toString())
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      List<ProcessHandle> children = new ArrayList<>();
      try {
        int port = awaitPort(meshgate);
        children.addAll(meshgate.descendants().toList()); // the managed OPA and its watcher
        assertFalse(children.isEmpty(), "Meshgate runs a managed OPA");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int client = 0; client < 4; client++) {
          int id = client;
          clients.add(Thread.ofPlatform().start(() -> runLoad(port, id, acknowledged, killed)));
        }
        // Kill under load: once the clients have had enough statements acknowledged (however
        // slow the machine is), and while they keep sending more.
        long loadDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (acknowledged.size() <= 50 && System.nanoTime() < loadDeadline) {
          Thread.sleep(50);
        }
        killed.set(true);
        meshgate.destroyForcibly(); // SIGKILL
        assertTrue(meshgate.waitFor(10, TimeUnit.SECONDS));
        for (ProcessHandle child : children) {
          // no shutdown hook ran: the managed OPA must stop because its parent's pipe closed
          try {
            child.onExit().get(30, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            fail("left running after Meshgate was killed: pid " + child.pid() + " "
                + child.info().commandLine().orElse(""));
          }
        }
        for (Thread thread : clients) {
          thread.join(10_000);
        }
        assertTrue(acknowledged.size() > 20, "load ran: " + acknowledged.size() + " statements acknowledged"
            + (LOAD_FAILURE.get() == null ? "" : "; a client failed: " + LOAD_FAILURE.get()));

        LogVerificationResult verification = AuditChainVerifier.verifyAll(audit);
        assertTrue(verification.intact(), verification.toString());
        Set<String> audited = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
          JsonNode event = json.readTree(line);
          if ("ok".equals(event.at("/outcome/status").asText())) {
            audited.add(event.path("sql").asText());
          }
        }
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(audited);
        assertEquals(Set.of(), missing, "acknowledged statements without an audit event");
      } finally {
        meshgate.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicReference<SQLException> LOAD_FAILURE =
      new java.util.concurrent.atomic.AtomicReference<>();

  private static int awaitPort(Process process) throws Exception {
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    StringBuilder seen = new StringBuilder();
    String line;
    while (System.nanoTime() < deadline && (line = output.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher matcher = LISTENING.matcher(line);
      if (matcher.find()) {
        // Keep draining the child's output so it never blocks on a full pipe.
        Thread.ofPlatform().daemon().start(() -> output.lines().forEach(ignored -> { }));
        return Integer.parseInt(matcher.group(1));
      }
    }
    throw new AssertionError("Meshgate did not start:\n" + seen);
  }

  private static void runLoad(int port, int client, Set<String> acknowledged, AtomicBoolean killed) {
    Properties properties = new Properties();
    properties.setProperty("user", "carol");
    properties.setProperty("password", "carol");
    properties.setProperty("sslmode", "disable");
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/mesh", properties);
        Statement statement = connection.createStatement()) {
      for (int i = 0; !killed.get(); i++) {
        String sql = "SELECT count(*) FROM sales.stores WHERE store_id > " + (i % 50) + " /* client " + client + " #" + i + " */";
        try (ResultSet rows = statement.executeQuery(sql)) {
          rows.next();
          rows.getLong(1);
        }
        // The driver returned: ReadyForQuery reached the client, so the event must be durable.
        acknowledged.add(sql);
      }
    } catch (SQLException e) {
      if (!killed.get()) {
        // not the kill: say why the load stopped in the assertion on the load
        LOAD_FAILURE.compareAndSet(null, e);
      }
    }
  }
}
