package io.meshgate.audit;

import java.nio.file.Path;

/** Run in a separate JVM by a test: tries to open the log given and says what happened. */
public final class OpenLogElsewhere {

  private OpenLogElsewhere() {}

  public static void main(String[] arguments) {
    try (JsonLinesAuditSink sink =
        JsonLinesAuditSink.open(
            Path.of(arguments[0]),
            SampleEvents.options(AuditSinkOptions.Fsync.NEVER))) {
      System.out.println("opened " + sink.file());
    } catch (AuditException refused) {
      System.out.println("refused: " + refused.getMessage());
    }
  }
}
