package io.meshgate.loadtests.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay in this JVM (Netty's paranoid leak detection watches its buffers) between a test
 * client and a test backend made of plain sockets: bytes pass unchanged both ways, and either
 * side's closing closes the other.
 */
class NettyRelayTest {
  private static final int TIMEOUT_MILLIS = 10_000;

  private ServerSocket backend;
  private NettyRelay relay;

  @BeforeEach
  void start() throws Exception {
    backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    relay = NettyRelay.start(0, new InetSocketAddress("127.0.0.1", backend.getLocalPort()));
  }

  @AfterEach
  void stop() throws IOException {
    relay.close();
    backend.close();
  }

  @Test
  void forwardsBytesUnchangedBothWays() throws Exception {
    try (Socket client = connect(); Socket server = accept()) {
      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), readExactly(server.getInputStream(), 4));
      server.getOutputStream().write("pong!".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals("pong!".getBytes(StandardCharsets.US_ASCII), readExactly(client.getInputStream(), 5));
    }
  }

  @Test
  void forwardsMoreThanItsWriteBufferToASlowReader() throws Exception {
    // 8 MB, past the 1 MB high water mark: the relay must pause reading, not drop or reorder.
    byte[] payload = new byte[8 * 1024 * 1024];
    new Random(7).nextBytes(payload);
    try (Socket client = connect(); Socket server = accept()) {
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
        try {
          server.getOutputStream().write(payload);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      Thread.sleep(300);
      assertArrayEquals(payload, readExactly(client.getInputStream(), payload.length));
      sending.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void theClientLeavingClosesTheBackendConnection() throws Exception {
    Socket client = connect();
    try (Socket server = accept()) {
      client.getOutputStream().write(new byte[] {1, 2, 3});
      client.close();
      // What the client sent before it left still arrives, then the end of the stream.
      assertArrayEquals(new byte[] {1, 2, 3}, readExactly(server.getInputStream(), 3));
      assertEquals(-1, server.getInputStream().read());
    }
  }

  @Test
  void theBackendLeavingClosesTheClientConnection() throws Exception {
    try (Socket client = connect()) {
      Socket server = accept();
      server.getOutputStream().write(new byte[] {4, 5});
      server.close();
      assertArrayEquals(new byte[] {4, 5}, readExactly(client.getInputStream(), 2));
      assertEquals(-1, client.getInputStream().read());
    }
  }

  @Test
  void aBackendThatDoesNotAnswerClosesTheClient() throws Exception {
    int port = backend.getLocalPort();
    backend.close();
    try (NettyRelay nowhere = NettyRelay.start(0, new InetSocketAddress("127.0.0.1", port));
        Socket client = new Socket("127.0.0.1", nowhere.port())) {
      client.setSoTimeout(TIMEOUT_MILLIS);
      assertEquals(-1, client.getInputStream().read());
    }
  }

  @Test
  void relaysToLoopbackOnly() {
    assertThrows(IllegalArgumentException.class,
        () -> NettyRelay.start(0, new InetSocketAddress("192.0.2.1", 5432)));
  }

  private Socket connect() throws IOException {
    Socket client = new Socket("127.0.0.1", relay.port());
    client.setSoTimeout(TIMEOUT_MILLIS);
    return client;
  }

  private Socket accept() throws IOException {
    backend.setSoTimeout(TIMEOUT_MILLIS);
    Socket server = backend.accept();
    server.setSoTimeout(TIMEOUT_MILLIS);
    return server;
  }

  private static byte[] readExactly(InputStream input, int length) throws IOException {
    byte[] bytes = input.readNBytes(length);
    assertEquals(length, bytes.length, "the stream ended early");
    return bytes;
  }
}
