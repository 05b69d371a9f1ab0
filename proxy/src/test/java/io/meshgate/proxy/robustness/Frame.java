package io.meshgate.proxy.robustness;

import static java.util.Objects.requireNonNull;

/**
 * One frontend protocol frame as bytes. Untyped frames (startup, SSLRequest, CancelRequest)
 * carry their length at offset 0, typed frames at offset 1 after the type byte; mutations need
 * to know which.
 */
public record Frame(boolean typed, byte[] bytes) {
  public Frame {
    bytes = requireNonNull(bytes, "bytes is null").clone();
    if (bytes.length < (typed ? 5 : 4)) {
      throw new IllegalArgumentException("a frame holds at least its header");
    }
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public int lengthOffset() {
    return typed ? 1 : 0;
  }

  public int size() {
    return bytes.length;
  }

  /** The frame's type byte, or {@code 0} for an untyped frame. */
  public char type() {
    return typed ? (char) (bytes[0] & 0xFF) : 0;
  }
}
