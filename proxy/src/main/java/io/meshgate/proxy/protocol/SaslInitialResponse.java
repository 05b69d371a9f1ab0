package io.meshgate.proxy.protocol;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** The body of the first 'p' message of a SASL exchange: mechanism name and initial data. */
public record SaslInitialResponse(String mechanism, byte[] data) {
  public SaslInitialResponse {
    requireNonNull(mechanism, "mechanism is null");
    data = requireNonNull(data, "data is null").clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  public static SaslInitialResponse parse(byte[] payload) {
    ByteBuf body = Unpooled.wrappedBuffer(payload);
    String mechanism = ProtocolStrings.readCString(body);
    if (body.readableBytes() < 4) {
      throw new ProtocolException("invalid SASLInitialResponse");
    }
    int length = body.readInt();
    if (length == -1) {
      length = 0;
    }
    if (length < 0 || length != body.readableBytes()) {
      throw new ProtocolException("invalid SASLInitialResponse data length");
    }
    byte[] data = new byte[length];
    body.readBytes(data);
    return new SaslInitialResponse(mechanism, data);
  }
}
