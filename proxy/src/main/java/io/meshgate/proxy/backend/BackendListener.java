package io.meshgate.proxy.backend;

import io.meshgate.proxy.protocol.BackendFrame;

/** Receives a ready backend connection's traffic, on the connection's event loop. */
public interface BackendListener {
  /** One frame; the listener owns the reference and must release or forward it. */
  void onFrame(BackendFrame frame);

  /** Everything read so far has been delivered: a good moment to flush. */
  void onReadComplete();

  /** The backend channel became writable or stopped being so (flow control of the client). */
  default void onWritabilityChanged(boolean writable) {}

  /** The backend connection is gone (closed by either side or failed). */
  void onClosed(Throwable cause);
}
