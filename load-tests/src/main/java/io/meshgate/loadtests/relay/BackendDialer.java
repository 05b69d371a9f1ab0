package io.meshgate.loadtests.relay;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;

/**
 * The first handler of a client connection: when the client connects it opens the backend
 * connection on the same event loop (so both sockets of a pair are served by one thread, without
 * hand-offs), then replaces itself with a {@link Forwarder}. The client's socket is not read
 * (auto-read is off) until the backend is connected, so nothing has to be held meanwhile.
 */
final class BackendDialer extends ChannelInboundHandlerAdapter {
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  private final InetSocketAddress backend;

  BackendDialer(InetSocketAddress backend) {
    this.backend = requireNonNull(backend, "backend is null");
  }

  @Override
  public void channelActive(ChannelHandlerContext context) {
    Channel client = context.channel();
    ChannelFuture connecting = new Bootstrap()
        .group(client.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, NettyRelay.WATER_MARK)
        .handler(new Forwarder(client))
        .connect(backend);
    Channel backendChannel = connecting.channel();
    // From here on, the client's closing closes the backend, even one still connecting.
    context.pipeline().replace(this, "forwarder", new Forwarder(backendChannel));
    connecting.addListener(connected -> {
      if (connected.isSuccess()) {
        client.config().setAutoRead(true);
      } else {
        client.close();
      }
    });
  }
}
