package io.meshgate.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.memory.MemoryReservation;
import io.meshgate.proxy.memory.MessageMemoryBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The decoder takes large frames' bytes from the process-wide budget before holding them. */
class FrontendMessageDecoderBudgetTest {
  private static final int LIMIT = 256 << 10;
  private static final int PIECE = 8 << 10;

  private final MessageMemoryBudget budget = new MessageMemoryBudget(LIMIT);
  private final FrontendMessageDecoder decoder = new FrontendMessageDecoder(1 << 20, budget);
  private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

  /** Past the startup message and authenticated, as the session leaves the decoder. */
  private void authenticated() {
    ByteBuf startup = ClientMessages.startupMessage(Unpooled.buffer().alloc(), Map.of("user", "carol"));
    channel.writeInbound(startup);
    assertInstanceOf(FrontendMessage.StartupMessage.class, channel.readInbound());
    decoder.authenticated();
  }

  private static byte[] query(int textBytes) {
    byte[] text = new byte[textBytes + 1];
    byte[] select = "SELECT 1 -- ".getBytes(StandardCharsets.US_ASCII);
    Arrays.fill(text, (byte) 'x');
    System.arraycopy(select, 0, text, 0, select.length);
    text[textBytes] = 0;
    return FrontendMessageDecoderTest.typed('Q', text);
  }

  private static byte[] bind(String portal, String statement, int parameterBytes) {
    ByteBuf body = Unpooled.buffer();
    body.writeCharSequence(portal, StandardCharsets.UTF_8);
    body.writeByte(0);
    body.writeCharSequence(statement, StandardCharsets.UTF_8);
    body.writeByte(0);
    body.writeShort(0).writeShort(1).writeInt(parameterBytes).writeZero(parameterBytes).writeShort(0);
    byte[] bytes = new byte[body.readableBytes()];
    body.readBytes(bytes);
    body.release();
    return FrontendMessageDecoderTest.typed('B', bytes);
  }

