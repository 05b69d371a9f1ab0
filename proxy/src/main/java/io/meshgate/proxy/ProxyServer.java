package io.meshgate.proxy;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.protocol.FrontendMessageDecoder;
import io.meshgate.proxy.session.ClientSession;
import io.meshgate.proxy.session.DirectTlsDetector;
import io.meshgate.proxy.session.SessionServices;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The PostgreSQL protocol listener: one {@link ClientSession} per connection. */
final class ProxyServer implements AutoCloseable {
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final Channel serverChannel;

  private ProxyServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, Channel serverChannel) {
    this.bossGroup = bossGroup;
    this.workerGroup = workerGroup;
    this.serverChannel = serverChannel;
  }

  static ProxyServer start(String host, int port, SessionServices services) throws java.io.IOException {
    requireNonNull(services, "services is null");
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    try {
      ServerBootstrap bootstrap = new ServerBootstrap()
          .group(boss, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              services.tls().ifPresent(tls ->
                  // Direct TLS (PostgreSQL 17 clients, sslnegotiation=direct) starts with a
                  // ClientHello instead of SSLRequest; this detects it and installs TLS.
                  channel.pipeline().addLast(DirectTlsDetector.NAME, new DirectTlsDetector(tls)));
              if (!services.idleTimeout().isZero()) {
                channel.pipeline().addLast(new IdleStateHandler(
                    services.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
              }
              channel.pipeline().addLast(
                  new FrontendMessageDecoder(services.maxMessageBytes(), services.messageBudget()),
                  new ClientSession(services));
            }
          });
      Channel channel = bootstrap.bind(host, port).sync().channel();
      return new ProxyServer(boss, workers, channel);
    } catch (Exception e) { // bind() rethrows checked exceptions (BindException) undeclared
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new java.io.IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
          + " (is another Meshgate or PostgreSQL using the port? set listen.port)", e);
    }
  }

  int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
