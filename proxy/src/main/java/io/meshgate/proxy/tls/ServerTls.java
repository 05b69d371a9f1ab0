package io.meshgate.proxy.tls;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * Builds the Netty server {@link SslContext} for client connections: the JDK provider, TLS 1.2
 * and 1.3 only, and ALPN advertising {@value #ALPN_PROTOCOL}.
 *
 * <p>ALPN follows PostgreSQL 17: a client that offers ALPN without "postgresql" fails the
 * handshake (no_application_protocol alert); a client that offers no ALPN at all (libpq before
 * 17, pgjdbc, most drivers after SSLRequest) completes it with no protocol selected. A
 * connection that started with a direct ClientHello instead of SSLRequest must have negotiated
 * "postgresql" — check {@link #negotiatedPostgresql} after the handshake and close otherwise,
 * as PostgreSQL does.
 */
public final class ServerTls {
  public static final String ALPN_PROTOCOL = "postgresql";

  private ServerTls() {}

  public static SslContext build(TlsSettings settings) throws TlsSetupException {
    requireNonNull(settings, "settings is null");
    if (!settings.isEnabled()) {
      throw new IllegalArgumentException("TLS is disabled; there is no context to build");
    }
    Path chain = settings.certificateChain().orElseThrow();
    Path key = settings.privateKey().orElseThrow();
    requireReadable(chain, "certificate chain");
    requireReadable(key, "private key");
    SslContextBuilder builder;
    try {
      builder = SslContextBuilder.forServer(chain.toFile(), key.toFile());
    } catch (IllegalArgumentException e) {
      throw new TlsSetupException(
          "cannot read the TLS certificate chain " + chain + " or private key " + key
              + " (expected PEM certificates and an unencrypted PKCS#8 key, -----BEGIN PRIVATE KEY-----): "
              + e.getMessage(),
          e);
    }
    try {
      return builder
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .applicationProtocolConfig(new ApplicationProtocolConfig(
              Protocol.ALPN,
              SelectorFailureBehavior.FATAL_ALERT,
              SelectedListenerFailureBehavior.ACCEPT,
              ALPN_PROTOCOL))
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TlsSetupException(
          "cannot build TLS from certificate chain " + chain + " and private key " + key + ": " + e.getMessage(), e);
    }
  }

  /** Whether the finished handshake on {@code handler} selected ALPN "postgresql". */
  public static boolean negotiatedPostgresql(SslHandler handler) {
    return ALPN_PROTOCOL.equals(requireNonNull(handler, "handler is null").applicationProtocol());
  }

  private static void requireReadable(Path file, String what) throws TlsSetupException {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new TlsSetupException("TLS " + what + " " + file + " does not exist or is not a readable file");
    }
  }
}
