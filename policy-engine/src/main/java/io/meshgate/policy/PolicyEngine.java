package io.meshgate.policy;

/**
 * Answers one decision per statement. Implementations are thread-safe and may block (they
 * are called off the network event loop); every failure is a {@link PolicyEngineException},
 * which callers turn into a refusal.
 */
public interface PolicyEngine extends AutoCloseable {

  Decision decide(PolicyInput input) throws PolicyEngineException;

  /** An identifier of the policy revision decisions currently come from, for caches and audit. */
  String revision();

  @Override
  default void close() {}
}
