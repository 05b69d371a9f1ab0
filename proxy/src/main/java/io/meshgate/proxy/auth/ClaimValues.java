package io.meshgate.proxy.auth;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JWT claim values into the immutable JSON-compatible values a {@link
 * io.meshgate.policy.Subject} carries (strings, numbers, booleans, lists, maps). JSON nulls are
 * dropped, because the immutable collections cannot hold them and an absent attribute and a
 * null one mean the same to a policy.
 */
final class ClaimValues {
  private ClaimValues() {}

  /** The converted value, or null for a JSON null. */
  static Object toAttribute(Object value) {
    return switch (value) {
      case null -> null;
      case String text -> text;
      case Boolean flag -> flag;
      case Number number -> number;
      // Registered time claims arrive as Date; policies compare NumericDate seconds.
      case Date date -> date.getTime() / 1000;
      case List<?> list -> toList(list);
      case Map<?, ?> map -> toMap(map);
      default -> value.toString();
    };
  }

  private static List<Object> toList(List<?> list) {
    List<Object> result = new ArrayList<>(list.size());
    for (Object element : list) {
      Object converted = toAttribute(element);
      if (converted != null) {
        result.add(converted);
      }
    }
    return List.copyOf(result);
  }

  static Map<String, Object> toMap(Map<?, ?> map) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object converted = toAttribute(entry.getValue());
      if (converted != null) {
        result.put(String.valueOf(entry.getKey()), converted);
      }
    }
    return Map.copyOf(result);
  }
}
