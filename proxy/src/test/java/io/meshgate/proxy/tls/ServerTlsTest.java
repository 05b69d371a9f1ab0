package io.meshgate.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes between a Netty server using {@link ServerTls} and a JDK client on loopback. */
class ServerTlsTest {
  private static final byte READY = 'Z';

  private static SelfSignedCertificates certificates;
  private static EventLoopGroup group;
  private static Channel serverChannel;
  /**
   * What the server saw, by the client's port: a refused handshake is recorded only after the
   * test that caused it may have ended, so results are matched to their own connection.
   */
  private static final Map<Integer, CompletableFuture<String>> serverResults = new ConcurrentHashMap<>();

  @BeforeAll
  static void startServer() throws Exception {
    certificates = TestCertificates.shared();
    SslContext context = ServerTls.build(certificates.tlsSettings(TlsMode.REQUIRED));
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    serverChannel = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            SslHandler ssl = context.newHandler(channel.alloc());
            channel.pipeline().addLast(ssl, new HandshakeRecorder(ssl));
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .sync()
        .channel();
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    serverChannel.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** Records what the server saw and, on success, sends one byte so the client knows data flows. */
  private static final class HandshakeRecorder extends ChannelInboundHandlerAdapter {
    private final SslHandler ssl;

    HandshakeRecorder(SslHandler ssl) {
      this.ssl = ssl;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
      if (event instanceof SslHandshakeCompletionEvent completion) {
        if (completion.isSuccess()) {
          record(context, "ok " + ssl.engine().getSession().getProtocol() + " alpn=" + ssl.applicationProtocol()
              + " postgresql=" + ServerTls.negotiatedPostgresql(ssl));
          context.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {READY}));
        } else {
          record(context, "failed");
          context.close();
        }
      }
      context.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      context.close();
    }
  }

  private static void record(ChannelHandlerContext context, String result) {
    int clientPort = ((InetSocketAddress) context.channel().remoteAddress()).getPort();
    serverResults.computeIfAbsent(clientPort, port -> new CompletableFuture<>()).complete(result);
  }

  private static String serverResult(int clientPort) throws Exception {
    return serverResults.computeIfAbsent(clientPort, port -> new CompletableFuture<>())
        .get(5, TimeUnit.SECONDS);
  }

  private static int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  private static SSLContext trustingTheCa() throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("meshgate-ca", SelfSignedCertificatesTest.certificate(certificates.caCertificate()));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** Connects to loopback but verifies the certificate for {@code hostName}, like verify-full. */
  private static SSLSocket connect(SSLContext context, String hostName, List<String> alpn, String... protocols)
      throws IOException {
    Socket plain = new Socket(InetAddress.getLoopbackAddress(), port());
    plain.setSoTimeout(5000);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, hostName, port(), true);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setApplicationProtocols(alpn.toArray(String[]::new));
    if (protocols.length > 0) {
      parameters.setProtocols(protocols);
    }
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static void handshakeAndReadReady(SSLSocket socket) throws IOException {
    socket.startHandshake();
    InputStream input = socket.getInputStream();
    assertEquals(READY, input.read());
  }

  @Test
  void clientVerifyingTheHostNameNegotiatesPostgresqlOverAlpn() throws Exception {
    for (String hostName : List.of("127.0.0.1", "localhost")) {
      int clientPort;
      try (SSLSocket socket = connect(trustingTheCa(), hostName, List.of("postgresql"))) {
        clientPort = socket.getLocalPort();
        handshakeAndReadReady(socket);
        assertEquals("postgresql", socket.getApplicationProtocol(), hostName);
        assertEquals("TLSv1.3", socket.getSession().getProtocol());
      }
      assertEquals("ok TLSv1.3 alpn=postgresql postgresql=true", serverResult(clientPort));
    }
  }

  @Test
  void tls12ClientIsServed() throws Exception {
    int clientPort;
    try (SSLSocket socket = connect(trustingTheCa(), "localhost", List.of("postgresql"), "TLSv1.2")) {
      clientPort = socket.getLocalPort();
      handshakeAndReadReady(socket);
      assertEquals("TLSv1.2", socket.getSession().getProtocol());
    }
    assertEquals("ok TLSv1.2 alpn=postgresql postgresql=true", serverResult(clientPort));
  }

  @Test
  void clientWithoutAlpnIsServedWithoutAProtocol() throws Exception {
    // libpq before 17 and most drivers after SSLRequest offer no ALPN at all.
    int clientPort;
    try (SSLSocket socket = connect(trustingTheCa(), "localhost", List.of())) {
      clientPort = socket.getLocalPort();
      handshakeAndReadReady(socket);
      assertEquals("", socket.getApplicationProtocol());
    }
    String result = serverResult(clientPort);
    assertNotNull(result);
    assertTrue(result.endsWith("postgresql=false"), result);
  }

  @Test
  void clientOfferingOnlyAnotherProtocolIsRefused() throws Exception {
    int clientPort;
    try (SSLSocket socket = connect(trustingTheCa(), "localhost", List.of("http/1.1"))) {
      clientPort = socket.getLocalPort();
      assertThrows(SSLException.class, () -> handshakeAndReadReady(socket));
    }
    assertEquals("failed", serverResult(clientPort));
  }

  @Test
  void hostNameNotInTheCertificateFailsVerification() throws Exception {
    int clientPort;
    try (SSLSocket socket = connect(trustingTheCa(), "db.example.com", List.of("postgresql"))) {
      clientPort = socket.getLocalPort();
      assertThrows(SSLException.class, () -> handshakeAndReadReady(socket));
    }
    assertEquals("failed", serverResult(clientPort));
  }

  @Test
  void clientThatDoesNotTrustTheCaRejectsTheServer() throws Exception {
    SSLContext defaults = SSLContext.getInstance("TLS");
    defaults.init(null, null, null);
    int clientPort;
    try (SSLSocket socket = connect(defaults, "localhost", List.of("postgresql"))) {
      clientPort = socket.getLocalPort();
      assertThrows(SSLException.class, () -> handshakeAndReadReady(socket));
    }
    assertEquals("failed", serverResult(clientPort));
  }

  @Test
  void onlyTls12AndTls13AreEnabled() throws Exception {
    SslContext context = ServerTls.build(certificates.tlsSettings(TlsMode.OPTIONAL));
    SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
    String[] enabled = engine.getEnabledProtocols();
    Arrays.sort(enabled);
    assertArrayEquals(new String[] {"TLSv1.2", "TLSv1.3"}, enabled);
    assertEquals(List.of("postgresql"), context.applicationProtocolNegotiator().protocols());
  }

  @Test
  void buildRefusesDisabledModeAndReportsBadFiles(@TempDir Path other) throws IOException {
    assertThrows(IllegalArgumentException.class, () -> ServerTls.build(TlsSettings.disabled()));

    Path missing = other.resolve("missing.crt");
    TlsSetupException noFile = assertThrows(TlsSetupException.class,
        () -> ServerTls.build(TlsSettings.enabled(TlsMode.REQUIRED, missing, certificates.privateKey())));
    assertTrue(noFile.getMessage().contains(missing.toString()), noFile.getMessage());

    Path garbage = Files.writeString(other.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    TlsSetupException badKey = assertThrows(TlsSetupException.class,
        () -> ServerTls.build(TlsSettings.enabled(TlsMode.REQUIRED, certificates.certificateChain(), garbage)));
    assertTrue(badKey.getMessage().contains(garbage.toString()), badKey.getMessage());
  }

  @Test
  void enabledModesNeedBothFiles() {
    assertThrows(IllegalArgumentException.class,
        () -> new TlsSettings(TlsMode.OPTIONAL, Optional.of(certificates.certificateChain()), Optional.empty()));
  }
}
