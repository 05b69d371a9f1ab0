package io.meshgate.proxy.protocol;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One message from a PostgreSQL backend, kept as its raw bytes (type, length, body) so it can
 * be relayed to the client without decoding. Owns one reference to {@code frame}.
 */
public final class BackendFrame extends AbstractReferenceCounted {
  private final byte type;
  private final ByteBuf frame;

  BackendFrame(byte type, ByteBuf frame) {
    this.type = type;
    this.frame = requireNonNull(frame, "frame is null");
  }

  public byte type() {
    return type;
  }

  /** The whole frame, header included, for relaying; the caller must not release it. */
  public ByteBuf frame() {
    return frame;
  }

  /** The body (after type and length), a read-only view; the caller must not release it. */
  public ByteBuf body() {
    return frame.slice(frame.readerIndex() + 5, frame.readableBytes() - 5);
  }

  public int size() {
    return frame.readableBytes();
  }

  @Override
  protected void deallocate() {
    frame.release();
  }

  @Override
  public ReferenceCounted touch(Object hint) {
    frame.touch(hint);
    return this;
  }
}
