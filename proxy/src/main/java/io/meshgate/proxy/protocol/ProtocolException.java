package io.meshgate.proxy.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * A frame that violates the protocol: the connection cannot continue. Carries SQLSTATE 08P01
 * (protocol_violation) for the ErrorResponse sent before closing.
 */
public final class ProtocolException extends DecoderException {
  public static final String SQLSTATE = "08P01";

  public ProtocolException(String message) {
    super(message);
  }
}
