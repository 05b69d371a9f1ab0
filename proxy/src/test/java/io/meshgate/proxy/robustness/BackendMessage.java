package io.meshgate.proxy.robustness;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** One message from the server, as a raw-socket test reads it: type byte and body. */
record BackendMessage(char type, byte[] body) {
  BackendMessage {
    body = requireNonNull(body, "body is null").clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** For 'R': the authentication request code (0 ok, 3 cleartext, 10 SASL, 11 continue, 12 final). */
  int authenticationCode() {
    return ByteBuffer.wrap(body).getInt();
  }

  /** For 'R' with SASL data: what follows the code. */
  byte[] authenticationData() {
    return Arrays.copyOfRange(body, 4, body.length);
  }

  /** For 'E' and 'N': one field of the response, by its code ('C' SQLSTATE, 'M' message). */
  Optional<String> field(char code) {
    int position = 0;
    while (position < body.length && body[position] != 0) {
      char fieldCode = (char) body[position];
      int end = position + 1;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      if (fieldCode == code) {
        return Optional.of(new String(body, position + 1, end - position - 1, StandardCharsets.UTF_8));
      }
      position = end + 1;
    }
    return Optional.empty();
  }

  Optional<String> sqlState() {
    return type == 'E' ? field('C') : Optional.empty();
  }

  /** For 'D': column {@code index} as text ({@code null} for SQL NULL). */
  String column(int index) {
    ByteBuffer buffer = ByteBuffer.wrap(body);
    int count = buffer.getShort() & 0xFFFF;
    if (index >= count) {
      throw new IllegalArgumentException("row has " + count + " columns");
    }
    for (int i = 0; ; i++) {
      int length = buffer.getInt();
      if (i == index) {
        if (length < 0) {
          return null;
        }
        byte[] value = new byte[length];
        buffer.get(value);
        return new String(value, StandardCharsets.UTF_8);
      }
      if (length > 0) {
        buffer.position(buffer.position() + length);
      }
    }
  }

  @Override
  public String toString() {
    return switch (type) {
      case 'E', 'N' -> type + "(" + field('S').orElse("?") + " " + field('C').orElse("?") + " " + field('M').orElse("") + ")";
      case 'R' -> body.length >= 4 ? "R(" + authenticationCode() + ")" : "R(?)";
      default -> String.valueOf(type) + "[" + body.length + "]";
    };
  }
}
