package io.meshgate.proxy.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One certificate set for all TLS tests of a run: keytool takes a second or two per set. */
final class TestCertificates {
  private static SelfSignedCertificates shared;

  private TestCertificates() {}

  static synchronized SelfSignedCertificates shared() throws IOException, TlsSetupException {
    if (shared == null) {
      Path directory = Files.createTempDirectory("meshgate-tls-test");
      directory.toFile().deleteOnExit();
      shared = SelfSignedCertificates.create(directory, "meshgate-test", List.of("127.0.0.1", "localhost", "::1"));
      // Registered after the directory, so deleted before it.
      shared.caCertificate().toFile().deleteOnExit();
      shared.certificateChain().toFile().deleteOnExit();
      shared.privateKey().toFile().deleteOnExit();
    }
    return shared;
  }
}
