package io.meshgate.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.robustness.Frame;
import io.meshgate.proxy.robustness.FrameMutator;
import io.meshgate.proxy.robustness.FrontendFrames;
import io.meshgate.proxy.robustness.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Hostile byte streams against {@link FrontendMessageDecoder}: valid sessions cut at every
 * byte, every length field set to the values around the limits, and seeded random mutations.
 * For every stream, whatever the split:
 *
 * <ul>
 *   <li>only {@link FrontendMessage}s come out, then at most one {@link ProtocolException}, and
 *       nothing after it;
 *   <li>the messages are those an independent model of the framing predicts, in order, so the
 *       decoder never loses its place in the stream; an invalid length is always refused;
 *   <li>the result is the same for the whole stream at once, byte by byte and random chunks;
 *   <li>once the decoded frames are released and the channel is closed, every byte the decoder
 *       was given or allocated is freed (an instrumented allocator counts them), and Netty's
 *       paranoid leak detector reports nothing.
 * </ul>
 *
 * <p>Reproduce a failure with {@code -Dmeshgate.fuzz.seed=<seed>} (the seed is in the message);
 * {@code -Dmeshgate.fuzz.cases=<n>} changes the number of random cases.
 */
class FrontendMessageDecoderFuzzTest {
  private static final long SEED = Long.getLong("meshgate.fuzz.seed", 20_260_521L);
  private static final int CASES = Integer.getInteger("meshgate.fuzz.cases", 4000);
  /** Small, so random lengths often cross it; the minimum the decoder accepts is 1024. */
  private static final int MAX_MESSAGE_BYTES = 4096;

  private static final List<List<Frame>> SESSIONS = List.of(
      List.of(
          FrontendFrames.sslRequest(),
          FrontendFrames.startup("carol", "mesh"),
          FrontendFrames.password("carol"),
          FrontendFrames.query("SELECT count(*) FROM sales.stores WHERE region = 'EU'"),
          FrontendFrames.terminate()),
      List.of(
          FrontendFrames.startup("alice", "mesh"),
          FrontendFrames.saslInitialResponse("SCRAM-SHA-256", "n,,n=,r=rOprNGfwEbeRWgbNEkqO".getBytes(StandardCharsets.UTF_8)),
          FrontendFrames.saslResponse("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=".getBytes(StandardCharsets.UTF_8)),
          FrontendFrames.parse("", "SELECT store_id FROM sales.stores WHERE store_id > $1", 23),
          FrontendFrames.bind("", "", List.of("3")),
          FrontendFrames.describe('P', ""),
          FrontendFrames.execute("", 0),
          FrontendFrames.sync(),
          FrontendFrames.terminate()),
      List.of(
          FrontendFrames.gssEncRequest(),
          FrontendFrames.startup("dave", "mesh"),
          FrontendFrames.password("dave"),
          FrontendFrames.parse("S_1", "SELECT $1::text, $2::int", 25, 23),
          FrontendFrames.describe('S', "S_1"),
          FrontendFrames.bind("C_1", "S_1", Arrays.asList("é", null)),
          FrontendFrames.execute("C_1", 10),
          FrontendFrames.flush(),
          FrontendFrames.execute("C_1", 10),
          FrontendFrames.close('P', "C_1"),
          FrontendFrames.close('S', "S_1"),
          FrontendFrames.sync()),
      List.of(FrontendFrames.cancelRequest(0x1234_5678, new byte[] {1, 2, 3, 4})),
      List.of(
          FrontendFrames.startup("bob", "mesh"),
          FrontendFrames.password("bob"),
          FrontendFrames.query("COPY weather.stations_raw FROM STDIN"),
          FrontendFrames.copyData("1\t2\n".getBytes(StandardCharsets.UTF_8)),
          FrontendFrames.copyDone(),
          FrontendFrames.copyFail("no"),
          FrontendFrames.functionCall(1598),
          FrontendFrames.query(""),
          FrontendFrames.sync(),
          FrontendFrames.sync()));

