package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;

/** One row of {@code sales.store_transactions}; {@code region} is the store's, {@code amount} has two decimals. */
public record StoreTransaction(
    long transactionId, int storeId, LocalDate day, BigDecimal amount, String customerEmail, Region region) {
  public StoreTransaction {
    requireNonNull(day, "day is null");
    requireNonNull(amount, "amount is null");
    requireNonNull(customerEmail, "customerEmail is null");
    requireNonNull(region, "region is null");
    if (amount.scale() != 2 || amount.signum() <= 0) {
      throw new IllegalArgumentException("amount must be positive with two decimals: " + amount);
    }
  }
}
