package io.meshgate.proxy.protocol;

/** The status byte of ReadyForQuery. */
public enum TransactionStatus {
  IDLE('I'),
  IN_TRANSACTION('T'),
  FAILED_TRANSACTION('E');

  private final char wireByte;

  TransactionStatus(char wireByte) {
    this.wireByte = wireByte;
  }

  public int wireByte() {
    return wireByte;
  }

  public static TransactionStatus fromWire(byte value) {
    return switch (value) {
      case 'I' -> IDLE;
      case 'T' -> IN_TRANSACTION;
      case 'E' -> FAILED_TRANSACTION;
      default -> throw new ProtocolException("invalid transaction status " + value);
    };
  }
}
