package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

/**
 * A place with one zip code, its region and its climate.
 *
 * @param stationPrefix the first part of its weather stations' ids, for example {@code DE-BER}
 * @param meanTemperature the annual mean in °C
 * @param seasonalAmplitude half the difference between the warmest and coldest month's mean in
 *     °C; negative in the southern hemisphere, where the warm season is around January
 * @param dailyAmplitude half the usual difference between afternoon and night in °C
 * @param meanHumidity the usual relative humidity in percent
 * @param phonePattern a phone number in which each {@code #} becomes a digit
 */
public record Town(
    String zipCode,
    String city,
    Region region,
    String stationPrefix,
    double meanTemperature,
    double seasonalAmplitude,
    double dailyAmplitude,
    double meanHumidity,
    String phonePattern) {
  public Town {
    requireNonNull(zipCode, "zipCode is null");
    requireNonNull(city, "city is null");
    requireNonNull(region, "region is null");
    requireNonNull(stationPrefix, "stationPrefix is null");
    requireNonNull(phonePattern, "phonePattern is null");
    if (dailyAmplitude < 0) {
      throw new IllegalArgumentException("dailyAmplitude must not be negative: " + dailyAmplitude);
    }
    if (meanHumidity <= 0 || meanHumidity > 100) {
      throw new IllegalArgumentException("meanHumidity must be a percentage: " + meanHumidity);
    }
  }
}
