package io.meshgate.proxy.backend;

import io.meshgate.proxy.protocol.BackendFrame;
import io.meshgate.proxy.protocol.ClientMessages;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.proxy.protocol.TransactionStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Drives one backend connection: startup and authentication as Meshgate's service identity,
 * then hands every frame to a {@link BackendListener}.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final BackendEndpoint endpoint;
  private final Map<String, String> startupParameters;
  private final CompletableFuture<BackendConnection> ready;
  private final SaltedPasswordCache saltedPasswords;
  private final List<BackendFrame> parameterStatusFrames = new ArrayList<>();
  private ScramClient scram;
  private int processId;
  private byte[] secretKey = new byte[0];
  private BackendListener listener;
  private boolean closedNotified;

  BackendHandler(
      BackendEndpoint endpoint, Map<String, String> startupParameters, CompletableFuture<BackendConnection> ready,
      SaltedPasswordCache saltedPasswords) {
    this.endpoint = endpoint;
    this.startupParameters = startupParameters;
    this.ready = ready;
    this.saltedPasswords = saltedPasswords;
  }

  void relayTo(BackendListener newListener) {
    this.listener = newListener;
  }

  @Override
  public void channelActive(ChannelHandlerContext context) {
    context.writeAndFlush(ClientMessages.startupMessage(context.alloc(), startupParameters));
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object message) {
    BackendFrame frame = (BackendFrame) message;
    if (ready.isDone()) {
      if (listener != null) {
        listener.onFrame(frame);
      } else {
        frame.release();
      }
      return;
    }
    try {
      handleStartupFrame(context, frame); // takes ownership of the frame on every path
    } catch (BackendException e) {
      fail(context, e);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    if (listener != null) {
      listener.onWritabilityChanged(context.channel().isWritable());
    }
    context.fireChannelWritabilityChanged();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext context) {
    if (listener != null) {
      listener.onReadComplete();
    }
  }

  private void handleStartupFrame(ChannelHandlerContext context, BackendFrame frame) throws BackendException {
    switch (frame.type()) {
      case 'R' -> {
        try {
          authenticate(context, frame.body());
        } finally {
          frame.release();
        }
      }
      case 'S' -> parameterStatusFrames.add(frame);
      case 'K' -> {
        ByteBuf body = frame.body();
        processId = body.readInt();
        secretKey = ByteBufUtil.getBytes(body);
        frame.release();
      }
      case 'E' -> {
        ErrorFields error = ErrorFields.parse(frame.body());
        frame.release();
        throw new BackendException(
            "08006",
            "the backend " + endpoint.displayName() + " refused Meshgate's service connection: "
                + error.message() + " (SQLSTATE " + error.sqlState() + ")",
            null);
      }
      case 'Z' -> {
        TransactionStatus status = TransactionStatus.fromWire(frame.body().getByte(0));
        frame.release();
        ready.complete(new BackendConnection(
            context.channel(), endpoint, this, parameterStatusFrames, processId, secretKey, status));
      }
      default -> frame.release(); // NoticeResponse, NegotiateProtocolVersion: nothing to do
    }
  }

  private void authenticate(ChannelHandlerContext context, ByteBuf body) throws BackendException {
    int code = body.readInt();
    switch (code) {
      case 0 -> {
        // AuthenticationOk: parameters, key data and ReadyForQuery follow.
      }
      case 3 -> sendPassword(context, endpoint.password().getBytes(StandardCharsets.UTF_8));
      case 5 -> {
        byte[] salt = new byte[4];
        body.readBytes(salt);
        sendPassword(context, md5Password(salt));
      }
      case 10 -> {
        List<String> mechanisms = new ArrayList<>();
        while (body.isReadable()) {
          int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
          if (end <= body.readerIndex()) {
            break;
          }
          mechanisms.add(body.toString(body.readerIndex(), end - body.readerIndex(), StandardCharsets.UTF_8));
          body.readerIndex(end + 1);
        }
        if (!mechanisms.contains("SCRAM-SHA-256")) {
          throw new BackendException("08006", "the backend offers no supported SASL mechanism: " + mechanisms, null);
        }
        scram = new ScramClient(endpoint.password(), saltedPasswords, RANDOM);
        context.writeAndFlush(
            ClientMessages.saslInitialResponse(context.alloc(), "SCRAM-SHA-256", scram.clientFirstMessage()));
      }
      case 11 -> {
        requireScram();
        // SASLResponse carries the raw message: no NUL terminator, unlike a password.
        context.writeAndFlush(ClientMessages.passwordMessage(context.alloc(),
            scram.clientFinalMessage(ByteBufUtil.getBytes(body))));
      }
      case 12 -> {
        requireScram();
        scram.verifyServerFinal(ByteBufUtil.getBytes(body));
      }
      default -> throw new BackendException(
          "08006", "the backend asks for an authentication method Meshgate does not support (code " + code + ")", null);
    }
  }

  private void requireScram() throws BackendException {
    if (scram == null) {
      throw new BackendException("08006", "the backend sent a SASL message out of order", null);
    }
  }

  private void sendPassword(ChannelHandlerContext context, byte[] payload) {
    byte[] terminated = new byte[payload.length + 1];
    System.arraycopy(payload, 0, terminated, 0, payload.length);
    context.writeAndFlush(ClientMessages.passwordMessage(context.alloc(), terminated));
  }

  private byte[] md5Password(byte[] salt) {
    try {
      HexFormat hex = HexFormat.of();
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      String inner = hex.formatHex(md5.digest((endpoint.password() + endpoint.user()).getBytes(StandardCharsets.UTF_8)));
      md5.reset();
      md5.update(inner.getBytes(StandardCharsets.US_ASCII));
      md5.update(salt);
      return ("md5" + hex.formatHex(md5.digest())).getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  private void fail(ChannelHandlerContext context, Throwable cause) {
    BackendException failure = cause instanceof BackendException backend
        ? backend
        : new BackendException("08006", "the backend connection failed: " + cause.getMessage(), cause);
    if (ready.completeExceptionally(failure)) {
      parameterStatusFrames.forEach(BackendFrame::release);
      parameterStatusFrames.clear();
    }
    context.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    if (!ready.isDone()) {
      fail(context, cause);
    } else {
      notifyClosed(cause);
      context.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    if (!ready.isDone()) {
      fail(context, new BackendException("08006", "the backend closed the connection during startup", null));
    }
    notifyClosed(null);
  }

  private void notifyClosed(Throwable cause) {
    if (!closedNotified && listener != null) {
      closedNotified = true;
      listener.onClosed(cause);
    }
  }
}
