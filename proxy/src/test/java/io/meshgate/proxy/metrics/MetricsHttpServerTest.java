package io.meshgate.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** One port serves /metrics, /health/live and /health/ready. */
class MetricsHttpServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void servesMetricsLivenessAndReadiness() throws Exception {
    ProxyMetrics metrics = new ProxyMetrics(new CollectorRegistry(true));
    metrics.sessionOpened();
    AtomicBoolean backendUp = new AtomicBoolean(true);
    Readiness readiness = new Readiness(List.of(
        () -> ComponentReadiness.ready("opa", "fine"),
        () -> backendUp.get()
            ? ComponentReadiness.ready("backend", "fine")
            : ComponentReadiness.notReady("backend", "connection refused"),
        () -> ComponentReadiness.ready("audit", "fine")));
    try (MetricsHttpServer server = new MetricsHttpServer("127.0.0.1", 0, metrics, readiness);
        HttpClient client = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + server.port();

      HttpResponse<String> live = get(client, base + "/health/live");
      assertEquals(200, live.statusCode());
      assertEquals("application/json; charset=utf-8", live.headers().firstValue("Content-Type").orElseThrow());

      HttpResponse<String> ready = get(client, base + "/health/ready");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals("ready", JSON.readTree(ready.body()).get("status").asText());

      backendUp.set(false);
      HttpResponse<String> notReady = get(client, base + "/health/ready");
      assertEquals(503, notReady.statusCode());
      JsonNode body = JSON.readTree(notReady.body());
      assertEquals("[\"backend\"]", body.get("not_ready").toString());
      assertEquals("connection refused", body.at("/components/backend/detail").asText());

      HttpResponse<String> head = client.send(
          HttpRequest.newBuilder(URI.create(base + "/health/ready")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(503, head.statusCode());
      assertEquals("", head.body());

      HttpResponse<String> post = client.send(
          HttpRequest.newBuilder(URI.create(base + "/health/live")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());

      HttpResponse<String> scrape = get(client, base + "/metrics");
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.body().contains("\nmeshgate_active_sessions 1.0\n"), scrape.body());
    }
  }

  private static HttpResponse<String> get(HttpClient client, String uri) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
