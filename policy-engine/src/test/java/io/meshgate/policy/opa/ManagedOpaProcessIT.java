package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, stopping and failing to start a real OPA. */
class ManagedOpaProcessIT {

  @TempDir Path folder;

  @Test
  void servesThePoliciesOnAFreeLoopbackPortUntilClosed() throws Exception {
    ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), TestRepository.policies(), 0);
    long pid;
    try {
      assertTrue(opa.isAlive());
      assertEquals("127.0.0.1", opa.baseUri().getHost());
      assertEquals(200, get(opa.baseUri().resolve("/health")));
      assertEquals(200, get(opa.baseUri().resolve("/v1/policies")));
      pid = opa.pid().orElseThrow();
    } finally {
      opa.close();
    }

    assertFalse(opa.isAlive());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "OPA process is gone");
    assertThrows(IllegalStateException.class, opa::start);
  }

  @Test
  void startIsIdempotentAndStopTwiceIsHarmless() throws Exception {
    try (ManagedOpaProcess opa = new ManagedOpaProcess(TestRepository.opaBinary(), TestRepository.policies(), 0)) {
      assertThrows(IllegalStateException.class, opa::baseUri);
      opa.start();
      long pid = opa.pid().orElseThrow();
      opa.start();
      assertEquals(pid, opa.pid().orElseThrow());
      opa.stop();
      opa.stop();
      assertFalse(opa.isAlive());
    }
  }

  @Test
  void brokenPoliciesFailTheStartWithOpasErrorAndTheFix() throws Exception {
    Files.writeString(folder.resolve("broken.rego"), "package meshgate\n\ndecision := {\n");

    try (ManagedOpaProcess opa = new ManagedOpaProcess(TestRepository.opaBinary(), folder, 0)) {
      OpaStartException error = assertThrows(OpaStartException.class, opa::start);

      assertTrue(error.getMessage().contains("broken.rego"), error.getMessage());
      assertTrue(error.getMessage().contains("policies/check"), error.getMessage());
      assertFalse(opa.isAlive());
    }
  }

  @Test
  void busyPortFailsTheStart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ManagedOpaProcess opa =
            new ManagedOpaProcess(
                TestRepository.opaBinary(), TestRepository.policies(), taken.getLocalPort(), Duration.ofSeconds(5))) {
      OpaStartException error = assertThrows(OpaStartException.class, opa::start);

      assertTrue(error.getMessage().contains("address already in use"), error.getMessage());
    }
  }

  @Test
  void aPortWhereAnotherServerAnswersTheHealthCheckFailsTheStart() throws Exception {
    // Whatever held OPA's port would be asked for every decision: it must not pass for OPA.
    HttpServer impostor = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    impostor.createContext("/", exchange -> {
      byte[] body = "{\"result\": {\"allow\": true}}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    impostor.start();
    try (ManagedOpaProcess opa = new ManagedOpaProcess(TestRepository.opaBinary(), TestRepository.policies(),
        impostor.getAddress().getPort(), Duration.ofSeconds(5))) {
      OpaStartException error = assertThrows(OpaStartException.class, opa::start);

      assertTrue(error.getMessage().contains("address already in use"), error.getMessage());
      assertFalse(opa.isAlive());
    } finally {
      impostor.stop(0);
    }
  }

  @Test
  void missingFolderOrBinaryIsReportedBeforeStarting() throws Exception {
    try (ManagedOpaProcess noFolder =
            new ManagedOpaProcess(TestRepository.opaBinary(), folder.resolve("nowhere"), 0);
        ManagedOpaProcess noBinary =
            new ManagedOpaProcess(folder.resolve("opa"), TestRepository.policies(), 0)) {
      assertTrue(assertThrows(OpaStartException.class, noFolder::start).getMessage().contains("policies/"));
      assertTrue(assertThrows(OpaStartException.class, noBinary::start).getMessage().contains("OpaBinary.locate"));
    }
  }

  @Test
  void exitingJvmTakesOpaWithIt() throws Exception {
    Path javaLauncher = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                javaLauncher.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ShutdownHookChild.class.getName(),
                TestRepository.opaBinary().toString(),
                TestRepository.policies().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    child.getOutputStream().close();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM exits");
    Matcher pid = Pattern.compile("pid=(\\d+)").matcher(output);
    assertTrue(pid.find(), "child printed OPA's pid: " + output);
    Optional<ProcessHandle> opa = ProcessHandle.of(Long.parseLong(pid.group(1)));

    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (opa.map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    boolean alive = opa.map(ProcessHandle::isAlive).orElse(false);
    opa.ifPresent(ProcessHandle::destroyForcibly);
    assertFalse(alive, "OPA outlived the JVM that started it");
  }

  @Test
  void servesTheFoldersRevisionAndOwnsTheWholeDataTree() throws Exception {
    try (ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), TestRepository.policies(), 0)) {
      assertEquals(PolicyRevision.of(TestRepository.policies()), opa.revision());
      assertEquals(
          "{\"result\":\"" + opa.revision() + "\"}", body(opa.baseUri().resolve("/v1/data/system/bundles/meshgate/manifest/revision")));

      // Nobody else on the machine can change the policies behind Meshgate's back.
      assertEquals(400, put(opa.baseUri().resolve("/v1/policies/intruder"), "package meshgate\n\ndecision := {\"allow\": true}\n"));
      assertEquals(400, put(opa.baseUri().resolve("/v1/data/sales"), "{}"));
    }
  }

  @Test
  void activatesANewBundleWithoutARestartAndKeepsItAcrossOne() throws Exception {
    Files.writeString(folder.resolve("policy.rego"), "package meshgate\n\nanswer := 1\n");
    try (ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), folder, 0)) {
      long pid = opa.pid().orElseThrow();
      String first = opa.revision();
      assertEquals("{\"result\":1}", body(opa.baseUri().resolve("/v1/data/meshgate/answer")));

      Files.writeString(folder.resolve("policy.rego"), "package meshgate\n\nanswer := 2\n");
      assertEquals(first, opa.revision(), "an edit alone changes nothing");
      PolicyBundle second = bundleOf(folder);
      opa.activate(second);

      assertEquals(second.revision(), opa.revision());
      assertEquals("{\"result\":2}", body(opa.baseUri().resolve("/v1/data/meshgate/answer")));
      assertEquals(pid, opa.pid().orElseThrow(), "the same process");

      opa.stop();
      opa.start();
      assertEquals(second.revision(), opa.revision());
      assertEquals("{\"result\":2}", body(opa.baseUri().resolve("/v1/data/meshgate/answer")));
    }
  }

  @Test
  void aBundleActivatedWhileStoppedIsServedAtTheNextStart() throws Exception {
    Files.writeString(folder.resolve("policy.rego"), "package meshgate\n\nanswer := 1\n");
    try (ManagedOpaProcess opa = ManagedOpaProcess.start(TestRepository.opaBinary(), folder, 0)) {
      opa.stop();
      Files.writeString(folder.resolve("policy.rego"), "package meshgate\n\nanswer := 3\n");
      PolicyBundle third = bundleOf(folder);

      opa.activate(third);
      assertEquals(third.revision(), opa.revision());
      opa.start();

      assertEquals("{\"result\":3}", body(opa.baseUri().resolve("/v1/data/meshgate/answer")));
    }
  }

  @Test
  void aBundleOpaRejectsLeavesTheOldOneActive() throws Exception {
    Files.writeString(folder.resolve("policy.rego"), "package meshgate\n\nanswer := 1\n");
    try (ManagedOpaProcess opa =
        new ManagedOpaProcess(TestRepository.opaBinary(), folder, 0, Duration.ofSeconds(15), Duration.ofSeconds(1))) {
      opa.start();
      String first = opa.revision();

      PolicyActivationException error =
          assertThrows(
              PolicyActivationException.class,
              () -> opa.activate(PolicyBundle.of("0123456789ab", "not a tarball".getBytes(StandardCharsets.UTF_8))));

      assertTrue(error.getMessage().contains("did not activate policy revision 0123456789ab"), error.getMessage());
      assertTrue(error.getMessage().contains("keeps serving revision " + first), error.getMessage());
      assertEquals(first, opa.revision());
      assertEquals("{\"result\":1}", body(opa.baseUri().resolve("/v1/data/meshgate/answer")));
    }
  }

  private static PolicyBundle bundleOf(Path policies) throws Exception {
    try (PolicySnapshot snapshot = PolicySnapshot.copy(policies)) {
      return PolicyBundle.build(TestRepository.opaBinary(), snapshot, PolicyBundle.DEFAULT_BUILD_TIMEOUT);
    }
  }

  private static String body(URI uri) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client
          .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString())
          .body()
          .strip();
    }
  }

  private static int put(URI uri, String body) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client
          .send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  private static int get(URI uri) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client
          .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