  /** Feeds {@code bytes} from {@code from} in pieces, checking after each what the decoder holds. */
  private void feedInPieces(byte[] bytes, int from, int to, Runnable afterEachPiece) {
    for (int offset = from; offset < to; offset += PIECE) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes, offset, Math.min(PIECE, to - offset)));
      afterEachPiece.run();
    }
  }

  @Test
  void aLargeMessageHoldsItsBytesFromItsHeaderUntilItsReservationIsReleased() {
    authenticated();
    byte[] frame = query(200 << 10);
    feedInPieces(frame, 0, frame.length - 1, () -> assertEquals(frame.length, budget.usedBytes(),
        "reserved from the header on, before its bytes are held"));
    assertNull(channel.readInbound());
    channel.writeInbound(Unpooled.wrappedBuffer(frame, frame.length - 1, 1));

    FrontendMessage.Budgeted budgeted = assertInstanceOf(FrontendMessage.Budgeted.class, channel.readInbound());
    assertEquals(200 << 10, assertInstanceOf(FrontendMessage.Query.class, budgeted.message()).sql().length());
    assertEquals(frame.length, budgeted.reservation().bytes());
    assertEquals(frame.length, budget.usedBytes(), "the session holds the message now");
    budgeted.reservation().release();
    assertEquals(0, budget.usedBytes());
    channel.finishAndReleaseAll();
  }

  @Test
  void aLargeMessageWithoutRoomIsSkippedUnheldAndTheNextMessageIsRead() {
    authenticated();
    MemoryReservation others = budget.tryReserve(LIMIT - (100 << 10)).orElseThrow();
    byte[] frame = bind("portal", "statement", 150 << 10);
    byte[] next = FrontendMessageDecoderTest.typed('Q', "SELECT 1\0".getBytes(StandardCharsets.US_ASCII));

    channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, PIECE));
    FrontendMessage.OverBudget refused = assertInstanceOf(FrontendMessage.OverBudget.class, channel.readInbound(),
        "refused as soon as its header and names are in");
    assertEquals(new FrontendMessage.OverBudget('B', frame.length, List.of("portal", "statement")), refused);
    assertEquals(1, budget.refusals());
    feedInPieces(frame, PIECE, frame.length, () -> {
      assertEquals(0, decoder.bufferedBytes(), "skipped as it arrives, never accumulated");
      assertNull(channel.readInbound());
    });
    assertEquals(LIMIT - (100 << 10), budget.usedBytes(), "a refusal takes nothing");

    channel.writeInbound(Unpooled.wrappedBuffer(next));
    assertEquals(new FrontendMessage.Query("SELECT 1"), channel.readInbound(), "the stream is still in step");
    others.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void smallMessagesNeverTouchTheBudget() {
    authenticated();
    MemoryReservation all = budget.tryReserve(LIMIT).orElseThrow();
    byte[] frame = query(MessageMemoryBudget.LARGE_MESSAGE_BYTES - 7); // type, length, text, NUL: 64 KiB - 1
    assertEquals(MessageMemoryBudget.LARGE_MESSAGE_BYTES - 1, frame.length);
    channel.writeInbound(Unpooled.wrappedBuffer(frame));
    assertInstanceOf(FrontendMessage.Query.class, channel.readInbound());
    assertEquals(0, budget.refusals());
    all.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void aClientGoneInTheMiddleOfALargeMessageGivesItsBytesBack() {
    authenticated();
    byte[] frame = bind("", "S_1", 150 << 10);
    channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 50 << 10));
    assertEquals(frame.length, budget.usedBytes());
    channel.close();
    assertEquals(0, budget.usedBytes());
    channel.finishAndReleaseAll();
  }

  @Test
  void aMalformedLargeMessageGivesItsBytesBack() {
    authenticated();
    byte[] body = new byte[100 << 10]; // an Execute: a portal name and a row count, not 100 KiB of zeros
    byte[] frame = FrontendMessageDecoderTest.typed('E', body);
    assertThrows(DecoderException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(frame)));
    assertEquals(0, budget.usedBytes());
    channel.finishAndReleaseAll();
  }

  @Test
  void aLargeRelayedFrameKeepsItsReservationWithItsFrame() {
    authenticated();
    byte[] frame = bind("", "S_1", 100 << 10);
    channel.writeInbound(Unpooled.wrappedBuffer(frame));
    FrontendMessage.Budgeted budgeted = assertInstanceOf(FrontendMessage.Budgeted.class, channel.readInbound());
    FrontendMessage.Bind bind = assertInstanceOf(FrontendMessage.Bind.class, budgeted.message());
    assertEquals(frame.length, bind.frame().readableBytes());
    assertEquals(frame.length, budget.usedBytes());
    bind.frame().release();
    budgeted.reservation().release();
    assertEquals(0, budget.usedBytes());
    channel.finishAndReleaseAll();
  }

  /** A decoder whose budget wants the rest of a large message at 64 KiB a second. */
  private static final class Trickled {
    final MessageMemoryBudget budget = new MessageMemoryBudget(LIMIT, 64 << 10);
    final FrontendMessageDecoder decoder = new FrontendMessageDecoder(1 << 20, budget);
    final EmbeddedChannel channel = new EmbeddedChannel(decoder);
    final byte[] frame = query(200 << 10);
    /** 10 s of grace and 200 KiB at 64 KiB a second. */
    final long limitMillis = budget.arrivalLimit(frame.length).toMillis();

    Trickled() {
      channel.freezeTime(); // only advanceTimeBy moves the event loop's clock: the test decides to the millisecond
      channel.writeInbound(ClientMessages.startupMessage(Unpooled.buffer().alloc(), Map.of("user", "carol")));
      assertInstanceOf(FrontendMessage.StartupMessage.class, channel.readInbound());
      decoder.authenticated();
      channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, PIECE));
      assertEquals(frame.length, budget.usedBytes());
    }

    void waitMillis(long millis) {
      channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
    }
  }

  @Test
  void aMessageTrickledPastItsArrivalLimitEndsTheSessionAndGivesItsBytesBack() {
    Trickled client = new Trickled();
    assertEquals(10_000 + Math.ceilDiv(client.frame.length * 1000L, 64 << 10), client.limitMillis);
    client.waitMillis(client.limitMillis - 1000);
    client.channel.writeInbound(Unpooled.wrappedBuffer(client.frame, PIECE, 1));
    client.channel.checkException();
    assertEquals(client.frame.length, client.budget.usedBytes(), "a byte now and then does not reset the limit");

    client.waitMillis(1000);
    ProtocolException ended = assertThrows(ProtocolException.class, client.channel::checkException);
    assertTrue(ended.getMessage().contains("protocol.large_message_min_rate"), ended.getMessage());
    assertEquals(0, client.budget.usedBytes());
    // The rest is not read any more: the session is ending.
    client.channel.writeInbound(Unpooled.wrappedBuffer(client.frame, PIECE + 1, client.frame.length - PIECE - 1));
    assertNull(client.channel.readInbound());
    assertEquals(0, client.budget.usedBytes());
    client.channel.finishAndReleaseAll();
  }

  @Test
  void aMessageCompleteWithinItsLimitIsNotEnded() {
    Trickled client = new Trickled();
    client.waitMillis(client.limitMillis - 1);
    client.channel.writeInbound(Unpooled.wrappedBuffer(client.frame, PIECE, client.frame.length - PIECE));
    FrontendMessage.Budgeted budgeted = assertInstanceOf(FrontendMessage.Budgeted.class, client.channel.readInbound());
    client.waitMillis(client.limitMillis);
    client.channel.checkException();
    assertEquals(client.frame.length, client.budget.usedBytes(), "held by the session until it is done with it");
    budgeted.reservation().release();
    assertEquals(0, client.budget.usedBytes());
  }

  /**
   * While Meshgate itself does not read the client (its pipeline waits behind a statement, or
   * the backend is slow), the client is not to blame: the limit starts again once reading does.
   */
  @Test
  void timeMeshgateDidNotReadIsNotCounted() {
    Trickled client = new Trickled();
    client.channel.config().setAutoRead(false);
    client.waitMillis(client.limitMillis * 3);
    client.channel.checkException();
    assertEquals(client.frame.length, client.budget.usedBytes());

    client.channel.config().setAutoRead(true);
    client.waitMillis(client.limitMillis);
    assertThrows(ProtocolException.class, client.channel::checkException);
    assertEquals(0, client.budget.usedBytes());
    client.channel.finishAndReleaseAll();
  }
}
