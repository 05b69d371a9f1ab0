package io.meshgate.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCertificatesTest {
  private static SelfSignedCertificates certificates;
  private static Path directory;

  @BeforeAll
  static void create() throws Exception {
    certificates = TestCertificates.shared();
    directory = certificates.caCertificate().getParent();
  }

  static X509Certificate certificate(Path file) throws Exception {
    try (InputStream input = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(input);
    }
  }

  @Test
  void writesExactlyTheThreeFilesAndKeepsNoCaKey() throws IOException {
    assertEquals(directory.resolve("ca.crt"), certificates.caCertificate());
    assertEquals(directory.resolve("server.crt"), certificates.certificateChain());
    assertEquals(directory.resolve("server.key"), certificates.privateKey());
    try (Stream<Path> files = Files.list(directory)) {
      assertEquals(Set.of("ca.crt", "server.crt", "server.key"),
          Set.copyOf(files.map(path -> path.getFileName().toString()).toList()));
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certificates.privateKey())));
  }

  @Test
  void serverCertificateChainsToTheCaWithTheRequestedNames() throws Exception {
    X509Certificate ca = certificate(certificates.caCertificate());
    X509Certificate server = certificate(certificates.certificateChain());

    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(List.of(server)), parameters);

    assertEquals("CN=meshgate-test", server.getSubjectX500Principal().getName());
    assertEquals(ca.getSubjectX500Principal(), server.getIssuerX500Principal());
    assertTrue(ca.getBasicConstraints() >= 0, "the CA certificate must be a CA");
    assertEquals(-1, server.getBasicConstraints(), "the server certificate must not be a CA");
    assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    Collection<List<?>> names = server.getSubjectAlternativeNames();
    assertTrue(names.contains(List.of(7, "127.0.0.1")), names.toString());
    assertTrue(names.contains(List.of(2, "localhost")), names.toString());
    assertTrue(names.stream().anyMatch(name -> name.get(0).equals(7) && name.get(1).toString().startsWith("0:0:0:0:0:0:0:1")),
        names.toString());
  }

  @Test
  void privateKeyIsPkcs8PemMatchingTheCertificate() throws Exception {
    String pem = Files.readString(certificates.privateKey(), StandardCharsets.US_ASCII);
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem);
    assertTrue(pem.endsWith("-----END PRIVATE KEY-----\n"), pem);
    byte[] der = Base64.getMimeDecoder().decode(
        pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""));
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));

    byte[] message = "proof of possession".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(message);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(certificate(certificates.certificateChain()).getPublicKey());
    verifier.update(message);
    assertTrue(verifier.verify(signature));
  }

  @Test
  void replacesEarlierFilesAndTightensTheKeyPermissions(@TempDir Path other) throws Exception {
    Path staleKey = Files.writeString(other.resolve("server.key"), "stale");
    Files.setPosixFilePermissions(staleKey, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(other.resolve("server.crt"), "stale");

    SelfSignedCertificates replaced = SelfSignedCertificates.create(other, "second", List.of("localhost"));

    assertEquals("CN=second", certificate(replaced.certificateChain()).getSubjectX500Principal().getName());
    assertTrue(Files.readString(replaced.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(replaced.privateKey())));
  }

  @Test
  void rejectsNamesThatAreNotHostNamesOrAddresses() {
    assertThrows(IllegalArgumentException.class,
        () -> SelfSignedCertificates.create(directory, "demo", List.of("localhost,dns:evil.example.com")));
    assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.create(directory, "demo", List.of("300.1.1.1")));
    assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.create(directory, "demo", List.of()));
    assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.create(directory, "CN=x, O=y", List.of("localhost")));
  }
}
