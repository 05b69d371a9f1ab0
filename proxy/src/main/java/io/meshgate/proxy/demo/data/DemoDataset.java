package io.meshgate.proxy.demo.data;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Every row of the demo data mesh, generated from one seed. {@link #generate()} always returns
 * the same rows; {@link #DEFAULT_SEED} is what the demo and the tests use.
 */
public record DemoDataset(
    List<Town> towns,
    List<StationObservation> stationObservations,
    List<DailyTemperature> dailyTemperatures,
    List<HourlyTemperature> hourlyTemperatures,
    List<Store> stores,
    List<StoreTransaction> storeTransactions,
    List<Customer> customers) {
  public static final long DEFAULT_SEED = 20_250_101L;
  public static final int YEAR = 2025;
  /** Hourly temperatures cover four weeks from Monday 2 June, enough to join with a month of sales. */
  public static final LocalDate HOURLY_FIRST_DAY = LocalDate.of(YEAR, 6, 2);
  public static final int HOURLY_DAYS = 28;
  public static final int STORE_COUNT = 60;
  public static final int CUSTOMER_COUNT = 2_000;
  public static final int EXPECTED_TRANSACTIONS = 30_000;

  public DemoDataset {
    towns = List.copyOf(requireNonNull(towns, "towns is null"));
    stationObservations = List.copyOf(requireNonNull(stationObservations, "stationObservations is null"));
    dailyTemperatures = List.copyOf(requireNonNull(dailyTemperatures, "dailyTemperatures is null"));
    hourlyTemperatures = List.copyOf(requireNonNull(hourlyTemperatures, "hourlyTemperatures is null"));
    stores = List.copyOf(requireNonNull(stores, "stores is null"));
    storeTransactions = List.copyOf(requireNonNull(storeTransactions, "storeTransactions is null"));
    customers = List.copyOf(requireNonNull(customers, "customers is null"));
  }

  public static DemoDataset generate() {
    return generate(DEFAULT_SEED);
  }

  /** Each domain draws from its own generator, so changing one table's rules leaves the others' rows alone. */
  public static DemoDataset generate(long seed) {
    LocalDate firstDay = LocalDate.of(YEAR, 1, 1);
    int days = Year.of(YEAR).length();
    List<Town> towns = Towns.all();
    List<TownWeather> weathers = new ArrayList<>();
    Map<String, double[]> dailyMeans = new LinkedHashMap<>();
    for (int index = 0; index < towns.size(); index++) {
      TownWeather weather = TownWeather.simulate(towns.get(index), days, new Random(seed * 100 + index));
      weathers.add(weather);
      double[] means = new double[days];
      for (int day = 0; day < days; day++) {
        means[day] = weather.summarize(day * TownWeather.SAMPLES_PER_DAY, TownWeather.SAMPLES_PER_DAY).average();
      }
      dailyMeans.put(towns.get(index).zipCode(), means);
    }
    WeatherGenerator weather = new WeatherGenerator(weathers, firstDay, seed);
    List<Customer> customers = CustomerGenerator.generate(CUSTOMER_COUNT, new Random(seed ^ 0x00C0_FFEEL));
    SalesGenerator sales = new SalesGenerator(towns, dailyMeans, firstDay, days);
    Random salesRandom = new Random(seed ^ 0x5A1E_5A1EL);
    List<Store> stores = sales.stores(STORE_COUNT, salesRandom);
    return new DemoDataset(
        towns,
        weather.stationObservations(),
        weather.dailyTemperatures(),
        weather.hourlyTemperatures(HOURLY_FIRST_DAY, HOURLY_DAYS),
        stores,
        sales.transactions(stores, customers, EXPECTED_TRANSACTIONS, salesRandom),
        customers);
  }
}
