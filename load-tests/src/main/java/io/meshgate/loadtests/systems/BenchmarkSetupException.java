package io.meshgate.loadtests.systems;

/** A system under test could not be prepared or started; the benchmark cannot run without it. */
public final class BenchmarkSetupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BenchmarkSetupException(String message) {
    super(message);
  }

  public BenchmarkSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
