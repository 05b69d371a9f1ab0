package io.meshgate.audit;

import java.nio.file.Path;
import java.util.concurrent.CompletionException;

/**
 * Run in a separate JVM under a file size limit ({@code ulimit -f}) by a test: appends until
 * the kernel refuses a write, then reports how many events were written.
 */
public final class WriteUntilFileTooLarge {

  private WriteUntilFileTooLarge() {}

  public static void main(String[] arguments) {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(
            Path.of(arguments[0]), SampleEvents.options(AuditSinkOptions.Fsync.ALWAYS))) {
      for (int index = 0; index < 10_000; index++) {
        try {
          sink.append(SampleEvents.allowedSelect()).join();
        } catch (CompletionException failed) {
          System.out.println(
              "written " + sink.writtenEvents() + " healthy " + sink.isHealthy() + " "
                  + failed.getCause().getClass().getSimpleName());
          return;
        }
      }
      System.out.println("no failure");
    }
  }
}
