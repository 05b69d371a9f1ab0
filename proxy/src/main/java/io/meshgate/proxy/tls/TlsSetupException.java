package io.meshgate.proxy.tls;

/**
 * TLS material could not be created or loaded. Raised at start-up (or by the demo), never while
 * serving a client; the message names the file and what to fix.
 */
public final class TlsSetupException extends Exception {
  public TlsSetupException(String message, Throwable cause) {
    super(message, cause);
  }

  public TlsSetupException(String message) {
    super(message);
  }
}
