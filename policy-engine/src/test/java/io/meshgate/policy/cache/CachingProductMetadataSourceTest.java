package io.meshgate.policy.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.DomainMetadata;
import io.meshgate.policy.PolicyEngineException.Unavailable;
import io.meshgate.policy.ProductMetadataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingProductMetadataSourceTest {

  /** A source that answers one domain named after its revision and counts the calls. */
  private static final class CountingSource implements ProductMetadataSource {
    String revision = "r1";
    int calls;
    boolean failing;

    @Override
    public List<DomainMetadata> domains() throws Unavailable {
      calls++;
      if (failing) {
        throw new Unavailable("down", null);
      }
      return List.of(new DomainMetadata(revision, Optional.empty(), List.of(), Map.of()));
    }

    @Override
    public String revision() {
      return revision;
    }
  }

  private final CountingSource source = new CountingSource();
  private final AtomicLong nanos = new AtomicLong();
  private final CachingProductMetadataSource cached =
      new CachingProductMetadataSource(source, Duration.ofSeconds(5), nanos::get);

  @Test
  void oneFetchPerRevision() throws Unavailable {
    List<DomainMetadata> first = cached.domains();
    assertSame(first, cached.domains());
    assertEquals(1, source.calls);
    source.revision = "r2";
    assertEquals("r2", cached.domains().get(0).domain());
    assertEquals(2, source.calls);
  }

  @Test
  void entriesExpire() throws Unavailable {
    cached.domains();
    nanos.addAndGet(Duration.ofSeconds(6).toNanos());
    cached.domains();
    assertEquals(2, source.calls);
  }

  @Test
  void failuresAreNotCached() throws Unavailable {
    source.failing = true;
    assertThrows(Unavailable.class, cached::domains);
    source.failing = false;
    assertEquals("r1", cached.domains().get(0).domain());
    assertEquals(2, source.calls);
  }
}
