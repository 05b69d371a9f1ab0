package io.meshgate.policy.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.meshgate.policy.DomainMetadata;
import io.meshgate.policy.PolicyEngineException.Unavailable;
import io.meshgate.policy.ProductMetadataSource;
import java.time.Duration;
import java.util.List;

/**
 * Keeps the domains' metadata per policy revision: a new revision is asked for at once, and an
 * entry also expires a fixed time after it was fetched, for sources whose revision does not
 * change when their data does (a remote OPA reports one fixed revision). Failures are not cached.
 */
public final class CachingProductMetadataSource implements ProductMetadataSource {
  private final ProductMetadataSource delegate;
  private final Cache<String, List<DomainMetadata>> cache;

  public CachingProductMetadataSource(ProductMetadataSource delegate, Duration expireAfterWrite) {
    this(delegate, expireAfterWrite, Ticker.systemTicker());
  }

  CachingProductMetadataSource(ProductMetadataSource delegate, Duration expireAfterWrite, Ticker ticker) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    requireNonNull(expireAfterWrite, "expireAfterWrite is null");
    if (expireAfterWrite.isNegative() || expireAfterWrite.isZero()) {
      throw new IllegalArgumentException("metadata cache expire-after-write must be positive");
    }
    // A few revisions at most are ever current at once (one, plus one during a reload).
    this.cache = Caffeine.newBuilder()
        .expireAfterWrite(expireAfterWrite)
        .maximumSize(4)
        .ticker(requireNonNull(ticker, "ticker is null"))
        .executor(Runnable::run)
        .build();
  }

  @Override
  public List<DomainMetadata> domains() throws Unavailable {
    String revision = delegate.revision();
    List<DomainMetadata> cached = cache.getIfPresent(revision);
    if (cached != null) {
      return cached;
    }
    List<DomainMetadata> domains = delegate.domains();
    cache.put(revision, domains);
    return domains;
  }

  @Override
  public String revision() {
    return delegate.revision();
  }

  @Override
  public void close() {
    cache.invalidateAll();
    delegate.close();
  }
}
