package io.meshgate.policy;

/**
 * Why no decision could be had. Every subtype ends in a refusal of the statement; the
 * subtype tells whether it was the policy (a malformed or undefined decision) or the engine
 * (unreachable, timed out, failing).
 */
public abstract sealed class PolicyEngineException extends Exception
    permits PolicyEngineException.Unavailable, PolicyEngineException.MalformedDecision {

  private PolicyEngineException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The engine could not be reached, timed out, or answered with a server error. */
  public static final class Unavailable extends PolicyEngineException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The engine answered, but with no decision or one that does not follow the contract. */
  public static final class MalformedDecision extends PolicyEngineException {
    public MalformedDecision(String message) {
      super(message, null);
    }
  }
}
