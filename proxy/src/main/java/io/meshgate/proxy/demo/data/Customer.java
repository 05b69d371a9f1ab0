package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/** One row of {@code customers.customers}; e-mail addresses are unique. */
public record Customer(int customerId, String name, String email, String phone, LocalDate birthDate, Region region) {
  public Customer {
    requireNonNull(name, "name is null");
    requireNonNull(email, "email is null");
    requireNonNull(phone, "phone is null");
    requireNonNull(birthDate, "birthDate is null");
    requireNonNull(region, "region is null");
  }
}
