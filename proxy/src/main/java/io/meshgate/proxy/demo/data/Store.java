package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

/** One row of {@code sales.stores}; its region is its town's. */
public record Store(int storeId, String zipCode, Region region) {
  public Store {
    requireNonNull(zipCode, "zipCode is null");
    requireNonNull(region, "region is null");
    if (storeId <= 0) {
      throw new IllegalArgumentException("storeId must be positive: " + storeId);
    }
  }
}
