package io.meshgate.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to Meshgate: SSLRequest with certificate verification, and PostgreSQL 17's direct TLS. */
class TlsIT {
  @TempDir static Path work;
  private static DemoEnvironment demo;

  @BeforeAll
  static void startDemo() throws IOException {
    demo = DemoEnvironment.start(new DemoEnvironment.Settings(
        RepositoryRoot.find().orElseThrow(), work, 0, Optional.empty(), Duration.ofSeconds(5)));
  }

  @AfterAll
  static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  private static Connection connect(String host, String sslmode) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "alice");
    properties.setProperty("password", "alice");
    properties.setProperty("sslmode", sslmode);
    properties.setProperty("sslrootcert", demo.caCertificate().toString());
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + demo.meshgate().port() + "/" + demo.backend().database(), properties);
  }

  @Test
  void verifyFullAgainstTheDemoCertificateAndGovernedResults() throws SQLException {
    for (String host : List.of("127.0.0.1", "localhost")) {
      try (Connection alice = connect(host, "verify-full"); Statement statement = alice.createStatement();
          ResultSet rows = statement.executeQuery("SELECT count(*) FROM sales.store_transactions WHERE region <> 'EU'")) {
        assertTrue(rows.next());
        assertEquals(0, rows.getLong(1));
      }
    }
  }

  @Test
  void aCertificateForAnotherNameIsRejectedByTheClient() throws IOException {
    // The demo certificate names 127.0.0.1 and localhost only; 127.0.0.2 reaches the same listener.
    SQLException error = assertThrows(SQLException.class, () -> connect("127.0.0.2", "verify-full").close());
    assertTrue(error.getMessage().toLowerCase().contains("hostname") || error.getMessage().contains("verif"),
        error.getMessage());
  }

  @Test
  void directTlsWithAlpnPostgresql() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream pem = Files.newInputStream(demo.caCertificate())) {
      trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    context.init(null, factory.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", demo.meshgate().port())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"postgresql"});
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      assertEquals("postgresql", socket.getApplicationProtocol());
      OutputStream out = socket.getOutputStream();
      byte[] body = "user\0alice\0database\0mesh\0\0".getBytes(StandardCharsets.US_ASCII);
      java.nio.ByteBuffer startup = java.nio.ByteBuffer.allocate(8 + body.length);
      startup.putInt(8 + body.length).putInt(3 << 16).put(body);
      out.write(startup.array());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      assertEquals('R', in.readByte());
      int length = in.readInt();
      assertEquals(10, in.readInt(), "AuthenticationSASL over direct TLS (length " + length + ")");
    }
  }
}
