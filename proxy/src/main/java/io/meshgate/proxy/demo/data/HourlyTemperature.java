package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.time.LocalDateTime;

/** One row of {@code weather.hourly_temperatures}: °C over the hour starting at {@code hour}, local time. */
public record HourlyTemperature(String zipCode, LocalDateTime hour, double minimum, double maximum, double average) {
  public HourlyTemperature {
    requireNonNull(zipCode, "zipCode is null");
    requireNonNull(hour, "hour is null");
    if (!(minimum <= average && average <= maximum)) {
      throw new IllegalArgumentException(
          "need minimum <= average <= maximum: " + minimum + ", " + average + ", " + maximum);
    }
  }
}
