package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/** One row of {@code weather.daily_temperatures}: °C over one local day. */
public record DailyTemperature(String zipCode, LocalDate day, double minimum, double maximum, double average) {
  public DailyTemperature {
    requireNonNull(zipCode, "zipCode is null");
    requireNonNull(day, "day is null");
    if (!(minimum <= average && average <= maximum)) {
      throw new IllegalArgumentException(
          "need minimum <= average <= maximum: " + minimum + ", " + average + ", " + maximum);
    }
  }
}
