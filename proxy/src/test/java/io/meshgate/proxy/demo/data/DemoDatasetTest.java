package io.meshgate.proxy.demo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoDatasetTest {
  private static DemoDataset dataset;

  @BeforeAll
  static void generate() {
    dataset = DemoDataset.generate();
  }

  @Test
  void theSameSeedGivesTheSameRows() {
    assertEquals(dataset, DemoDataset.generate());
  }

  @Test
  void anotherSeedGivesOtherRows() {
    DemoDataset other = DemoDataset.generate(DemoDataset.DEFAULT_SEED + 1);

    assertNotEquals(dataset.dailyTemperatures(), other.dailyTemperatures());
    assertNotEquals(dataset.storeTransactions(), other.storeTransactions());
    assertNotEquals(dataset.customers(), other.customers());
  }

  @Test
  void tablesHaveTheAdvertisedSizes() {
    int towns = dataset.towns().size();
    assertEquals(18, towns);
    assertEquals(towns * 365, dataset.dailyTemperatures().size());
    assertEquals(towns * DemoDataset.HOURLY_DAYS * 24, dataset.hourlyTemperatures().size());
    assertInRange(dataset.stationObservations().size(), 18_000, 22_000);
    assertEquals(DemoDataset.STORE_COUNT, dataset.stores().size());
    assertInRange(dataset.storeTransactions().size(), 29_000, 31_000);
    assertEquals(DemoDataset.CUSTOMER_COUNT, dataset.customers().size());
  }

  @Test
  void zipCodesAreDistinctAndEachBelongsToOneRegion() {
    Map<String, Region> regionByZipCode = new HashMap<>();
    for (Town town : dataset.towns()) {
      assertEquals(null, regionByZipCode.put(town.zipCode(), town.region()), "duplicate zip code " + town.zipCode());
    }
    for (Store store : dataset.stores()) {
      assertEquals(regionByZipCode.get(store.zipCode()), store.region(), store.toString());
    }
    assertEquals(EnumSet.allOf(Region.class), EnumSet.copyOf(regionByZipCode.values()));
  }

  @Test
  void everyRegionHasStoresCustomersAndTransactions() {
    Set<Region> all = EnumSet.allOf(Region.class);
    assertEquals(all, dataset.stores().stream().map(Store::region).collect(Collectors.toSet()));
    assertEquals(all, dataset.customers().stream().map(Customer::region).collect(Collectors.toSet()));
    assertEquals(all, dataset.storeTransactions().stream().map(StoreTransaction::region).collect(Collectors.toSet()));
    // Every town has at least one store, so every zip code's weather can be joined with sales.
    assertEquals(dataset.towns().stream().map(Town::zipCode).collect(Collectors.toSet()),
        dataset.stores().stream().map(Store::zipCode).collect(Collectors.toSet()));
  }

  @Test
  void transactionsAreIn2025WithTheirStoresRegionAndKnownCustomers() {
    Map<Integer, Store> stores =
        dataset.stores().stream().collect(Collectors.toMap(Store::storeId, Function.identity()));
    Set<String> emails = dataset.customers().stream().map(Customer::email).collect(Collectors.toSet());
    Set<Long> identifiers = new HashSet<>();
    for (StoreTransaction transaction : dataset.storeTransactions()) {
      assertEquals(2025, transaction.day().getYear());
      assertEquals(stores.get(transaction.storeId()).region(), transaction.region());
      assertTrue(emails.contains(transaction.customerEmail()), transaction.customerEmail());
      assertTrue(identifiers.add(transaction.transactionId()), "duplicate id " + transaction.transactionId());
    }
  }

  @Test
  void customersLookReal() {
    Set<String> emails = new HashSet<>();
    Set<String> domains = new HashSet<>();
    for (Customer customer : dataset.customers()) {
      assertTrue(customer.email().matches("[a-z]+\\.[a-z]+[0-9]*@[a-z.]*example\\.(com|org|net)"), customer.email());
      assertTrue(emails.add(customer.email()), "duplicate e-mail " + customer.email());
      domains.add(customer.email().substring(customer.email().indexOf('@') + 1));
      assertTrue(customer.phone().matches("\\+[0-9]{1,2}( [0-9]{1,7})+"), customer.phone());
      assertTrue(customer.birthDate().isAfter(LocalDate.of(1944, 12, 31)), customer.toString());
      assertTrue(customer.birthDate().isBefore(LocalDate.of(2007, 1, 1)), customer.toString());
    }
    assertTrue(domains.size() >= 3, "e-mail domains should vary: " + domains);
  }

  @Test
  void dailyTemperaturesAgreeWithHourlyOnes() {
    Map<String, List<HourlyTemperature>> hourlyByDay = dataset.hourlyTemperatures().stream()
        .collect(Collectors.groupingBy(hour -> hour.zipCode() + " " + hour.hour().toLocalDate()));
    int compared = 0;
    for (DailyTemperature day : dataset.dailyTemperatures()) {
      assertTrue(day.minimum() <= day.average() && day.average() <= day.maximum(), day.toString());
      List<HourlyTemperature> hours = hourlyByDay.get(day.zipCode() + " " + day.day());
      if (hours == null) {
        continue;
      }
      assertEquals(24, hours.size());
      assertEquals(day.minimum(), hours.stream().mapToDouble(HourlyTemperature::minimum).min().orElseThrow(), 1e-9);
      assertEquals(day.maximum(), hours.stream().mapToDouble(HourlyTemperature::maximum).max().orElseThrow(), 1e-9);
      // Both sides are rounded to 0.1 °C, so they may differ by up to one step.
      double hourlyMean = hours.stream().mapToDouble(HourlyTemperature::average).average().orElseThrow();
      assertEquals(day.average(), hourlyMean, 0.1001);
      compared++;
    }
    assertEquals(dataset.towns().size() * DemoDataset.HOURLY_DAYS, compared);
  }

  @Test
  void hourlyTemperaturesCoverConsecutiveHours() {
    LocalDateTime first = DemoDataset.HOURLY_FIRST_DAY.atStartOfDay();
    List<HourlyTemperature> berlin = dataset.hourlyTemperatures().stream()
        .filter(hour -> hour.zipCode().equals("10115"))
        .sorted(Comparator.comparing(HourlyTemperature::hour))
        .toList();
    for (int index = 0; index < berlin.size(); index++) {
      assertEquals(first.plusHours(index), berlin.get(index).hour());
    }
  }

  @Test
  void seasonsArePlausibleInBothHemispheres() {
    // Berlin is warmer in July than in January, Sydney the other way round; Singapore hardly changes.
    assertTrue(monthMean("10115", 7) - monthMean("10115", 1) > 10);
    assertTrue(monthMean("2000", 1) - monthMean("2000", 7) > 5);
    assertTrue(Math.abs(monthMean("018956", 7) - monthMean("018956", 1)) < 4);
    for (DailyTemperature day : dataset.dailyTemperatures()) {
      assertTrue(day.minimum() > -35 && day.maximum() < 52, day.toString());
    }
  }

  @Test
  void stationReadingsFollowTheirTownsWeather() {
    Map<String, Double> dailyMeans = dataset.dailyTemperatures().stream()
        .collect(Collectors.toMap(day -> day.zipCode() + " " + day.day(), DailyTemperature::average));
    double[] observed = dataset.stationObservations().stream()
        .filter(observation -> observation.temperatureCelsius().isPresent())
        .mapToDouble(observation -> observation.temperatureCelsius().getAsDouble())
        .toArray();
    double[] daily = dataset.stationObservations().stream()
        .filter(observation -> observation.temperatureCelsius().isPresent())
        .mapToDouble(observation ->
            dailyMeans.get(observation.zipCode() + " " + observation.observedAt().toLocalDate()))
        .toArray();
    assertTrue(correlation(observed, daily) > 0.9);
    long faults = dataset.stationObservations().stream()
        .filter(observation -> observation.temperatureCelsius().isEmpty() || observation.humidity().isEmpty())
        .count();
    assertTrue(faults > 0 && faults < dataset.stationObservations().size() / 50, "faults: " + faults);
  }

  /** The analyst's question: do more people shop on warmer days? Per zip code and day, they should. */
  @Test
  void storeTrafficFollowsTheWeather() {
    Map<Integer, String> zipCodeByStore =
        dataset.stores().stream().collect(Collectors.toMap(Store::storeId, Store::zipCode));
    Map<String, Long> transactionsPerZipCodeAndDay = dataset.storeTransactions().stream()
        .collect(Collectors.groupingBy(
            transaction -> zipCodeByStore.get(transaction.storeId()) + " " + transaction.day(), Collectors.counting()));
    Map<String, Double> dailyMeans = dataset.dailyTemperatures().stream()
        .collect(Collectors.toMap(day -> day.zipCode() + " " + day.day(), DailyTemperature::average));
    List<String> keys = List.copyOf(transactionsPerZipCodeAndDay.keySet());
    double[] traffic = keys.stream().mapToDouble(key -> transactionsPerZipCodeAndDay.get(key)).toArray();
    double[] temperature = keys.stream().mapToDouble(dailyMeans::get).toArray();

    assertTrue(correlation(traffic, temperature) > 0.3, "correlation " + correlation(traffic, temperature));
  }

  private static double monthMean(String zipCode, int month) {
    return dataset.dailyTemperatures().stream()
        .filter(day -> day.zipCode().equals(zipCode) && day.day().getMonthValue() == month)
        .mapToDouble(DailyTemperature::average)
        .average()
        .orElseThrow();
  }

  static double correlation(double[] left, double[] right) {
    double leftMean = Arrays.stream(left).average().orElseThrow();
    double rightMean = Arrays.stream(right).average().orElseThrow();
    double covariance = 0;
    double leftVariance = 0;
    double rightVariance = 0;
    for (int index = 0; index < left.length; index++) {
      covariance += (left[index] - leftMean) * (right[index] - rightMean);
      leftVariance += (left[index] - leftMean) * (left[index] - leftMean);
      rightVariance += (right[index] - rightMean) * (right[index] - rightMean);
    }
    return covariance / Math.sqrt(leftVariance * rightVariance);
  }

  private static void assertInRange(int actual, int minimum, int maximum) {
    assertTrue(actual >= minimum && actual <= maximum, actual + " not in [" + minimum + ", " + maximum + "]");
  }
}
