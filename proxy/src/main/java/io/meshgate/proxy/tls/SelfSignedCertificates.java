package io.meshgate.proxy.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Throwaway TLS material for the demo and tests: a private CA and a server certificate it
 * signed, made with the JDK's own {@code keytool} so nothing beyond a JDK is needed.
 *
 * <p>Writes {@code ca.crt} (give it to clients: {@code sslrootcert}), {@code server.crt} and
 * {@code server.key} (unencrypted PKCS#8 PEM, mode 0600) into the directory. The CA's private
 * key is discarded once the server certificate is signed, so the files cannot be used to issue
 * more certificates. Keys are ECDSA P-256; certificates are valid from a day ago (clock skew)
 * for 365 days.
 *
 * @param caCertificate the CA certificate (PEM) clients trust
 * @param certificateChain the server certificate (PEM)
 * @param privateKey the server's private key (PKCS#8 PEM)
 */
public record SelfSignedCertificates(Path caCertificate, Path certificateChain, Path privateKey) {
  public static final String CA_CERTIFICATE_FILE = "ca.crt";
  public static final String SERVER_CERTIFICATE_FILE = "server.crt";
  public static final String PRIVATE_KEY_FILE = "server.key";

  private static final Pattern COMMON_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern DNS_NAME =
      Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final String PASSWORD_VARIABLE = "MESHGATE_KEYSTORE_PASSWORD";
  private static final String VALIDITY_DAYS = "365";
  private static final String START = "-1d";
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  public SelfSignedCertificates {
    requireNonNull(caCertificate, "caCertificate is null");
    requireNonNull(certificateChain, "certificateChain is null");
    requireNonNull(privateKey, "privateKey is null");
  }

  /**
   * Creates the CA and a server certificate for {@code commonName} valid for every name in
   * {@code subjectAltNames} (IP addresses and DNS names, e.g. {@code 127.0.0.1}, {@code ::1},
   * {@code localhost}); replaces files of the same names in {@code directory}.
   */
  public static SelfSignedCertificates create(Path directory, String commonName, List<String> subjectAltNames)
      throws TlsSetupException {
    requireNonNull(directory, "directory is null");
    requireNonNull(commonName, "commonName is null");
    if (!COMMON_NAME.matcher(commonName).matches()) {
      throw new IllegalArgumentException(
          "commonName must be 1-63 letters, digits, spaces, dots, underscores or hyphens: \"" + commonName + "\"");
    }
    String alternativeNames = subjectAltNameExtension(List.copyOf(subjectAltNames));
    Path keytool = keytool();
    try {
      Files.createDirectories(directory);
      Path work = Files.createTempDirectory(directory, ".certificates");
      try {
        return createIn(directory, work, keytool, commonName, alternativeNames);
      } finally {
        deleteRecursively(work);
      }
    } catch (IOException e) {
      throw new TlsSetupException("cannot write TLS certificates to " + directory + ": " + e.getMessage(), e);
    }
  }

  /** TLS settings that serve these files in {@code mode}. */
  public TlsSettings tlsSettings(TlsMode mode) {
    return TlsSettings.enabled(mode, certificateChain, privateKey);
  }

  private static SelfSignedCertificates createIn(
      Path directory, Path work, Path keytool, String commonName, String alternativeNames)
      throws IOException, TlsSetupException {
    String password = HexFormat.of().formatHex(randomBytes(24));
    Keytool tool = new Keytool(keytool, password);
    // One keystore for both keys: it never leaves the work directory, which is deleted.
    Path store = work.resolve("keys.p12");
    Path request = work.resolve("server.csr");
    Path serverPem = work.resolve(SERVER_CERTIFICATE_FILE);
    tool.run("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-dname", "CN=" + commonName + " CA",
        "-ext", "BC:c=ca:true,pathlen:0", "-ext", "KU:c=keyCertSign,cRLSign",
        "-startdate", START, "-validity", VALIDITY_DAYS,
        "-keystore", store.toString(), "-storetype", "PKCS12");
    tool.run("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
        "-sigalg", "SHA256withECDSA", "-dname", "CN=" + commonName,
        "-startdate", START, "-validity", VALIDITY_DAYS,
        "-keystore", store.toString(), "-storetype", "PKCS12");
    tool.run("-certreq", "-alias", "server", "-keystore", store.toString(), "-file", request.toString());
    tool.run("-gencert", "-alias", "ca", "-keystore", store.toString(),
        "-infile", request.toString(), "-outfile", serverPem.toString(), "-rfc",
        "-sigalg", "SHA256withECDSA", "-startdate", START, "-validity", VALIDITY_DAYS,
        "-ext", "SAN=" + alternativeNames, "-ext", "EKU=serverAuth",
        "-ext", "KU:c=digitalSignature", "-ext", "BC:c=ca:false");
    KeyStore keys = load(store, password);

    Path caCertificate = directory.resolve(CA_CERTIFICATE_FILE);
    Path certificate = directory.resolve(SERVER_CERTIFICATE_FILE);
    Path privateKey = directory.resolve(PRIVATE_KEY_FILE);
    replace(caCertificatePem(keys), caCertificate, "rw-r--r--");
    replace(Files.readAllBytes(serverPem), certificate, "rw-r--r--");
    replace(privateKeyPem(keys, password), privateKey, "rw-------");
    return new SelfSignedCertificates(caCertificate, certificate, privateKey);
  }

  private static KeyStore load(Path store, String password) throws IOException, TlsSetupException {
    try (InputStream input = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(input, password.toCharArray());
      return keys;
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException("cannot read the keystore keytool wrote: " + e.getMessage(), e);
    }
  }

  private static byte[] caCertificatePem(KeyStore keys) throws TlsSetupException {
    try {
      return pem("CERTIFICATE", keys.getCertificate("ca").getEncoded());
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException("cannot read the CA certificate keytool generated: " + e.getMessage(), e);
    }
  }

  /** The server key as PKCS#8 PEM, the one private-key format every TLS stack reads. */
  private static byte[] privateKeyPem(KeyStore keys, String password) throws TlsSetupException {
    try {
      Key key = keys.getKey("server", password.toCharArray());
      if (!(key instanceof PrivateKey privateKey) || !"PKCS#8".equals(privateKey.getFormat())) {
        throw new TlsSetupException("keytool did not produce a PKCS#8 private key");
      }
      return pem("PRIVATE KEY", privateKey.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException("cannot read the key keytool generated: " + e.getMessage(), e);
    }
  }

  private static byte[] pem(String label, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Writes through a temporary file that has its final permissions from the start, so the key
   * is never readable by others, not even for a moment, and readers never see half a file.
   */
  private static void replace(byte[] content, Path target, String permissions) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Set<PosixFilePermission> wanted = PosixFilePermissions.fromString(permissions);
    FileAttribute<?>[] attributes = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(wanted)}
        : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp", attributes);
    try {
      Files.write(temporary, content);
      if (posix) {
        // The umask may have narrowed the creation mode; set exactly what is wanted.
        Files.setPosixFilePermissions(temporary, wanted);
      }
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static String subjectAltNameExtension(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("at least one subject alternative name is needed (clients verify the host against them)");
    }
    List<String> entries = new ArrayList<>();
    for (String name : names) {
      requireNonNull(name, "subject alternative name is null");
      if (isIpv4(name) || (IPV6.matcher(name).matches() && name.contains(":"))) {
        entries.add("ip:" + name);
      } else if (DNS_NAME.matcher(name).matches() && name.length() <= 253 && !name.matches("[0-9.]+")) {
        entries.add("dns:" + name);
      } else {
        throw new IllegalArgumentException("not an IP address or DNS name: \"" + name + "\"");
      }
    }
    return String.join(",", entries);
  }

  private static boolean isIpv4(String name) {
    var matcher = IPV4.matcher(name);
    if (!matcher.matches()) {
      return false;
    }
    for (int group = 1; group <= 4; group++) {
      if (Integer.parseInt(matcher.group(group)) > 255) {
        return false;
      }
    }
    return true;
  }

  private static Path keytool() throws TlsSetupException {
    String executable = System.getProperty("os.name", "").startsWith("Windows") ? "keytool.exe" : "keytool";
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(System.getProperty("java.home"), "bin", executable));
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      candidates.add(Path.of(javaHome, "bin", executable));
    }
    return candidates.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new TlsSetupException(
            "keytool not found in " + candidates + "; run Meshgate with a full JDK or set JAVA_HOME to one"));
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** Runs keytool with the keystore password in its environment, never on the command line. */
  private record Keytool(Path executable, String password) {
    void run(String... arguments) throws IOException, TlsSetupException {
      List<String> command = new ArrayList<>();
      command.add(executable.toString());
      // keytool is a short-lived JVM: skipping the optimising compiler halves its start-up.
      command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
      command.addAll(List.of(arguments));
      command.addAll(List.of("-storepass:env", PASSWORD_VARIABLE, "-noprompt"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put(PASSWORD_VARIABLE, password);
      Process process = builder.start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      try {
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new TlsSetupException("keytool " + arguments[0] + " did not finish in " + KEYTOOL_TIMEOUT_SECONDS + " s");
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new TlsSetupException("interrupted while running keytool " + arguments[0], e);
      }
      if (process.exitValue() != 0) {
        throw new TlsSetupException("keytool " + arguments[0] + " failed (exit " + process.exitValue() + "): " + output);
      }
    }

    @Override
    public String toString() {
      return "Keytool[" + executable + "]";
    }
  }
}
