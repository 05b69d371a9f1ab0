package io.meshgate.proxy.protocol;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.meshgate.proxy.memory.MemoryReservation;
import io.meshgate.proxy.memory.MessageMemoryBudget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Splits what a client sends into {@link FrontendMessage}s. Two framings: untyped (length
 * first) until the StartupMessage, typed (type byte, then length) afterwards. Returns early on
 * incomplete input; every malformed frame is a {@link ProtocolException}.
 */
public final class FrontendMessageDecoder extends ByteToMessageDecoder {
  /** PostgreSQL's own limit for the untyped startup packet. */
  static final int MAX_STARTUP_LENGTH = 10_000;

  static final int SSL_REQUEST_CODE = 80877103;
  static final int GSSENC_REQUEST_CODE = 80877104;
  static final int CANCEL_REQUEST_CODE = 80877102;

  /**
   * Before authentication, PostgreSQL refuses messages over PG_MAX_AUTH_TOKEN_LENGTH (65535
   * bytes); so does Meshgate, so an unauthenticated client cannot make it hold large buffers.
   */
  static final int MAX_UNAUTHENTICATED_MESSAGE_BYTES = 65_535 + 4;

  /**
   * Bytes at the start of a Bind the budget has no room for that are read for its portal and
   * statement names (PostgreSQL keeps 63 bytes of a name), so its refusal can name them.
   */
  static final int LEADING_NAMES_BYTES = 1024;

  private final int maxMessageBytes;
  private final MessageMemoryBudget budget;
  private boolean startupDone;
  private boolean authenticated;
  private boolean failed;
  /** The budget's bytes for the large frame being accumulated, or null. */
  private MemoryReservation assembling;
  /** When the rest of that frame must have arrived (see {@link #watchArrival}), or null. */
  private ScheduledFuture<?> arrivalLimit;
  /** Bytes of a frame the budget had no room for, still to be skipped as they arrive. */
  private long skipping;

  /** Without a memory budget: for tests of framing alone. */
  public FrontendMessageDecoder(int maxMessageBytes) {
    this(maxMessageBytes, MessageMemoryBudget.unlimited());
  }

