package io.meshgate.proxy.backend;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.protocol.BackendFrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Opens authenticated connections to one PostgreSQL backend. */
public final class BackendConnector {
  private final BackendEndpoint endpoint;
  private final int connectTimeoutMillis;
  private final int maxMessageBytes;
  /** Shared by every connection to this backend: one PBKDF2 per salt, not per connection. */
  private final SaltedPasswordCache saltedPasswords = new SaltedPasswordCache();

  public BackendConnector(BackendEndpoint endpoint, int connectTimeoutMillis, int maxMessageBytes) {
    this.endpoint = requireNonNull(endpoint, "endpoint is null");
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.maxMessageBytes = maxMessageBytes;
  }

  public BackendEndpoint endpoint() {
    return endpoint;
  }

  /**
   * Connects on the given event loop (the client session's, so relaying never crosses
   * threads). {@code sessionParameters} are startup parameters reported for the end user
   * (application_name, client_encoding, …); user and database are always the service's.
   */
  public CompletableFuture<BackendConnection> connect(EventLoop eventLoop, Map<String, String> sessionParameters) {
    CompletableFuture<BackendConnection> ready = new CompletableFuture<>();
    Map<String, String> parameters = new java.util.LinkedHashMap<>(sessionParameters);
    parameters.put("user", endpoint.user());
    parameters.put("database", endpoint.database());
    Bootstrap bootstrap = new Bootstrap()
        .group(eventLoop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(
                new BackendFrameDecoder(maxMessageBytes),
                new BackendHandler(endpoint, Map.copyOf(parameters), ready, saltedPasswords));
          }
        });
    ChannelFuture connecting = bootstrap.connect(endpoint.host(), endpoint.port());
    connecting.addListener(future -> {
      if (!future.isSuccess()) {
        ready.completeExceptionally(new BackendException(
            "08001",
            "cannot reach the backend " + endpoint.displayName() + ": " + future.cause().getMessage(),
            future.cause()));
      }
    });
    return ready;
  }
}
