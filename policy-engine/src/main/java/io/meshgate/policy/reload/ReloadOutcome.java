package io.meshgate.policy.reload;

/** How one attempt to activate the content of the policies folder ended. */
public enum ReloadOutcome {
  /** OPA serves the new revision. */
  ACTIVATED,
  /**
   * The policies failed the checks ({@code opa check --strict}, layout, {@code opa test}): the
   * domain team has to fix them. Not tried again until the folder changes.
   */
  REJECTED,
  /**
   * Meshgate could not read the folder, run the checks, build the bundle, or OPA did not take it:
   * not the policies' fault. Tried again after a pause.
   */
  FAILED;

  public boolean isSuccess() {
    return switch (this) {
      case ACTIVATED -> true;
      case REJECTED, FAILED -> false;
    };
  }
}