  private static final int[] BOUNDARY_LENGTHS = {
    Integer.MIN_VALUE, -5, -1, 0, 1, 3, 4, 5, 7, 8, 9, 1023, 1024,
    MAX_MESSAGE_BYTES - 1, MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES + 1,
    FrontendMessageDecoder.MAX_STARTUP_LENGTH, FrontendMessageDecoder.MAX_STARTUP_LENGTH + 1,
    1 << 20, 64 << 20, Integer.MAX_VALUE
  };

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void validSessionsDecodeTheSameWhereverTheyAreSplit() {
    try (LeakWatch leaks = LeakWatch.start()) {
      Random random = new Random(SEED);
      for (int session = 0; session < SESSIONS.size(); session++) {
        byte[] stream = FrontendFrames.concat(SESSIONS.get(session));
        String name = "session " + session;
        Decoded whole = checkEverySplit(stream, random, 20, name);
        assertTrue(whole.failure().isEmpty(), name + ": " + whole);
        assertEquals(SESSIONS.get(session).size(), whole.kinds().size(), name + ": " + whole);
      }
      leaks.assertNoLeaks();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void everyTruncationOfAValidSessionDecodesItsCompleteFramesAndWaits() {
    try (LeakWatch leaks = LeakWatch.start()) {
      Random random = new Random(SEED + 1);
      for (int session = 0; session < SESSIONS.size(); session++) {
        byte[] stream = FrontendFrames.concat(SESSIONS.get(session));
        for (int length = 0; length < stream.length; length++) {
          byte[] prefix = Arrays.copyOf(stream, length);
          String name = "session " + session + " cut to " + length + " bytes [seed " + SEED + "]";
          Decoded whole = decode(prefix, List.of(prefix.length), name);
          checkAgainstFraming(prefix, whole, name);
          assertTrue(whole.failure().isEmpty(), name + ": " + whole);
          assertEquals(whole, decode(prefix, randomChunks(prefix.length, random), name), name);
        }
      }
      leaks.assertNoLeaks();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void everyLengthFieldSetToEveryBoundaryValue() {
    try (LeakWatch leaks = LeakWatch.start()) {
      Random random = new Random(SEED + 2);
      for (int session = 0; session < SESSIONS.size(); session++) {
        List<Frame> frames = SESSIONS.get(session);
        for (int index = 0; index < frames.size(); index++) {
          for (int length : BOUNDARY_LENGTHS) {
            List<Frame> damaged = new ArrayList<>(frames);
            damaged.set(index, withLength(frames.get(index), length));
            byte[] stream = FrontendFrames.concat(damaged);
            String name = "session " + session + ", frame " + index + " with length " + length;
            Decoded whole = checkEverySplit(stream, random, 2, name);
            boolean valid = frames.get(index).typed()
                ? length >= 4 && length <= MAX_MESSAGE_BYTES
                : length >= 8 && length <= FrontendMessageDecoder.MAX_STARTUP_LENGTH;
            if (!valid && whole.kinds().size() == index) {
              // Nothing before the damaged frame failed, so the damaged length itself is refused.
              assertTrue(whole.failure().isPresent(), name + ": " + whole);
            }
          }
        }
      }
      leaks.assertNoLeaks();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void seededMutationsOfValidSessions() {
    try (LeakWatch leaks = LeakWatch.start()) {
      for (int number = 0; number < CASES; number++) {
        Random random = new Random(SEED * 31 + number);
        FrameMutator.Mutated mutated = FrameMutator.mutate(SESSIONS.get(random.nextInt(SESSIONS.size())), random);
        checkEverySplit(mutated.stream(), random, 2, "mutation case " + number + " (" + mutated + ")");
      }
      leaks.assertNoLeaks();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
  void randomBytesAndRandomFramesAfterAValidStartup() {
    try (LeakWatch leaks = LeakWatch.start()) {
      byte[] opening = FrontendFrames.startup("carol", "mesh").bytes();
      for (int number = 0; number < CASES / 2; number++) {
        Random random = new Random(SEED * 37 + number);
        byte[] noise = FrameMutator.randomBytes(random, 600);
        checkEverySplit(noise, random, 1, "random bytes case " + number + " " + HexFormat.of().formatHex(noise));

        byte[] typedNoise = concat(opening, FrameMutator.randomBytes(random, 600));
        checkEverySplit(typedNoise, random, 1, "random bytes after startup, case " + number + " "
            + HexFormat.of().formatHex(typedNoise));

        List<Frame> frames = new ArrayList<>();
        frames.add(FrontendFrames.startup("carol", "mesh"));
        frames.addAll(FrameMutator.randomFrames(random, 1 + random.nextInt(12)));
        byte[] framed = FrontendFrames.concat(frames);
        checkEverySplit(framed, random, 1, "random frames case " + number + " " + HexFormat.of().formatHex(framed));
      }
      leaks.assertNoLeaks();
    }
  }

  // ---- the harness ---------------------------------------------------------------------------

  /** What came out of the decoder for one stream: comparable across splits. */
  private record Decoded(List<String> kinds, List<String> messages, Optional<String> failure) {}

  /**
   * Decodes {@code stream} whole, byte by byte (when short enough to stay fast) and in {@code
   * randomSplits} random chunkings; all must agree with each other and with the framing model.
   */
  private static Decoded checkEverySplit(byte[] stream, Random random, int randomSplits, String name) {
    String context = name + " [base seed " + SEED + ", rerun with -Dmeshgate.fuzz.seed=" + SEED + "]";
    try {
      Decoded whole = decode(stream, List.of(stream.length), context);
      checkAgainstFraming(stream, whole, context);
      if (stream.length <= 2048) {
        List<Integer> bytes = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
          bytes.add(1);
        }
        assertEquals(whole, decode(stream, bytes, context), context + ": split at every byte");
      }
      for (int i = 0; i < randomSplits; i++) {
        List<Integer> chunks = randomChunks(stream.length, random);
        assertEquals(whole, decode(stream, chunks, context), context + ": split into " + chunks);
      }
      return whole;
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(context + " failed: " + e.getMessage(), e);
    }
  }

  private static Decoded decode(byte[] stream, List<Integer> chunks, String context) {
    // Unpooled and instrumented: after the test, used memory must be back to zero.
    UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
    Collector collector = new Collector();
    EmbeddedChannel channel = new EmbeddedChannel(new FrontendMessageDecoder(MAX_MESSAGE_BYTES), collector);
    channel.config().setAllocator(allocator);
    int offset = 0;
    for (int chunk : chunks) {
      ByteBuf buffer = allocator.heapBuffer(chunk);
      buffer.writeBytes(stream, offset, chunk);
      offset += chunk;
      channel.writeInbound(buffer);
    }
    assertEquals(stream.length, offset);
    assertFalse(channel.finish(), "nothing reaches the end of the pipeline");
    collector.releaseFrames();
    assertEquals(0, allocator.metric().usedHeapMemory(), context + ": heap bytes still held after close");
    assertEquals(0, allocator.metric().usedDirectMemory(), context + ": direct bytes still held after close");
    return collector.result();
  }

  /** Sits after the decoder: keeps descriptions, holds the frames until the stream is done. */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    private final List<String> kinds = new ArrayList<>();
    private final List<String> messages = new ArrayList<>();
    private final List<ByteBuf> frames = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final List<String> afterFailure = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
      FrontendMessage frontendMessage = assertInstanceOf(FrontendMessage.class, message,
          "the decoder emits FrontendMessages only");
      FrontendMessage read = frontendMessage instanceof FrontendMessage.Budgeted budgeted
          ? budgeted.message()
          : frontendMessage;
      if (read instanceof FrontendMessage.Relayed relayed) {
        frames.add(relayed.frame());
        checkRelayedFrame(relayed);
      }
      if (!failures.isEmpty()) {
        afterFailure.add(describe(frontendMessage));
      }
      kinds.add(kind(frontendMessage));
      messages.add(describe(frontendMessage));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      failures.add(cause);
    }

    void releaseFrames() {
      frames.forEach(ByteBuf::release);
      frames.clear();
    }

    Decoded result() {
      for (Throwable failure : failures) {
        if (!(failure instanceof ProtocolException)) {
          throw new AssertionError("the decoder threw " + failure + " instead of a ProtocolException", failure);
        }
      }
      assertTrue(failures.size() <= 1, "one ProtocolException at most, got " + failures);
      assertEquals(List.of(), afterFailure, "nothing is decoded after a protocol violation");
      return new Decoded(List.copyOf(kinds), List.copyOf(messages),
          failures.stream().findFirst().map(Throwable::getMessage));
    }
  }

  /** A relayed frame must be exactly one whole frame: type, length, body. */
  private static void checkRelayedFrame(FrontendMessage.Relayed relayed) {
    ByteBuf frame = relayed.frame();
    assertTrue(frame.refCnt() > 0, "a relayed frame arrives with a reference");
    assertTrue(frame.readableBytes() >= 5, "a relayed frame holds its header");
    assertEquals(frame.readableBytes() - 1, frame.getInt(frame.readerIndex() + 1), "relayed frame length");
    char type = (char) frame.getByte(frame.readerIndex());
    assertEquals(kind(relayed), String.valueOf(type), "relayed frame type");
  }

  private static String kind(FrontendMessage message) {
    return switch (message) {
      case FrontendMessage.StartupMessage startup -> "startup";
      case FrontendMessage.SslRequest ssl -> "ssl";
      case FrontendMessage.GssEncRequest gss -> "gss";
      case FrontendMessage.CancelRequest cancel -> "cancel";
      case FrontendMessage.PasswordMessage password -> "p";
      case FrontendMessage.Query query -> "Q";
      case FrontendMessage.Terminate terminate -> "X";
      case FrontendMessage.Parse parse -> "P";
      case FrontendMessage.Bind bind -> "B";
      case FrontendMessage.Execute execute -> "E";
      case FrontendMessage.Describe describe -> "D";
      case FrontendMessage.Close close -> "C";
      case FrontendMessage.Sync sync -> "S";
      case FrontendMessage.Flush flush -> "H";
      case FrontendMessage.CopyData data -> "d";
      case FrontendMessage.CopyDone done -> "c";
      case FrontendMessage.CopyFail fail -> "f";
      case FrontendMessage.FunctionCall call -> "F";
      case FrontendMessage.Unsupported unsupported -> String.valueOf(unsupported.type());
      case FrontendMessage.Budgeted budgeted -> kind(budgeted.message());
      case FrontendMessage.OverBudget overBudget -> "over budget " + overBudget.type();
    };
  }

  private static String describe(FrontendMessage message) {
    HexFormat hex = HexFormat.of();
    return switch (message) {
      case FrontendMessage.StartupMessage startup ->
          "startup " + startup.protocolVersion() + " " + new TreeMap<>(startup.parameters());
      case FrontendMessage.SslRequest ssl -> "ssl";
      case FrontendMessage.GssEncRequest gss -> "gss";
      case FrontendMessage.CancelRequest cancel -> "cancel " + cancel.processId() + " " + hex.formatHex(cancel.secretKey());
      case FrontendMessage.PasswordMessage password -> "password " + hex.formatHex(password.payload());
      case FrontendMessage.Query query -> "query " + query.sql();
      case FrontendMessage.Terminate terminate -> "terminate";
      case FrontendMessage.Parse parse -> "parse " + parse.statementName() + " " + parse.sql() + " " + parse.parameterTypes();
      case FrontendMessage.Bind bind -> "bind " + bind.portalName() + " " + bind.statementName() + " " + hexDump(bind);
      case FrontendMessage.Execute execute -> "execute " + execute.portalName() + " " + execute.maxRows() + " " + hexDump(execute);
      case FrontendMessage.Describe describe -> "describe " + describe.target() + " " + describe.name() + " " + hexDump(describe);
      case FrontendMessage.Close close -> "close " + close.target() + " " + close.name() + " " + hexDump(close);
      case FrontendMessage.Sync sync -> "sync " + hexDump(sync);
      case FrontendMessage.Flush flush -> "flush " + hexDump(flush);
      case FrontendMessage.CopyData data -> "copy data " + hexDump(data);
      case FrontendMessage.CopyDone done -> "copy done " + hexDump(done);
      case FrontendMessage.CopyFail fail -> "copy fail " + hexDump(fail);
      case FrontendMessage.FunctionCall call -> "function call " + call.functionOid();
      case FrontendMessage.Unsupported unsupported -> "unsupported " + (int) unsupported.type();
      case FrontendMessage.Budgeted budgeted -> "budgeted " + describe(budgeted.message());
      case FrontendMessage.OverBudget overBudget -> "over budget " + overBudget;
    };
  }

  private static String hexDump(FrontendMessage.Relayed relayed) {
    return ByteBufUtil.hexDump(relayed.frame());
  }

  // ---- the framing model -----------------------------------------------------------------------

  /** The frames an independent reading of the protocol finds, and whether a length was invalid. */
  private record Framing(List<String> kinds, boolean invalidLength) {}

  private static Framing expectedFraming(byte[] stream) {
    List<String> kinds = new ArrayList<>();
    int position = 0;
    boolean typed = false;
    while (true) {
      int remaining = stream.length - position;
      if (!typed) {
        if (remaining < 4) {
          return new Framing(kinds, false);
        }
        int length = readInt(stream, position);
        if (length < 8 || length > FrontendMessageDecoder.MAX_STARTUP_LENGTH) {
          return new Framing(kinds, true);
        }
        if (remaining < length) {
          return new Framing(kinds, false);
        }
        switch (readInt(stream, position + 4)) {
          case FrontendFrames.SSL_REQUEST_CODE -> kinds.add("ssl");
          case FrontendFrames.GSSENC_REQUEST_CODE -> kinds.add("gss");
          case FrontendFrames.CANCEL_REQUEST_CODE -> kinds.add("cancel");
          default -> {
            kinds.add("startup");
            typed = true;
          }
        }
        position += length;
      } else {
        if (remaining < 5) {
          return new Framing(kinds, false);
        }
        int length = readInt(stream, position + 1);
        if (length < 4 || length > MAX_MESSAGE_BYTES) {
          return new Framing(kinds, true);
        }
        if (remaining - 1 < length) {
          return new Framing(kinds, false);
        }
        kinds.add(String.valueOf((char) (stream[position] & 0xFF)));
        position += 1 + length;
      }
    }
  }

  /**
   * The decoder's messages are a prefix of the model's frames; it stops early only with a
   * ProtocolException (a frame whose content is invalid), and it refuses every invalid length.
   */
  private static void checkAgainstFraming(byte[] stream, Decoded decoded, String context) {
    Framing framing = expectedFraming(stream);
    int count = decoded.kinds().size();
    assertTrue(count <= framing.kinds().size(),
        context + ": decoded " + decoded.kinds() + " but the stream holds only " + framing.kinds());
    assertEquals(framing.kinds().subList(0, count), decoded.kinds(), context + ": frames out of step");
    if (decoded.failure().isPresent()) {
      assertTrue(count < framing.kinds().size() || framing.invalidLength(),
          context + ": ProtocolException without an invalid frame: " + decoded.failure().get());
    } else {
      assertEquals(framing.kinds().size(), count, context + ": complete frames were not decoded");
      assertFalse(framing.invalidLength(), context + ": an invalid length was accepted");
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static Frame withLength(Frame frame, int length) {
    byte[] bytes = frame.bytes();
    int offset = frame.lengthOffset();
    bytes[offset] = (byte) (length >>> 24);
    bytes[offset + 1] = (byte) (length >>> 16);
    bytes[offset + 2] = (byte) (length >>> 8);
    bytes[offset + 3] = (byte) length;
    return new Frame(frame.typed(), bytes);
  }

  private static List<Integer> randomChunks(int length, Random random) {
    List<Integer> chunks = new ArrayList<>();
    int left = length;
    while (left > 0) {
      int size = Math.min(left, random.nextInt(4) == 0 ? 1 + random.nextInt(256) : 1 + random.nextInt(7));
      chunks.add(size);
      left -= size;
    }
    return chunks;
  }

  private static int readInt(byte[] bytes, int offset) {
    return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16)
        | ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
