package io.meshgate.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrontendMessageDecoderTest {

  private static byte[] startup(Map<String, String> parameters) {
    ByteBuf buffer = ClientMessages.startupMessage(Unpooled.buffer().alloc(), parameters);
    byte[] bytes = new byte[buffer.readableBytes()];
    buffer.readBytes(bytes);
    buffer.release();
    return bytes;
  }

  /** A typed frame's bytes: type, length, body (also for FrontendMessageDecoderBudgetTest). */
  static byte[] typed(char type, byte[] body) {
    ByteBuf buffer = Unpooled.buffer();
    buffer.writeByte(type).writeInt(body.length + 4).writeBytes(body);
    byte[] bytes = new byte[buffer.readableBytes()];
    buffer.readBytes(bytes);
    return bytes;
  }

  private static byte[] query(String sql) {
    byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
    return typed('Q', text);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }

  private static List<Object> decodeSplitAt(byte[] stream, int split) {
    EmbeddedChannel channel = new EmbeddedChannel(new FrontendMessageDecoder(1 << 20));
    channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, split));
    channel.writeInbound(Unpooled.wrappedBuffer(stream, split, stream.length - split));
    List<Object> messages = new ArrayList<>();
    for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
      messages.add(message);
    }
    assertFalse(channel.finish());
    return messages;
  }

  @Test
  void decodesASessionOpeningSplitAtEveryByte() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", "alice");
    parameters.put("database", "mesh");
    parameters.put("application_name", "psql ü");
    byte[] sslRequest = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
    byte[] stream = concat(sslRequest, startup(parameters), typed('p', "alice\0".getBytes(StandardCharsets.UTF_8)),
        query("SELECT 'é' AS x"), typed('X', new byte[0]));
    for (int split = 0; split <= stream.length; split++) {
      List<Object> messages = decodeSplitAt(stream, split);
      assertEquals(5, messages.size(), "split at " + split);
      assertEquals(FrontendMessage.SslRequest.INSTANCE, messages.get(0));
      FrontendMessage.StartupMessage startup = assertInstanceOf(FrontendMessage.StartupMessage.class, messages.get(1));
      assertEquals(parameters, startup.parameters());
      assertEquals(3, startup.majorVersion());
      assertEquals("alice\0", new String(((FrontendMessage.PasswordMessage) messages.get(2)).payload(), StandardCharsets.UTF_8));
      assertEquals(new FrontendMessage.Query("SELECT 'é' AS x"), messages.get(3));
      assertEquals(FrontendMessage.Terminate.INSTANCE, messages.get(4));
    }
  }

  @Test
  void decodesCancelRequestWithLongerProtocol32Keys() {
    ByteBuf buffer = Unpooled.buffer();
    buffer.writeInt(4 + 4 + 4 + 32).writeInt(80877102).writeInt(1234).writeBytes(new byte[32]);
    EmbeddedChannel channel = new EmbeddedChannel(new FrontendMessageDecoder(1 << 20));
    channel.writeInbound(buffer);
    FrontendMessage.CancelRequest cancel = channel.readInbound();
    assertEquals(1234, cancel.processId());
    assertEquals(32, cancel.secretKey().length);
    channel.finishAndReleaseAll();
  }

  @Test
  void refusesOversizedStartupPacketBeforeBufferingIt() {
    ByteBuf buffer = Unpooled.buffer();
    buffer.writeInt(1_000_000).writeInt(3 << 16);
    EmbeddedChannel channel = new EmbeddedChannel(new FrontendMessageDecoder(1 << 20));
    assertThrows(ProtocolException.class, () -> channel.writeInbound(buffer));
    channel.finishAndReleaseAll();
  }

  @Test
  void refusesMessagesOverTheLimitAndNegativeLengths() {
    byte[] opening = startup(Map.of("user", "alice"));
    for (int length : new int[] {2048 + 5, 3, -1}) {
      ByteBuf buffer = Unpooled.buffer().writeBytes(opening);
      buffer.writeByte('Q').writeInt(length);
      EmbeddedChannel channel = new EmbeddedChannel(new FrontendMessageDecoder(2048));
      assertThrows(ProtocolException.class, () -> channel.writeInbound(buffer), "length " + length);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void beforeAuthenticationOnlyPostgresSizedMessagesAreAccepted() {
    byte[] opening = startup(Map.of("user", "alice"));
    EmbeddedChannel unauthenticated = new EmbeddedChannel(new FrontendMessageDecoder(1 << 20));
    ByteBuf announcement = Unpooled.buffer().writeBytes(opening).writeByte('p').writeInt(70_000);
    assertThrows(ProtocolException.class, () -> unauthenticated.writeInbound(announcement));
    unauthenticated.finishAndReleaseAll();

    FrontendMessageDecoder decoder = new FrontendMessageDecoder(1 << 20);
    EmbeddedChannel authenticated = new EmbeddedChannel(decoder);
    authenticated.writeInbound(Unpooled.wrappedBuffer(opening));
    authenticated.readInbound();
    decoder.authenticated();
    String longQuery = "SELECT '" + "x".repeat(70_000) + "'";
    authenticated.writeInbound(Unpooled.wrappedBuffer(query(longQuery)));
    FrontendMessage.Budgeted large = assertInstanceOf(FrontendMessage.Budgeted.class, authenticated.readInbound());
    assertEquals(new FrontendMessage.Query(longQuery), large.message());
    authenticated.finishAndReleaseAll();
  }

  @Test
  void refusesUnterminatedQueryStringAndProtocolTwo() {
    byte[] opening = startup(Map.of("user", "alice"));
    EmbeddedChannel channel = new EmbeddedChannel(new FrontendMessageDecoder(1 << 20));
    channel.writeInbound(Unpooled.wrappedBuffer(opening));
    channel.readInbound();
    assertThrows(ProtocolException.class,
        () -> channel.writeInbound(Unpooled.wrappedBuffer(typed('Q', "SELECT 1".getBytes(StandardCharsets.UTF_8)))));
    channel.finishAndReleaseAll();

    ByteBuf version2 = Unpooled.buffer().writeInt(8).writeInt(2 << 16);
    EmbeddedChannel second = new EmbeddedChannel(new FrontendMessageDecoder(1 << 20));
    assertThrows(ProtocolException.class, () -> second.writeInbound(version2));
    second.finishAndReleaseAll();
  }

  @Test
  void reportsUnknownTypedMessagesWithoutGuessing() {
    byte[] stream = concat(startup(Map.of("user", "alice")), typed('V', new byte[] {0, 0, 0, 1}));
    List<Object> messages = decodeSplitAt(stream, 3);
    assertEquals(new FrontendMessage.Unsupported('V'), messages.get(1));
  }

  @Test
  void readsTheFunctionOfAFastpathCall() {
    byte[] stream = concat(startup(Map.of("user", "alice")), typed('F', new byte[] {0, 0, 6, 62, 0, 0, 0, 0, 0, 0}));
    assertEquals(new FrontendMessage.FunctionCall(1598), decodeSplitAt(stream, 3).get(1));
    assertThrows(ProtocolException.class,
        () -> decodeSplitAt(concat(startup(Map.of("user", "alice")), typed('F', new byte[] {0, 0})), 3));
  }

  @Test
  void waitsForTheRestOfAFrame() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrontendMessageDecoder(1 << 20));
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0}));
    assertNull(channel.readInbound());
    channel.finishAndReleaseAll();
  }

  @Test
  void relaysCopyMessagesAsWholeFramesAndChecksCopyFailsMessage() {
    byte[] data = typed('d', "1\tEU\n".getBytes(StandardCharsets.UTF_8));
    byte[] done = typed('c', new byte[0]);
    byte[] fail = typed('f', "stop\0".getBytes(StandardCharsets.UTF_8));
    List<Object> messages = decodeSplitAt(concat(startup(Map.of("user", "alice")), data, done, fail), 7);
    assertEquals(4, messages.size());
    FrontendMessage.CopyData copyData = (FrontendMessage.CopyData) messages.get(1);
    assertEquals(data.length, copyData.frame().readableBytes());
    assertEquals('c', ((FrontendMessage.CopyDone) messages.get(2)).frame().getByte(0));
    assertEquals('f', ((FrontendMessage.CopyFail) messages.get(3)).frame().getByte(0));
    messages.stream().skip(1).forEach(message -> ((FrontendMessage.Relayed) message).frame().release());

    EmbeddedChannel channel = new EmbeddedChannel(new FrontendMessageDecoder(1 << 20));
    channel.writeInbound(Unpooled.wrappedBuffer(startup(Map.of("user", "alice"))));
    channel.readInbound();
    assertThrows(ProtocolException.class,
        () -> channel.writeInbound(Unpooled.wrappedBuffer(typed('f', "unterminated".getBytes(StandardCharsets.UTF_8)))));
    channel.finishAndReleaseAll();
  }
}
