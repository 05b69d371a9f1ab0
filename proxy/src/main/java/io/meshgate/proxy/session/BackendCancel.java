package io.meshgate.proxy.session;

import io.meshgate.proxy.protocol.ClientMessages;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;

/** Sends a CancelRequest to a backend on a fresh connection, as the protocol requires. */
final class BackendCancel {
  private BackendCancel() {}

  static void send(EventLoop eventLoop, InetSocketAddress backend, int processId, byte[] secretKey) {
    new Bootstrap()
        .group(eventLoop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(backend)
        .addListener((ChannelFutureListener) future -> {
          if (future.isSuccess()) {
            future.channel()
                .writeAndFlush(ClientMessages.cancelRequest(future.channel().alloc(), processId, secretKey))
                .addListener(ChannelFutureListener.CLOSE);
          }
        });
  }
}
