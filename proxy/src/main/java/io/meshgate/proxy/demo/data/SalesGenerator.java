package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The sales domain: stores in every town and a year of their transactions.
 *
 * <p>How many transactions a store has on a day follows the weather in its town: the expected
 * count grows by 5 % per °C the day's mean is above 12 °C (and falls below it, to a floor),
 * times the store's size and a weekday pattern, and the actual count is Poisson around that.
 * So joining sales with weather shows a real, noisy, positive correlation, both between towns
 * and between the days of one town.
 */
final class SalesGenerator {
  static final long FIRST_TRANSACTION_ID = 1_000_001;
  private static final double WARMTH_PER_DEGREE = 0.05;
  private static final double COMFORTABLE_TEMPERATURE = 12;
  private static final double WARMTH_FLOOR = 0.25;
  private static final double WARMTH_CEILING = 2.2;
  /** Customers shop mostly where they live; some travel. */
  private static final double HOME_REGION_SHARE = 0.92;
  /** A few loyal customers buy much more often than most (index drawn as n·u^1.7). */
  private static final double LOYALTY_SKEW = 1.7;

  private final List<Town> towns;
  private final Map<String, double[]> dailyMeanByZipCode;
  private final LocalDate firstDay;
  private final int days;

  /**
   * @param dailyMeanByZipCode each town's mean temperature per day, from {@code firstDay}
   */
  SalesGenerator(List<Town> towns, Map<String, double[]> dailyMeanByZipCode, LocalDate firstDay, int days) {
    this.towns = List.copyOf(requireNonNull(towns, "towns is null"));
    this.dailyMeanByZipCode = Map.copyOf(requireNonNull(dailyMeanByZipCode, "dailyMeanByZipCode is null"));
    this.firstDay = requireNonNull(firstDay, "firstDay is null");
    this.days = days;
  }

  /** Every town gets one store first, so each has traffic; the rest go to random towns. */
  List<Store> stores(int count, Random random) {
    if (count < towns.size()) {
      throw new IllegalArgumentException("need at least one store per town: " + count + " < " + towns.size());
    }
    List<Store> stores = new ArrayList<>(count);
    for (int storeId = 1; storeId <= count; storeId++) {
      Town town = storeId <= towns.size() ? towns.get(storeId - 1) : towns.get(random.nextInt(towns.size()));
      stores.add(new Store(storeId, town.zipCode(), town.region()));
    }
    return List.copyOf(stores);
  }

  List<StoreTransaction> transactions(List<Store> stores, List<Customer> customers, int expectedCount, Random random) {
    double[] storeSizes = new double[stores.size()];
    for (int index = 0; index < storeSizes.length; index++) {
      storeSizes[index] = 0.6 + 0.8 * random.nextDouble();
    }
    double[][] rates = new double[days][stores.size()];
    double total = 0;
    for (int day = 0; day < days; day++) {
      double weekday = weekdayFactor(firstDay.plusDays(day).getDayOfWeek());
      for (int index = 0; index < stores.size(); index++) {
        double temperature = dailyMeanByZipCode.get(stores.get(index).zipCode())[day];
        rates[day][index] = storeSizes[index] * weekday * warmth(temperature);
        total += rates[day][index];
      }
    }
    // Scale so that the year has about expectedCount transactions in all.
    double scale = expectedCount / total;
    Map<Region, List<Customer>> customersByRegion = customersByRegion(customers, random);
    List<StoreTransaction> transactions = new ArrayList<>(expectedCount + expectedCount / 10);
    long transactionId = FIRST_TRANSACTION_ID;
    for (int day = 0; day < days; day++) {
      LocalDate date = firstDay.plusDays(day);
      for (int index = 0; index < stores.size(); index++) {
        Store store = stores.get(index);
        int count = poisson(rates[day][index] * scale, random);
        for (int transaction = 0; transaction < count; transaction++) {
          Customer customer = pickCustomer(store.region(), customersByRegion, customers, random);
          transactions.add(new StoreTransaction(transactionId++, store.storeId(), date, amount(random),
              customer.email(), store.region()));
        }
      }
    }
    return List.copyOf(transactions);
  }

  static double warmth(double temperature) {
    return Math.clamp(1 + WARMTH_PER_DEGREE * (temperature - COMFORTABLE_TEMPERATURE), WARMTH_FLOOR, WARMTH_CEILING);
  }

  private static double weekdayFactor(DayOfWeek day) {
    return switch (day) {
      case MONDAY, TUESDAY, WEDNESDAY, THURSDAY -> 1.0;
      case FRIDAY -> 1.1;
      case SATURDAY -> 1.3;
      case SUNDAY -> 0.7;
    };
  }

  /** Each region's customers in a shuffled order, so that the loyal few are not simply the lowest ids. */
  private static Map<Region, List<Customer>> customersByRegion(List<Customer> customers, Random random) {
    Map<Region, List<Customer>> byRegion = new EnumMap<>(Region.class);
    for (Region region : Region.values()) {
      List<Customer> inRegion =
          new ArrayList<>(customers.stream().filter(customer -> customer.region() == region).toList());
      if (inRegion.isEmpty()) {
        throw new IllegalArgumentException("no customers in region " + region);
      }
      Collections.shuffle(inRegion, random);
      byRegion.put(region, List.copyOf(inRegion));
    }
    return byRegion;
  }

  private static Customer pickCustomer(Region storeRegion, Map<Region, List<Customer>> customersByRegion,
      List<Customer> everyone, Random random) {
    List<Customer> pool = random.nextDouble() < HOME_REGION_SHARE ? customersByRegion.get(storeRegion) : everyone;
    int index = (int) (pool.size() * Math.pow(random.nextDouble(), LOYALTY_SKEW));
    return pool.get(Math.min(index, pool.size() - 1));
  }

  /** Log-normal around a median of about 25 with a long tail, in cents. */
  private static BigDecimal amount(Random random) {
    long cents = Math.round(Math.exp(3.2 + 0.55 * random.nextGaussian()) * 100);
    return BigDecimal.valueOf(Math.clamp(cents, 50L, 999_999L), 2);
  }

  /** Knuth's method: fine for the small rates (a few per store and day) used here. */
  private static int poisson(double rate, Random random) {
    double limit = Math.exp(-rate);
    double product = random.nextDouble();
    int count = 0;
    while (product > limit) {
      count++;
      product *= random.nextDouble();
    }
    return count;
  }
}
