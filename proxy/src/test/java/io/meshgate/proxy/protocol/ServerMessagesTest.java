package io.meshgate.proxy.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerMessagesTest {
  private final ByteBufAllocator allocator = new UnpooledByteBufAllocator(false);

  private static byte[] bytes(ByteBuf buffer) {
    try {
      return ByteBufUtil.getBytes(buffer);
    } finally {
      buffer.release();
    }
  }

  @Test
  void readyForQuery() {
    assertArrayEquals(new byte[] {'Z', 0, 0, 0, 5, 'T'},
        bytes(ServerMessages.readyForQuery(allocator, TransactionStatus.IN_TRANSACTION)));
  }

  @Test
  void authenticationRequests() {
    assertArrayEquals(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0}, bytes(ServerMessages.authenticationOk(allocator)));
    assertArrayEquals(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 3},
        bytes(ServerMessages.authenticationCleartextPassword(allocator)));
  }

  @Test
  void backendKeyData() {
    assertArrayEquals(new byte[] {'K', 0, 0, 0, 12, 0, 0, 1, 2, 9, 8, 7, 6},
        bytes(ServerMessages.backendKeyData(allocator, 258, new byte[] {9, 8, 7, 6})));
  }

  @Test
  void parameterStatus() {
    byte[] expected = "S\0\0\0\u0019client_encoding\0UTF8\0".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(expected, bytes(ServerMessages.parameterStatus(allocator, "client_encoding", "UTF8")));
  }

  @Test
  void errorResponseRoundTripsThroughTheParser() {
    ErrorFields error = ErrorFields.error("42501", "permission denied: nö").withHint("ask the owner");
    ByteBuf encoded = ServerMessages.errorResponse(allocator, error);
    try {
      assertEquals('E', encoded.getByte(0));
      assertEquals(encoded.readableBytes() - 1, encoded.getInt(1));
      ErrorFields parsed = ErrorFields.parse(encoded.slice(5, encoded.readableBytes() - 5));
      assertEquals("42501", parsed.sqlState());
      assertEquals("permission denied: nö", parsed.message());
      assertEquals(ErrorFields.Severity.ERROR, parsed.severity());
      assertEquals(Optional.empty(), parsed.detail());
    } finally {
      encoded.release();
    }
  }
}
