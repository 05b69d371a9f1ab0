package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.List;

/** {@code opa build} could not turn a policies folder into a bundle; {@link #output()} says why. */
public final class PolicyBundleException extends IOException {

  private final List<String> output;

  public PolicyBundleException(String message, List<String> output) {
    super(message);
    this.output = List.copyOf(requireNonNull(output, "output is null"));
  }

  public PolicyBundleException(String message, Throwable cause) {
    super(message, cause);
    this.output = List.of();
  }

  /** What OPA printed, as lines; empty when OPA did not run. */
  public List<String> output() {
    return output;
  }
}
