package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.time.LocalDateTime;
import java.util.OptionalDouble;

/**
 * One row of {@code weather.stations_raw}: a station's reading as it arrived, in the station's
 * local time. A faulty sensor leaves its value empty and says so in the payload.
 */
public record StationObservation(
    String stationId,
    String zipCode,
    LocalDateTime observedAt,
    OptionalDouble temperatureCelsius,
    OptionalDouble humidity,
    String rawPayload) {
  public StationObservation {
    requireNonNull(stationId, "stationId is null");
    requireNonNull(zipCode, "zipCode is null");
    requireNonNull(observedAt, "observedAt is null");
    requireNonNull(temperatureCelsius, "temperatureCelsius is null");
    requireNonNull(humidity, "humidity is null");
    requireNonNull(rawPayload, "rawPayload is null");
  }
}
