package io.meshgate.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** Encoders for the messages Meshgate itself sends to a client, in the backend's role. */
public final class ServerMessages {
  private ServerMessages() {}

  public static final byte SSL_REFUSED = 'N';
  public static final byte SSL_ACCEPTED = 'S';

  public static ByteBuf authenticationOk(ByteBufAllocator allocator) {
    return authentication(allocator, 0, new byte[0]);
  }

  public static ByteBuf authenticationCleartextPassword(ByteBufAllocator allocator) {
    return authentication(allocator, 3, new byte[0]);
  }

  /** AuthenticationSASL (10), AuthenticationSASLContinue (11), AuthenticationSASLFinal (12). */
  public static ByteBuf authentication(ByteBufAllocator allocator, int code, byte[] data) {
    ByteBuf buffer = allocator.buffer(9 + data.length);
    buffer.writeByte('R').writeInt(8 + data.length).writeInt(code).writeBytes(data);
    return buffer;
  }

  /**
   * NegotiateProtocolVersion: the newest minor version of protocol 3 Meshgate speaks, and the
   * {@code _pq_.} options it does not recognise; the client then goes on with those.
   */
  public static ByteBuf negotiateProtocolVersion(
      ByteBufAllocator allocator, int newestMinorVersion, java.util.List<String> unrecognizedOptions) {
    ByteBuf buffer = allocator.buffer();
    buffer.writeByte('v').writeInt(0).writeInt(newestMinorVersion).writeInt(unrecognizedOptions.size());
    unrecognizedOptions.forEach(option -> ProtocolStrings.writeCString(buffer, option));
    return patchLength(buffer);
  }

  public static ByteBuf parameterStatus(ByteBufAllocator allocator, String name, String value) {
    ByteBuf buffer = allocator.buffer();
    buffer.writeByte('S').writeInt(0);
    ProtocolStrings.writeCString(buffer, name);
    ProtocolStrings.writeCString(buffer, value);
    return patchLength(buffer);
  }

  public static ByteBuf backendKeyData(ByteBufAllocator allocator, int processId, byte[] secretKey) {
    ByteBuf buffer = allocator.buffer(9 + secretKey.length);
    buffer.writeByte('K').writeInt(8 + secretKey.length).writeInt(processId).writeBytes(secretKey);
    return buffer;
  }

  public static ByteBuf readyForQuery(ByteBufAllocator allocator, TransactionStatus status) {
    ByteBuf buffer = allocator.buffer(6);
    buffer.writeByte('Z').writeInt(5).writeByte(status.wireByte());
    return buffer;
  }

  public static ByteBuf errorResponse(ByteBufAllocator allocator, ErrorFields error) {
    return fields(allocator, (byte) 'E', error);
  }

  public static ByteBuf noticeResponse(ByteBufAllocator allocator, ErrorFields notice) {
    return fields(allocator, (byte) 'N', notice);
  }

  private static ByteBuf fields(ByteBufAllocator allocator, byte type, ErrorFields error) {
    ByteBuf buffer = allocator.buffer();
    buffer.writeByte(type).writeInt(0);
    field(buffer, 'S', error.severity().name());
    field(buffer, 'V', error.severity().name());
    field(buffer, 'C', error.sqlState());
    field(buffer, 'M', error.message());
    error.detail().ifPresent(detail -> field(buffer, 'D', detail));
    error.hint().ifPresent(hint -> field(buffer, 'H', hint));
    buffer.writeByte(0);
    return patchLength(buffer);
  }

  private static void field(ByteBuf buffer, char code, String value) {
    buffer.writeByte(code);
    buffer.writeCharSequence(value, StandardCharsets.UTF_8);
    buffer.writeByte(0);
  }

  private static ByteBuf patchLength(ByteBuf buffer) {
    buffer.setInt(1, buffer.writerIndex() - 1);
    return buffer;
  }
}
