package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bundle service protocol as OPA speaks it, over real HTTP. */
class BundleServerTest {

  private static final PolicyBundle FIRST = PolicyBundle.of("aaaaaaaaaaaa", "first".getBytes(StandardCharsets.UTF_8));
  private static final PolicyBundle SECOND = PolicyBundle.of("bbbbbbbbbbbb", "second".getBytes(StandardCharsets.UTF_8));

  private BundleServer server;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    server = BundleServer.start(FIRST);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private URI bundleUri() {
    return server.serviceUri().resolve("/" + BundleServer.RESOURCE);
  }

  private HttpResponse<byte[]> get(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesTheBundleWithItsRevisionAsEtagAndTheLongPollingContentType() throws Exception {
    HttpResponse<byte[]> response = get(HttpRequest.newBuilder(bundleUri()));

    assertEquals(200, response.statusCode());
    assertArrayEquals(FIRST.content(), response.body());
    assertEquals("\"aaaaaaaaaaaa\"", response.headers().firstValue("ETag").orElseThrow());
    assertEquals(BundleServer.LONG_POLLING_CONTENT_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("127.0.0.1", server.serviceUri().getHost());
  }

  @Test
  void answersNotModifiedWithTheLongPollingContentTypeWhenOpaHasTheBundle() throws Exception {
    HttpResponse<byte[]> response = get(HttpRequest.newBuilder(bundleUri()).header("If-None-Match", "\"aaaaaaaaaaaa\""));

    assertEquals(304, response.statusCode());
    // Without it OPA would stop long polling for good.
    assertEquals(BundleServer.LONG_POLLING_CONTENT_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void aHeldRequestIsAnsweredAsSoonAsANewBundleIsPublished() throws Exception {
    CompletableFuture<HttpResponse<byte[]>> held =
        client.sendAsync(
            HttpRequest.newBuilder(bundleUri())
                .header("If-None-Match", "\"aaaaaaaaaaaa\"")
                .header("Prefer", "wait=30")
                .timeout(Duration.ofSeconds(40))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    Thread.sleep(300);
    assertFalse(held.isDone(), "the request is held while nothing is new");

    long published = System.nanoTime();
    server.publish(SECOND);
    HttpResponse<byte[]> response = held.get(5, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - published);

    assertEquals(200, response.statusCode());
    assertArrayEquals(SECOND.content(), response.body());
    assertEquals("\"bbbbbbbbbbbb\"", response.headers().firstValue("ETag").orElseThrow());
    assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "answered after " + took);
  }

  @Test
  void aHeldRequestGetsNotModifiedWhenItsWaitIsOver() throws Exception {
    long started = System.nanoTime();
    HttpResponse<byte[]> response =
        get(HttpRequest.newBuilder(bundleUri()).header("If-None-Match", "\"aaaaaaaaaaaa\"").header("Prefer", "wait=1"));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(304, response.statusCode());
    assertTrue(took.compareTo(Duration.ofMillis(900)) > 0, "waited " + took);
  }

  @Test
  void aStaleEtagGetsTheCurrentBundleAtOnce() throws Exception {
    server.publish(SECOND);

    HttpResponse<byte[]> response =
        get(HttpRequest.newBuilder(bundleUri()).header("If-None-Match", "\"aaaaaaaaaaaa\"").header("Prefer", "wait=30"));

    assertEquals(200, response.statusCode());
    assertArrayEquals(SECOND.content(), response.body());
    assertEquals(SECOND, server.current());
  }

  @Test
  void onlyGetOfTheBundleIsServed() throws Exception {
    assertEquals(404, get(HttpRequest.newBuilder(server.serviceUri().resolve("/bundles/other.tar.gz"))).statusCode());
    assertEquals(
        405, get(HttpRequest.newBuilder(bundleUri()).POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode());
  }

  @Test
  void readsTheWaitOfAPreferHeader() {
    assertEquals(Duration.ofSeconds(30), BundleServer.requestedWait("wait=30"));
    assertEquals(Duration.ofSeconds(10), BundleServer.requestedWait("modes=snapshot,delta;wait=10"));
    assertEquals(Duration.ofSeconds(60), BundleServer.requestedWait("wait=3600"), "bounded");
    assertEquals(Duration.ZERO, BundleServer.requestedWait(null));
    assertEquals(Duration.ZERO, BundleServer.requestedWait("respond-async"));
    assertEquals(Duration.ZERO, BundleServer.requestedWait("wait=soon"));
  }
}
