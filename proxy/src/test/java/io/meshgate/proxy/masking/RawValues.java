package io.meshgate.proxy.masking;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The secrets: every raw value of the masked columns, read from the backend directly, in lower
 * case. Left out, and counted: values shorter than {@value #MINIMUM_LENGTH} characters (a
 * two-digit fragment is in every other number) and values that the mask leaves as they are (a
 * birth date on 1 January truncated to its year is itself), since a user may see those.
 */
final class RawValues {
  static final int MINIMUM_LENGTH = 4;

  /**
   * Secrets by their first {@link #keyLength} characters (the length of the shortest secret), so
   * a cell is searched with one lookup per position, then a comparison with the few candidates.
   */
  private final Map<String, List<String>> byPrefix;
  private final int keyLength;
  private final int secretCount;
  private final List<String> samples;
  private final int shortValues;
  private final int unchangedByMask;

  private RawValues(Set<String> secrets, List<String> samples, int shortValues, int unchangedByMask) {
    this.keyLength = secrets.stream().mapToInt(String::length).min().orElse(MINIMUM_LENGTH);
    Map<String, List<String>> prefixes = new HashMap<>();
    for (String secret : secrets) {
      prefixes.computeIfAbsent(secret.substring(0, keyLength), prefix -> new ArrayList<>()).add(secret);
    }
    this.byPrefix = prefixes;
    this.secretCount = secrets.size();
    this.samples = samples;
    this.shortValues = shortValues;
    this.unchangedByMask = unchangedByMask;
  }

  /**
   * @param backend the backend as its superuser: raw values
   * @param governed a connection through Meshgate: the same rows masked
   */
  static RawValues read(Connection backend, Connection governed) throws SQLException {
    Set<String> secrets = new HashSet<>();
    List<String> samples = new ArrayList<>();
    int shortValues = 0;
    int unchangedByMask = 0;
    Set<String> maskedValues = new HashSet<>();
    for (MaskedColumn column : MaskedColumn.ALL) {
      String sql = "SELECT " + column.key() + ", " + column.column() + "::text FROM " + column.table();
      Map<String, String> raw = keyed(backend, sql);
      Map<String, String> masked = keyed(governed, sql);
      maskedValues.addAll(masked.values());
      for (Map.Entry<String, String> entry : raw.entrySet()) {
        String value = entry.getValue().toLowerCase(Locale.ROOT);
        if (value.length() < MINIMUM_LENGTH) {
          shortValues++;
        } else if (value.equals(masked.getOrDefault(entry.getKey(), "").toLowerCase(Locale.ROOT))) {
          unchangedByMask++;
        } else {
          secrets.add(value);
        }
      }
    }
    // A sample of every kind of value (emails, phones, dates differ in length).
    Map<Integer, List<String>> byLength = new TreeMap<>();
    secrets.stream().filter(value -> !maskedValues.contains(value)).sorted()
        .forEach(value -> byLength.computeIfAbsent(value.length(), length -> new ArrayList<>()).add(value));
    byLength.values().forEach(values -> samples.addAll(values.subList(0, Math.min(20, values.size()))));
    return new RawValues(secrets, List.copyOf(samples), shortValues, unchangedByMask);
  }

  /** Rows visible through Meshgate may be fewer (row filters): only those keys are compared. */
  private static Map<String, String> keyed(Connection connection, String sql) throws SQLException {
    Map<String, String> values = new HashMap<>();
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        if (result.getString(2) != null) {
          values.put(result.getString(1), result.getString(2));
        }
      }
    }
    return values;
  }

  /** The first secret that {@code cell} equals or contains, case-insensitively. */
  Optional<String> leakIn(String cell) {
    if (cell == null) {
      return Optional.empty();
    }
    String text = cell.toLowerCase(Locale.ROOT);
    for (int start = 0; start + keyLength <= text.length(); start++) {
      List<String> candidates = byPrefix.get(text.substring(start, start + keyLength));
      if (candidates != null) {
        for (String secret : candidates) {
          if (text.startsWith(secret, start)) {
            return Optional.of(secret);
          }
        }
      }
    }
    return Optional.empty();
  }

  int secretCount() {
    return secretCount;
  }

  /** Raw values that no masked value equals, for predicates that must find nothing. */
  List<String> samples() {
    return samples;
  }

  int shortValues() {
    return shortValues;
  }

  int unchangedByMask() {
    return unchangedByMask;
  }
}
