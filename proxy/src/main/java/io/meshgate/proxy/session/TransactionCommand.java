package io.meshgate.proxy.session;

/**
 * What a completed command did to the backend's transaction, read from its CommandComplete tag.
 * {@code ROLLBACK} is the tag of {@code ROLLBACK}, {@code ABORT}, {@code ROLLBACK TO SAVEPOINT}
 * and of a {@code COMMIT} of a failed transaction alike: {@link SessionTransactions} tells them
 * apart by the statement's text.
 */
enum TransactionCommand {
  /** Anything that neither ends a transaction nor touches a savepoint. */
  NONE,
  /** {@code COMMIT} or {@code END}: the transaction committed. */
  COMMIT,
  /** A rollback of the transaction, or of a savepoint. */
  ROLLBACK,
  SAVEPOINT,
  RELEASE,
  /** {@code PREPARE TRANSACTION}: ended here, decided later by a {@code COMMIT PREPARED}. */
  PREPARE;

  static TransactionCommand ofTag(String tag) {
    return switch (tag) {
      case "COMMIT" -> COMMIT;
      case "ROLLBACK" -> ROLLBACK;
      case "SAVEPOINT" -> SAVEPOINT;
      case "RELEASE" -> RELEASE;
      case "PREPARE TRANSACTION" -> PREPARE;
      default -> NONE;
    };
  }
}
