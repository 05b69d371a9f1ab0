package io.meshgate.proxy.backend;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.protocol.BackendFrame;
import io.meshgate.proxy.protocol.ClientMessages;
import io.meshgate.proxy.protocol.TransactionStatus;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.List;

/**
 * A ready (authenticated, idle) backend connection. All methods run on the channel's event
 * loop, which is also the client session's loop, so no locking is needed.
 */
public final class BackendConnection {
  private final Channel channel;
  private final BackendEndpoint endpoint;
  private final List<BackendFrame> parameterStatusFrames;
  private final int processId;
  private final byte[] secretKey;
  private final TransactionStatus initialStatus;
  private final BackendHandler handler;

  BackendConnection(
      Channel channel,
      BackendEndpoint endpoint,
      BackendHandler handler,
      List<BackendFrame> parameterStatusFrames,
      int processId,
      byte[] secretKey,
      TransactionStatus initialStatus) {
    this.channel = requireNonNull(channel, "channel is null");
    this.endpoint = requireNonNull(endpoint, "endpoint is null");
    this.handler = requireNonNull(handler, "handler is null");
    this.parameterStatusFrames = List.copyOf(parameterStatusFrames);
    this.processId = processId;
    this.secretKey = secretKey.clone();
    this.initialStatus = initialStatus;
  }

  /** The backend's ParameterStatus frames from startup; the caller takes ownership once. */
  public List<BackendFrame> takeParameterStatusFrames() {
    return parameterStatusFrames;
  }

  public int processId() {
    return processId;
  }

  public byte[] secretKey() {
    return secretKey.clone();
  }

  public TransactionStatus initialStatus() {
    return initialStatus;
  }

  public BackendEndpoint endpoint() {
    return endpoint;
  }

  public Channel channel() {
    return channel;
  }

  /** From now on every frame goes to the listener. */
  public void relayTo(BackendListener listener) {
    handler.relayTo(listener);
  }

  // Writes take the channel's void promise: no promise object per frame, and a failure still
  // fires exceptionCaught (BackendHandler), as FIRE_EXCEPTION_ON_FAILURE did.
  public void sendQuery(String sql) {
    channel.writeAndFlush(ClientMessages.query(channel.alloc(), sql), channel.voidPromise());
  }

  /** Queues a frame without flushing; the caller flushes at a batch boundary. */
  public void write(io.netty.buffer.ByteBuf frame) {
    channel.write(frame, channel.voidPromise());
  }

  public void writeParse(String statementName, String sql, java.util.List<Integer> parameterTypes) {
    write(ClientMessages.parse(channel.alloc(), statementName, sql, parameterTypes));
  }

  /** Ends the backend's copy-in mode with an error carrying {@code message}. */
  public void writeCopyFail(String message) {
    write(ClientMessages.copyFail(channel.alloc(), message));
  }

  public void writeBind(String portalName, String statementName) {
    write(ClientMessages.bind(channel.alloc(), portalName, statementName));
  }

  /**
   * Flushes, and runs {@code task} once every frame written so far has left for the backend, or
   * failed to (the channel closed): an empty write completes in order after them. Only for large
   * messages, where a flush of their own costs nothing that matters.
   */
  public void afterWrites(Runnable task) {
    channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
        .addListener((ChannelFutureListener) written -> task.run());
  }

  public void flush() {
    channel.flush();
  }

  public boolean isWritable() {
    return channel.isWritable();
  }

  public void setAutoRead(boolean autoRead) {
    channel.config().setAutoRead(autoRead);
  }

  public boolean isActive() {
    return channel.isActive();
  }

  /** Says goodbye politely, then closes. */
  public void terminate() {
    if (channel.isActive()) {
      channel.writeAndFlush(ClientMessages.terminate(channel.alloc()))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
