package io.meshgate.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Null-terminated UTF-8 strings as the protocol writes them. */
final class ProtocolStrings {
  private ProtocolStrings() {}

  /** Reads up to the next NUL (consumed); a missing terminator is a protocol violation. */
  static String readCString(ByteBuf buffer) {
    int end = buffer.indexOf(buffer.readerIndex(), buffer.writerIndex(), (byte) 0);
    if (end < 0) {
      throw new ProtocolException("string is not terminated");
    }
    String value = buffer.toString(buffer.readerIndex(), end - buffer.readerIndex(), StandardCharsets.UTF_8);
    buffer.readerIndex(end + 1);
    return value;
  }

  static void writeCString(ByteBuf buffer, String value) {
    buffer.writeCharSequence(value, StandardCharsets.UTF_8);
    buffer.writeByte(0);
  }
}
