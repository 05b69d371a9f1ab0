package io.meshgate.proxy.demo.data;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/** The customers domain: people in every region with unique e-mail addresses and local phone numbers. */
final class CustomerGenerator {
  private static final LocalDate OLDEST_BIRTH_DATE = LocalDate.of(1945, 1, 1);
  private static final LocalDate YOUNGEST_BIRTH_DATE = LocalDate.of(2006, 12, 31);
  /** Shares of customers per region, in {@link Region} order. */
  private static final double[] REGION_SHARES = {0.40, 0.35, 0.25};

  private CustomerGenerator() {}

  static List<Customer> generate(int count, Random random) {
    List<Customer> customers = new ArrayList<>(count);
    Set<String> emails = new HashSet<>();
    long birthDateRange = YOUNGEST_BIRTH_DATE.toEpochDay() - OLDEST_BIRTH_DATE.toEpochDay() + 1;
    for (int customerId = 1; customerId <= count; customerId++) {
      Region region = pickRegion(random);
      List<Town> towns = Towns.in(region);
      Town home = towns.get(random.nextInt(towns.size()));
      List<String> firstNames = PersonNames.firstNames(region);
      List<String> lastNames = PersonNames.lastNames(region);
      String firstName = firstNames.get(random.nextInt(firstNames.size()));
      String lastName = lastNames.get(random.nextInt(lastNames.size()));
      List<String> domains = PersonNames.emailDomains();
      String domain = domains.get(random.nextInt(domains.size()));
      String email = uniqueEmail(localPart(firstName) + "." + localPart(lastName), domain, emails);
      LocalDate birthDate = OLDEST_BIRTH_DATE.plusDays((long) (random.nextDouble() * birthDateRange));
      customers.add(new Customer(customerId, firstName + " " + lastName, email, phone(home.phonePattern(), random),
          birthDate, region));
    }
    return List.copyOf(customers);
  }

  private static Region pickRegion(Random random) {
    double draw = random.nextDouble();
    Region[] regions = Region.values();
    for (int index = 0; index < regions.length - 1; index++) {
      draw -= REGION_SHARES[index];
      if (draw < 0) {
        return regions[index];
      }
    }
    return regions[regions.length - 1];
  }

  /** "de Vries" → "devries", "O'Brien" → "obrien". */
  private static String localPart(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
  }

  /** Namesakes at the same domain get a number, as mail providers make people do. */
  private static String uniqueEmail(String localPart, String domain, Set<String> taken) {
    String candidate = localPart + "@" + domain;
    for (int suffix = 2; !taken.add(candidate); suffix++) {
      candidate = localPart + suffix + "@" + domain;
    }
    return candidate;
  }

  private static String phone(String pattern, Random random) {
    StringBuilder phone = new StringBuilder(pattern.length());
    for (char character : pattern.toCharArray()) {
      phone.append(character == '#' ? (char) ('0' + random.nextInt(10)) : character);
    }
    return phone.toString();
  }
}
