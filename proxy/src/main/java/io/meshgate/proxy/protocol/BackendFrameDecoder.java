package io.meshgate.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/** Splits a backend's byte stream into {@link BackendFrame}s (type byte + length framing). */
public final class BackendFrameDecoder extends ByteToMessageDecoder {
  private final int maxMessageBytes;
  private boolean failed;

  public BackendFrameDecoder(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < 5) {
      return;
    }
    byte type = in.getByte(in.readerIndex());
    int length = in.getInt(in.readerIndex() + 1);
    if (length < 4 || length > maxMessageBytes) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw new ProtocolException("backend sent a message with invalid length " + length);
    }
    if (in.readableBytes() < length + 1) {
      return;
    }
    out.add(new BackendFrame(type, in.readRetainedSlice(length + 1)));
  }
}