  /**
   * After authentication, a frame of at least {@link MessageMemoryBudget#LARGE_MESSAGE_BYTES}
   * takes its size from {@code budget} before its bytes are accumulated (before it, messages are
   * smaller than that anyway).
   */
  public FrontendMessageDecoder(int maxMessageBytes, MessageMemoryBudget budget) {
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1024");
    }
    this.maxMessageBytes = maxMessageBytes;
    this.budget = requireNonNull(budget, "budget is null");
  }

  /** After authentication the configured message limit applies instead of the small one. */
  public void authenticated() {
    authenticated = true;
  }

  /** Bytes received but not yet decoded: after SSLRequest there must be none (see ClientSession). */
  public int bufferedBytes() {
    return actualReadableBytes();
  }

  @Override
  protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
    if (failed) {
      // After a violation nothing more from this peer is trusted; the session is closing.
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      if (startupDone) {
        decodeTyped(context, in, out);
      } else {
        decodeUntyped(in, out);
      }
    } catch (ProtocolException e) {
      failed = true;
      releaseAssembling();
      in.skipBytes(in.readableBytes());
      throw e;
    } catch (RuntimeException e) {
      releaseAssembling();
      throw e;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) throws Exception {
    // A client gone in the middle of a large message: its bytes go back to the budget (after
    // the last decode, which may have begun one more from what was left).
    try {
      super.channelInactive(context);
    } finally {
      releaseAssembling();
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext context) {
    releaseAssembling();
  }

  private void releaseAssembling() {
    stopWatchingArrival();
    if (assembling != null) {
      assembling.release();
      assembling = null;
    }
    skipping = 0;
  }

  private void decodeUntyped(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      return;
    }
    int length = in.getInt(in.readerIndex());
    if (length < 8 || length > MAX_STARTUP_LENGTH) {
      throw new ProtocolException("invalid startup packet length " + length);
    }
    if (in.readableBytes() < length) {
      return;
    }
    ByteBuf frame = in.readSlice(length).skipBytes(4);
    int code = frame.readInt();
    switch (code) {
      case SSL_REQUEST_CODE -> out.add(expectEmpty(frame, FrontendMessage.SslRequest.INSTANCE));
      case GSSENC_REQUEST_CODE -> out.add(expectEmpty(frame, FrontendMessage.GssEncRequest.INSTANCE));
      case CANCEL_REQUEST_CODE -> out.add(decodeCancel(frame));
      default -> {
        out.add(decodeStartup(code, frame));
        startupDone = true;
      }
    }
  }

  private static FrontendMessage expectEmpty(ByteBuf frame, FrontendMessage message) {
    if (frame.isReadable()) {
      throw new ProtocolException("unexpected bytes after request code");
    }
    return message;
  }

  private static FrontendMessage decodeCancel(ByteBuf frame) {
    if (frame.readableBytes() < 8 || frame.readableBytes() > 260) {
      throw new ProtocolException("invalid cancel request length");
    }
    int processId = frame.readInt();
    byte[] key = new byte[frame.readableBytes()];
    frame.readBytes(key);
    return new FrontendMessage.CancelRequest(processId, key);
  }

  private static FrontendMessage decodeStartup(int protocolVersion, ByteBuf frame) {
    if ((protocolVersion >>> 16) != 3) {
      throw new ProtocolException(
          "unsupported frontend protocol " + (protocolVersion >>> 16) + "." + (protocolVersion & 0xFFFF)
              + ": Meshgate supports protocol 3");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    while (true) {
      String name = ProtocolStrings.readCString(frame);
      if (name.isEmpty()) {
        break;
      }
      String value = ProtocolStrings.readCString(frame);
      if (parameters.put(name, value) != null) {
        throw new ProtocolException("startup parameter given twice: " + name);
      }
    }
    if (frame.isReadable()) {
      throw new ProtocolException("unexpected bytes after startup parameters");
    }
    return new FrontendMessage.StartupMessage(protocolVersion, parameters);
  }

  private void decodeTyped(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
    if (skipping > 0 && !skip(in)) {
      return;
    }
    if (in.readableBytes() < 5) {
      return;
    }
    byte type = in.getByte(in.readerIndex());
    int length = in.getInt(in.readerIndex() + 1);
    int limit = authenticated ? maxMessageBytes : Math.min(maxMessageBytes, MAX_UNAUTHENTICATED_MESSAGE_BYTES);
    if (length < 4 || length > limit) {
      throw new ProtocolException("invalid length " + length + " for message '" + printable(type) + "'");
    }
    long frameBytes = length + 1L;
    if (assembling == null && authenticated && MessageMemoryBudget.isLarge(frameBytes)) {
      int leadingBytes = type == 'B' ? (int) Math.min(frameBytes, 5 + LEADING_NAMES_BYTES) : 5;
      if (in.readableBytes() < leadingBytes) {
        return;
      }
      Optional<MemoryReservation> reservation = budget.tryReserve(frameBytes);
      if (reservation.isEmpty()) {
        // The frame's length is known, so skipping exactly its bytes keeps the stream in step:
        // the session refuses this one message and reads the next.
        out.add(new FrontendMessage.OverBudget((char) (type & 0xFF), frameBytes,
            type == 'B' ? leadingNames(in, leadingBytes, 2) : List.of()));
        skipping = frameBytes;
        skip(in);
        return;
      }
      assembling = reservation.get();
      watchArrival(context, assembling, budget.arrivalLimit(frameBytes));
    }
    if (in.readableBytes() < frameBytes) {
      return;
    }
    if (RELAYED_TYPES.indexOf(type) >= 0) {
      ByteBuf frame = in.readRetainedSlice(length + 1);
      FrontendMessage message;
      try {
        message = decodeRelayed(type, frame);
      } catch (RuntimeException e) {
        frame.release();
        throw e;
      }
      out.add(budgeted(message));
      return;
    }
    in.skipBytes(5);
    ByteBuf body = in.readSlice(length - 4);
    out.add(budgeted(decodeBody(type, body)));
  }

  /** Skips what has arrived of a refused frame; true when all of it has. */
  private boolean skip(ByteBuf in) {
    int skipped = (int) Math.min(skipping, in.readableBytes());
    in.skipBytes(skipped);
    skipping -= skipped;
    return skipping == 0;
  }

  /** A complete message, carrying the reservation its frame was accumulated under, if any. */
  private FrontendMessage budgeted(FrontendMessage message) {
    if (assembling == null) {
      return message;
    }
    FrontendMessage budgeted = new FrontendMessage.Budgeted(message, assembling);
    assembling = null;
    stopWatchingArrival();
    return budgeted;
  }

  /**
   * Ends the session if the rest of the large frame {@code reservation} is for has not arrived
   * within {@code limit}: its bytes are taken from every session's budget from its header on, so
   * a client must not hold them by trickling its body. Time during which Meshgate itself stopped
   * reading this client (its pipeline is full behind a running statement, or the backend is slow
   * to take what it sends) is not the client's: then the limit starts again once reading goes on.
   */
  private void watchArrival(ChannelHandlerContext context, MemoryReservation reservation, Duration limit) {
    arrivalLimit = context.executor().schedule(() -> {
      if (assembling != reservation) {
        return; // it arrived, or the session ended, in the meantime
      }
      if (!context.channel().config().isAutoRead()) {
        watchArrival(context, reservation, limit);
        return;
      }
      arrivalLimit = null;
      failed = true;
      releaseAssembling();
      context.fireExceptionCaught(new ProtocolException("the rest of a message of " + reservation.bytes()
          + " bytes did not arrive within " + limit.toMillis() + " ms of its header; large messages must arrive at "
          + budget.minimumArrivalRate() + " bytes a second or faster (protocol.large_message_min_rate)"));
    }, limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void stopWatchingArrival() {
    if (arrivalLimit != null) {
      arrivalLimit.cancel(false);
      arrivalLimit = null;
    }
  }

  /** Up to {@code count} NUL-terminated names after the header, within the first {@code leadingBytes}. */
  private static List<String> leadingNames(ByteBuf in, int leadingBytes, int count) {
    List<String> names = new ArrayList<>(count);
    int position = in.readerIndex() + 5;
    int end = in.readerIndex() + leadingBytes;
    while (names.size() < count) {
      int terminator = in.indexOf(position, end, (byte) 0);
      if (terminator < 0) {
        return List.of();
      }
      names.add(in.toString(position, terminator - position, StandardCharsets.UTF_8));
      position = terminator + 1;
    }
    return List.copyOf(names);
  }

  /** Messages forwarded as raw frames; only the names Meshgate tracks are read from them. */
  private static final String RELAYED_TYPES = "BEDCSHdcf";

  private static FrontendMessage decodeRelayed(byte type, ByteBuf frame) {
    ByteBuf body = frame.slice(frame.readerIndex() + 5, frame.readableBytes() - 5);
    return switch (type) {
      case 'B' -> {
        String portal = ProtocolStrings.readCString(body);
        String statement = ProtocolStrings.readCString(body);
        yield new FrontendMessage.Bind(portal, statement, frame);
      }
      case 'E' -> {
        String portal = ProtocolStrings.readCString(body);
        if (body.readableBytes() != 4) {
          throw new ProtocolException("invalid Execute message");
        }
        yield new FrontendMessage.Execute(portal, body.readInt(), frame);
      }
      case 'D', 'C' -> {
        if (!body.isReadable()) {
          throw new ProtocolException("invalid " + (type == 'D' ? "Describe" : "Close") + " message");
        }
        char target = (char) body.readByte();
        if (target != 'S' && target != 'P') {
          throw new ProtocolException("invalid target '" + target + "' in " + (type == 'D' ? "Describe" : "Close"));
        }
        String name = ProtocolStrings.readCString(body);
        yield type == 'D'
            ? new FrontendMessage.Describe(target, name, frame)
            : new FrontendMessage.Close(target, name, frame);
      }
      case 'S' -> new FrontendMessage.Sync(frame);
      case 'H' -> new FrontendMessage.Flush(frame);
      case 'd' -> new FrontendMessage.CopyData(frame);
      case 'c' -> new FrontendMessage.CopyDone(frame);
      case 'f' -> {
        // CopyFail's message goes to the backend as written; it must at least be a string
        ProtocolStrings.readCString(body);
        yield new FrontendMessage.CopyFail(frame);
      }
      default -> throw new IllegalStateException("not a relayed type: " + (char) type);
    };
  }

  private static FrontendMessage decodeBody(byte type, ByteBuf body) {
    return switch (type) {
      case 'Q' -> {
        String sql = ProtocolStrings.readCString(body);
        if (body.isReadable()) {
          throw new ProtocolException("unexpected bytes after query string");
        }
        yield new FrontendMessage.Query(sql);
      }
      case 'p' -> {
        byte[] payload = new byte[body.readableBytes()];
        body.readBytes(payload);
        yield new FrontendMessage.PasswordMessage(payload);
      }
      case 'P' -> {
        String name = ProtocolStrings.readCString(body);
        String sql = ProtocolStrings.readCString(body);
        if (body.readableBytes() < 2) {
          throw new ProtocolException("invalid Parse message");
        }
        int count = body.readUnsignedShort();
        if (body.readableBytes() != count * 4) {
          throw new ProtocolException("invalid parameter type count in Parse message");
        }
        java.util.List<Integer> types = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          types.add(body.readInt());
        }
        yield new FrontendMessage.Parse(name, sql, types);
      }
      case 'X' -> FrontendMessage.Terminate.INSTANCE;
      case 'F' -> {
        if (body.readableBytes() < 4) {
          throw new ProtocolException("invalid FunctionCall message");
        }
        yield new FrontendMessage.FunctionCall(body.readInt());
      }
      default -> new FrontendMessage.Unsupported((char) (type & 0xFF));
    };
  }

  private static String printable(byte type) {
    return type >= 32 && type < 127 ? String.valueOf((char) type) : "0x" + Integer.toHexString(type & 0xFF);
  }
}
