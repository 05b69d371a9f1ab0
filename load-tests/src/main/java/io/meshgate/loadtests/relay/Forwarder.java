package io.meshgate.loadtests.relay;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sends what one socket reads to its peer, unchanged. Installed on both sides of a relayed
 * connection, each instance pointing at the other side's channel.
 */
final class Forwarder extends ChannelInboundHandlerAdapter {
  private final Channel peer;

  Forwarder(Channel peer) {
    this.peer = requireNonNull(peer, "peer is null");
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object message) {
    // A void promise saves a future per read; a failed write reaches the peer's exceptionCaught,
    // which closes it, and its closing closes this side.
    peer.write(message, peer.voidPromise());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    // One flush per batch of reads, as a proxy that decodes nothing can do at best.
    peer.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    // This side's outbound buffer passed a water mark: stop (or resume) reading from the side
    // that fills it, so a slow reader cannot make the relay buffer without bound.
    peer.config().setAutoRead(context.channel().isWritable());
    context.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    closeAfterPendingWrites(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    // A reset or a failed write: nothing to recover in a relay; closing this side closes the peer.
    context.close();
  }

  /** Closes {@code channel} once what was already written to it is on the wire (or could not be). */
  static void closeAfterPendingWrites(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }
}
