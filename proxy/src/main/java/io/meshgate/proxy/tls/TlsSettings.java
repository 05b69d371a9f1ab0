package io.meshgate.proxy.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * TLS for client connections.
 *
 * @param mode disabled, optional or required
 * @param certificateChain PEM file: the server certificate first, then any intermediates
 * @param privateKey PEM file with the server's unencrypted PKCS#8 private key
 *     ({@code -----BEGIN PRIVATE KEY-----})
 */
public record TlsSettings(TlsMode mode, Optional<Path> certificateChain, Optional<Path> privateKey) {
  public TlsSettings {
    requireNonNull(mode, "mode is null");
    requireNonNull(certificateChain, "certificateChain is null");
    requireNonNull(privateKey, "privateKey is null");
    switch (mode) {
      case DISABLED -> {}
      case OPTIONAL, REQUIRED -> {
        if (certificateChain.isEmpty() || privateKey.isEmpty()) {
          throw new IllegalArgumentException(
              "TLS mode " + mode.name().toLowerCase(Locale.ROOT)
                  + " needs a certificate chain and a private key (PEM files)");
        }
      }
    }
  }

  public static TlsSettings disabled() {
    return new TlsSettings(TlsMode.DISABLED, Optional.empty(), Optional.empty());
  }

  public static TlsSettings enabled(TlsMode mode, Path certificateChain, Path privateKey) {
    return new TlsSettings(
        mode,
        Optional.of(requireNonNull(certificateChain, "certificateChain is null")),
        Optional.of(requireNonNull(privateKey, "privateKey is null")));
  }

  public boolean isEnabled() {
    return switch (mode) {
      case DISABLED -> false;
      case OPTIONAL, REQUIRED -> true;
    };
  }
}
