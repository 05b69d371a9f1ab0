package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The current public keys of a JWKS location. Keys are fetched on first use, again once the
 * time to live has passed, and early when a token names a key id the set does not have
 * (rotation). Fetches are at least the minimum refresh interval apart, whatever the tokens say.
 *
 * <p>If the time to live has passed and the fetch fails, tokens are refused until a fetch
 * succeeds (fail closed: a key the provider has withdrawn must stop working). Fetches block the
 * calling thread, at most for the request time (10 s) however slowly the body comes, so callers
 * must not be on a Netty event loop. Thread-safe; concurrent callers
 * wait for one fetch instead of starting their own.
 */
final class JwksCache {
  static final int MAXIMUM_SIZE = 1024 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final JwksLocation location;
  private final Duration timeToLive;
  private final Duration minimumRefreshInterval;
  private final InstantSource clock;
  private final ReentrantLock fetchLock = new ReentrantLock();
  private volatile Snapshot snapshot;
  private Instant lastFetchAttempt;
  private HttpClient httpClient;

  private record Snapshot(JWKSet keys, Instant fetchedAt) {}

  JwksCache(JwksLocation location, Duration timeToLive, Duration minimumRefreshInterval, InstantSource clock) {
    this.location = requireNonNull(location, "location is null");
    this.timeToLive = requireNonNull(timeToLive, "timeToLive is null");
    this.minimumRefreshInterval = requireNonNull(minimumRefreshInterval, "minimumRefreshInterval is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The key set to verify with now; fetches if there is none yet or it has expired. */
  JWKSet keys() throws IOException {
    Snapshot current = snapshot;
    if (isFresh(current)) {
      return current.keys();
    }
    fetchLock.lock();
    try {
      current = snapshot;
      if (isFresh(current)) {
        return current.keys();
      }
      if (!mayFetch()) {
        throw new IOException("JWKS from " + describe() + " has expired and the last fetch failed; next attempt after "
            + lastFetchAttempt.plus(minimumRefreshInterval));
      }
      return fetch().keys();
    } finally {
      fetchLock.unlock();
    }
  }

  /**
   * The key set after a token named {@code keyId} that it did not contain: fetched again unless
   * the last fetch was too recent (then the current set, which still lacks the key).
   */
  JWKSet keysAfterUnknownKeyId(String keyId) throws IOException {
    fetchLock.lock();
    try {
      Snapshot current = snapshot;
      if (isFresh(current) && current.keys().getKeyByKeyId(keyId) != null) {
        // Another thread fetched the rotated set while this one waited.
        return current.keys();
      }
      if (!mayFetch()) {
        return keys();
      }
      return fetch().keys();
    } finally {
      fetchLock.unlock();
    }
  }

  private boolean isFresh(Snapshot current) {
    return current != null && clock.instant().isBefore(current.fetchedAt().plus(timeToLive));
  }

  private boolean mayFetch() {
    return lastFetchAttempt == null || !clock.instant().isBefore(lastFetchAttempt.plus(minimumRefreshInterval));
  }

  private Snapshot fetch() throws IOException {
    Instant now = clock.instant();
    lastFetchAttempt = now;
    String json = switch (location) {
      case JwksLocation.LocalFile file -> readFile(file);
      case JwksLocation.Url url -> download(url);
    };
    JWKSet keys;
    try {
      // Only public halves are ever used, even if someone published private keys by mistake.
      keys = JWKSet.parse(json).toPublicJWKSet();
    } catch (ParseException e) {
      throw new IOException("JWKS from " + describe() + " is not a valid JSON Web Key Set: " + e.getMessage(), e);
    }
    Snapshot fetched = new Snapshot(keys, now);
    snapshot = fetched;
    return fetched;
  }

  private static String readFile(JwksLocation.LocalFile file) throws IOException {
    if (Files.size(file.path()) > MAXIMUM_SIZE) {
      throw new IOException("JWKS file " + file.path() + " is larger than " + MAXIMUM_SIZE + " bytes");
    }
    return Files.readString(file.path(), StandardCharsets.UTF_8);
  }

  /**
   * The request's timeout covers only the wait for the response headers, and a fetch holds the
   * lock every token check waits on: a body that stalls (a hung provider, a dead network path)
   * must end the fetch too. So the download runs on its own thread and is given up, and that
   * thread interrupted, once the request time has passed.
   */
  private String download(JwksLocation.Url url) throws IOException {
    // Made here, under the fetch lock, rather than on the download's thread.
    HttpClient client = httpClient();
    CompletableFuture<String> download = new CompletableFuture<>();
    Thread downloader = Thread.ofVirtual().name("meshgate-jwks-download").start(() -> {
      try {
        download.complete(downloadNow(client, url));
      } catch (IOException | RuntimeException e) {
        download.completeExceptionally(e);
      }
    });
    try {
      return download.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      downloader.interrupt();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching JWKS from " + url.url(), e);
    } catch (TimeoutException e) {
      downloader.interrupt();
      throw new IOException("JWKS from " + url.url() + " did not arrive within " + REQUEST_TIMEOUT, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException failed) {
        throw failed;
      }
      throw new IOException("cannot fetch JWKS from " + url.url() + ": " + e.getCause(), e.getCause());
    }
  }

  private static String downloadNow(HttpClient client, JwksLocation.Url url) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url.url())
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json, application/jwk-set+json")
        .GET()
        .build();
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching JWKS from " + url.url(), e);
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("JWKS URL " + url.url() + " answered HTTP " + response.statusCode());
      }
      byte[] bytes = body.readNBytes(MAXIMUM_SIZE + 1);
      if (bytes.length > MAXIMUM_SIZE) {
        throw new IOException("JWKS from " + url.url() + " is larger than " + MAXIMUM_SIZE + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private HttpClient httpClient() {
    if (httpClient == null) {
      httpClient = HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          // NORMAL never follows a redirect from https to http.
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
    }
    return httpClient;
  }

  private String describe() {
    return switch (location) {
      case JwksLocation.LocalFile file -> "file " + file.path();
      case JwksLocation.Url url -> "URL " + url.url();
    };
  }
}
