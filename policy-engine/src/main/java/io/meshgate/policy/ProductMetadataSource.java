package io.meshgate.policy;

import java.util.List;

/**
 * Where the descriptions of the mesh's data products come from: the metadata each domain
 * publishes beside its policy. Who may read a product is not this interface's business (that is
 * a {@link PolicyEngine} decision); this is only what the domains say about their products.
 * Implementations are thread-safe and may block; a failure is {@link
 * PolicyEngineException.Unavailable}, which callers turn into a refusal.
 */
public interface ProductMetadataSource extends AutoCloseable {

  /** Every domain's metadata, sorted by domain name. */
  List<DomainMetadata> domains() throws PolicyEngineException.Unavailable;

  /** The policy revision the metadata comes from, as {@link PolicyEngine#revision()}. */
  String revision();

  @Override
  default void close() {}
}
