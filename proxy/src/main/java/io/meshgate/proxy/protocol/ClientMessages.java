package io.meshgate.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Encoders for the messages Meshgate sends to a PostgreSQL backend, in the client's role. */
public final class ClientMessages {
  private ClientMessages() {}

  public static final int PROTOCOL_3_0 = 3 << 16;

  public static ByteBuf startupMessage(ByteBufAllocator allocator, Map<String, String> parameters) {
    ByteBuf buffer = allocator.buffer();
    buffer.writeInt(0).writeInt(PROTOCOL_3_0);
    parameters.forEach(
        (name, value) -> {
          ProtocolStrings.writeCString(buffer, name);
          ProtocolStrings.writeCString(buffer, value);
        });
    buffer.writeByte(0);
    buffer.setInt(0, buffer.writerIndex());
    return buffer;
  }

  public static ByteBuf passwordMessage(ByteBufAllocator allocator, byte[] payload) {
    ByteBuf buffer = allocator.buffer(5 + payload.length);
    buffer.writeByte('p').writeInt(4 + payload.length).writeBytes(payload);
    return buffer;
  }

  public static ByteBuf saslInitialResponse(ByteBufAllocator allocator, String mechanism, byte[] data) {
    ByteBuf buffer = allocator.buffer();
    buffer.writeByte('p').writeInt(0);
    ProtocolStrings.writeCString(buffer, mechanism);
    buffer.writeInt(data.length).writeBytes(data);
    buffer.setInt(1, buffer.writerIndex() - 1);
    return buffer;
  }

  public static ByteBuf query(ByteBufAllocator allocator, String sql) {
    byte[] text = sql.getBytes(StandardCharsets.UTF_8);
    ByteBuf buffer = allocator.buffer(6 + text.length);
    buffer.writeByte('Q').writeInt(5 + text.length).writeBytes(text).writeByte(0);
    return buffer;
  }

  public static ByteBuf parse(ByteBufAllocator allocator, String statementName, String sql, java.util.List<Integer> parameterTypes) {
    ByteBuf buffer = allocator.buffer();
    buffer.writeByte('P').writeInt(0);
    ProtocolStrings.writeCString(buffer, statementName);
    ProtocolStrings.writeCString(buffer, sql);
    buffer.writeShort(parameterTypes.size());
    parameterTypes.forEach(buffer::writeInt);
    buffer.setInt(1, buffer.writerIndex() - 1);
    return buffer;
  }

  /** 'f': abort COPY FROM STDIN with a message the backend puts into its error. */
  public static ByteBuf copyFail(ByteBufAllocator allocator, String message) {
    ByteBuf buffer = allocator.buffer();
    buffer.writeByte('f').writeInt(0);
    ProtocolStrings.writeCString(buffer, message);
    buffer.setInt(1, buffer.writerIndex() - 1);
    return buffer;
  }

  /** Bind without parameters or result formats. */
  public static ByteBuf bind(ByteBufAllocator allocator, String portalName, String statementName) {
    ByteBuf buffer = allocator.buffer();
    buffer.writeByte('B').writeInt(0);
    ProtocolStrings.writeCString(buffer, portalName);
    ProtocolStrings.writeCString(buffer, statementName);
    buffer.writeShort(0).writeShort(0).writeShort(0);
    buffer.setInt(1, buffer.writerIndex() - 1);
    return buffer;
  }

  public static ByteBuf terminate(ByteBufAllocator allocator) {
    return allocator.buffer(5).writeByte('X').writeInt(4);
  }

  public static ByteBuf cancelRequest(ByteBufAllocator allocator, int processId, byte[] secretKey) {
    ByteBuf buffer = allocator.buffer(12 + secretKey.length);
    buffer.writeInt(12 + secretKey.length).writeInt(80877102).writeInt(processId).writeBytes(secretKey);
    return buffer;
  }
}
