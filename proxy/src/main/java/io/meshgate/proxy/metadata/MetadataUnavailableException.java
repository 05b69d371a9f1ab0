package io.meshgate.proxy.metadata;

/** Schema metadata could not be read; the statement that needed it is refused. */
public final class MetadataUnavailableException extends RuntimeException {
  public MetadataUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
