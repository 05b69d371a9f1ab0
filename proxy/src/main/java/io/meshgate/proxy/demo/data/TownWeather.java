package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.util.Random;

/**
 * One town's simulated air temperature for a year, every ten minutes: the season, a slowly
 * wandering anomaly (warm and cold spells lasting days), the daily cycle peaking mid-afternoon,
 * and small short-term wiggles. Every weather table is cut from these samples, so they agree
 * with each other: a day's minimum is the smallest of its hours' minimums.
 */
final class TownWeather {
  static final int SAMPLES_PER_HOUR = 6;
  static final int SAMPLES_PER_DAY = 24 * SAMPLES_PER_HOUR;
  private static final double DAYS_PER_YEAR = 365.0;
  /** Around 19 July (northern hemisphere) the season is warmest. */
  private static final double WARMEST_DAY_OF_YEAR = 199;
  private static final double WARMEST_HOUR = 15;
  /** Spells: a day's anomaly keeps 75 % of yesterday's. */
  private static final double SPELL_PERSISTENCE = 0.75;
  /**
   * Spells are milder where seasons are: tropical towns vary by about a degree from day to day,
   * continental ones by about three.
   */
  private static final double SPELL_SPREAD_BASE = 0.8;
  private static final double SPELL_SPREAD_PER_SEASONAL_DEGREE = 0.15;
  private static final double WIGGLE_PERSISTENCE = 0.9;
  private static final double WIGGLE_STEP = 0.12;

  private final Town town;
  private final int days;
  private final double[] anomalies;
  private final double[] samples;

  private TownWeather(Town town, int days, double[] anomalies, double[] samples) {
    this.town = town;
    this.days = days;
    this.anomalies = anomalies;
    this.samples = samples;
  }

  static TownWeather simulate(Town town, int days, Random random) {
    requireNonNull(town, "town is null");
    requireNonNull(random, "random is null");
    // One more than the days, so the last day can interpolate towards the next midnight.
    double spread = SPELL_SPREAD_BASE + SPELL_SPREAD_PER_SEASONAL_DEGREE * Math.abs(town.seasonalAmplitude());
    double[] anomalies = new double[days + 1];
    anomalies[0] = random.nextGaussian() * spread;
    double innovation = spread * Math.sqrt(1 - SPELL_PERSISTENCE * SPELL_PERSISTENCE);
    for (int day = 1; day <= days; day++) {
      anomalies[day] = SPELL_PERSISTENCE * anomalies[day - 1] + innovation * random.nextGaussian();
    }
    TownWeather weather = new TownWeather(town, days, anomalies, new double[days * SAMPLES_PER_DAY]);
    double wiggle = 0;
    for (int index = 0; index < weather.samples.length; index++) {
      wiggle = WIGGLE_PERSISTENCE * wiggle + WIGGLE_STEP * random.nextGaussian();
      int slot = index % SAMPLES_PER_DAY;
      double dayFraction = (double) slot / SAMPLES_PER_DAY;
      double daily = town.dailyAmplitude() * Math.cos(2 * Math.PI * (dayFraction - WARMEST_HOUR / 24));
      weather.samples[index] = weather.baseline(index) + daily + wiggle;
    }
    return weather;
  }

  Town town() {
    return town;
  }

  int days() {
    return days;
  }

  /** The temperature at sample {@code index} (ten-minute steps from 1 January, 00:00). */
  double sample(int index) {
    return samples[index];
  }

  /** The temperature without the daily cycle: what the day is like, used for humidity. */
  double baseline(int index) {
    int day = index / SAMPLES_PER_DAY;
    double dayFraction = (double) (index % SAMPLES_PER_DAY) / SAMPLES_PER_DAY;
    double seasonal = town.meanTemperature() + town.seasonalAmplitude()
        * Math.cos(2 * Math.PI * (day + dayFraction - WARMEST_DAY_OF_YEAR) / DAYS_PER_YEAR);
    double anomaly = anomalies[day] + (anomalies[day + 1] - anomalies[day]) * dayFraction;
    return seasonal + anomaly;
  }

  /** Minimum, maximum and mean of the samples in [first, first + count). */
  Summary summarize(int first, int count) {
    double minimum = Double.POSITIVE_INFINITY;
    double maximum = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (int index = first; index < first + count; index++) {
      minimum = Math.min(minimum, samples[index]);
      maximum = Math.max(maximum, samples[index]);
      sum += samples[index];
    }
    return new Summary(minimum, maximum, sum / count);
  }

  record Summary(double minimum, double maximum, double average) {}
}
