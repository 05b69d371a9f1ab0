package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Random;

/** Cuts the weather domain's three tables out of each town's simulated year. */
final class WeatherGenerator {
  /** Every station reports twice a day, twelve hours apart; the second station an hour later. */
  private static final int[] FIRST_REPORT_HOUR = {6, 7};
  private static final double SENSOR_NOISE = 0.15;
  private static final double STATION_BIAS_SPREAD = 0.2;
  /** Relative humidity drops about 2 points per °C the air is warmer than the day's baseline. */
  private static final double HUMIDITY_PER_DEGREE = 2.0;
  private static final double HUMIDITY_SPREAD = 5.0;
  private static final double HUMIDITY_FAULT_RATE = 0.004;
  private static final double TEMPERATURE_FAULT_RATE = 0.002;

  private final List<TownWeather> weathers;
  private final LocalDate firstDay;
  private final long seed;

  WeatherGenerator(List<TownWeather> weathers, LocalDate firstDay, long seed) {
    this.weathers = List.copyOf(requireNonNull(weathers, "weathers is null"));
    this.firstDay = requireNonNull(firstDay, "firstDay is null");
    this.seed = seed;
  }

  List<DailyTemperature> dailyTemperatures() {
    List<DailyTemperature> rows = new ArrayList<>();
    for (TownWeather weather : weathers) {
      for (int day = 0; day < weather.days(); day++) {
        TownWeather.Summary summary =
            weather.summarize(day * TownWeather.SAMPLES_PER_DAY, TownWeather.SAMPLES_PER_DAY);
        rows.add(new DailyTemperature(weather.town().zipCode(), firstDay.plusDays(day),
            Rounding.toDecimals(summary.minimum(), 1),
            Rounding.toDecimals(summary.maximum(), 1),
            Rounding.toDecimals(summary.average(), 1)));
      }
    }
    return List.copyOf(rows);
  }

  /** Every hour of {@code dayCount} days from {@code from} (which must lie in the simulated year). */
  List<HourlyTemperature> hourlyTemperatures(LocalDate from, int dayCount) {
    int firstDayIndex = Math.toIntExact(ChronoUnit.DAYS.between(firstDay, from));
    List<HourlyTemperature> rows = new ArrayList<>();
    for (TownWeather weather : weathers) {
      if (firstDayIndex < 0 || firstDayIndex + dayCount > weather.days()) {
        throw new IllegalArgumentException(from + " plus " + dayCount + " days is outside the simulated year");
      }
      int firstHour = firstDayIndex * 24;
      for (int hour = firstHour; hour < firstHour + dayCount * 24; hour++) {
        TownWeather.Summary summary =
            weather.summarize(hour * TownWeather.SAMPLES_PER_HOUR, TownWeather.SAMPLES_PER_HOUR);
        rows.add(new HourlyTemperature(weather.town().zipCode(), firstDay.atStartOfDay().plusHours(hour),
            Rounding.toDecimals(summary.minimum(), 1),
            Rounding.toDecimals(summary.maximum(), 1),
            Rounding.toDecimals(summary.average(), 1)));
      }
    }
    return List.copyOf(rows);
  }

  /** Towns at even positions have two stations, the others one. */
  static int stationCount(int townIndex) {
    return townIndex % 2 == 0 ? 2 : 1;
  }

  List<StationObservation> stationObservations() {
    List<StationObservation> rows = new ArrayList<>();
    for (int townIndex = 0; townIndex < weathers.size(); townIndex++) {
      TownWeather weather = weathers.get(townIndex);
      for (int station = 0; station < stationCount(townIndex); station++) {
        Random random = new Random(seed * 1_000 + townIndex * 10L + station);
        String stationId = String.format(Locale.ROOT, "%s-%02d", weather.town().stationPrefix(), station + 1);
        String firmware = "2." + (station + townIndex % 3) + "." + (townIndex % 5);
        double bias = STATION_BIAS_SPREAD * random.nextGaussian();
        for (int day = 0; day < weather.days(); day++) {
          for (int report = 0; report < 2; report++) {
            rows.add(observe(weather, stationId, firmware, bias, day,
                FIRST_REPORT_HOUR[station] + 12 * report, random));
          }
        }
      }
    }
    return List.copyOf(rows);
  }

  private StationObservation observe(TownWeather weather, String stationId, String firmware, double bias, int day,
      int hour, Random random) {
    // Stations report a few minutes late, and not always the same few.
    int delaySeconds = random.nextInt(10 * 60);
    int index = day * TownWeather.SAMPLES_PER_DAY + hour * TownWeather.SAMPLES_PER_HOUR + delaySeconds / 600;
    LocalDateTime observedAt = firstDay.atStartOfDay().plusDays(day).plusHours(hour).plusSeconds(delaySeconds);
    double temperature = Rounding.toDecimals(weather.sample(index) + bias + SENSOR_NOISE * random.nextGaussian(), 2);
    double humidity = Rounding.toDecimals(Math.clamp(weather.town().meanHumidity()
        - HUMIDITY_PER_DEGREE * (temperature - weather.baseline(index))
        + HUMIDITY_SPREAD * random.nextGaussian(), 5.0, 100.0), 1);
    double fault = random.nextDouble();
    OptionalDouble reportedTemperature = OptionalDouble.of(temperature);
    OptionalDouble reportedHumidity = OptionalDouble.of(humidity);
    String status = "ok";
    if (fault < TEMPERATURE_FAULT_RATE) {
      reportedTemperature = OptionalDouble.empty();
      status = "temperature_sensor_fault";
    } else if (fault < TEMPERATURE_FAULT_RATE + HUMIDITY_FAULT_RATE) {
      reportedHumidity = OptionalDouble.empty();
      status = "humidity_sensor_fault";
    }
    // The battery drains over four months, then gets replaced.
    int battery = 100 - (day % 120) * 3 / 5;
    String payload = "{\"station\":\"" + stationId + "\",\"firmware\":\"" + firmware + "\",\"battery_pct\":" + battery
        + ",\"temperature_c\":" + json(reportedTemperature) + ",\"humidity_pct\":" + json(reportedHumidity)
        + ",\"status\":\"" + status + "\"}";
    return new StationObservation(stationId, weather.town().zipCode(), observedAt, reportedTemperature,
        reportedHumidity, payload);
  }

  private static String json(OptionalDouble value) {
    return value.isPresent() ? Double.toString(value.getAsDouble()) : "null";
  }
}
