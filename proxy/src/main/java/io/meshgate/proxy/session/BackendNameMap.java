package io.meshgate.proxy.session;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The session's prepared statements or portals by name, keyed as PostgreSQL keys them: it
 * stores at most 63 bytes of a name (NAMEDATALEN - 1), so two names that differ only after
 * their first 63 bytes of UTF-8 are one statement or portal to the backend, and must be one to
 * Meshgate too; otherwise a Bind or Execute could be attributed, audited and checked as another
 * statement than the one the backend runs.
 */
final class BackendNameMap<V> {
  private static final int MAXIMUM_NAME_BYTES = 63;
  /** Up to this many chars a name cannot exceed 63 bytes (3 per char at most; 2 per surrogate). */
  private static final int SURELY_SHORT_CHARS = MAXIMUM_NAME_BYTES / 3;

  private final Map<String, V> byKey = new HashMap<>();

  V get(String name) {
    return byKey.get(key(name));
  }

  V put(String name, V value) {
    return byKey.put(key(name), value);
  }

  V remove(String name) {
    return byKey.remove(key(name));
  }

  boolean containsKey(String name) {
    return byKey.containsKey(key(name));
  }

  void clear() {
    byKey.clear();
  }

  /** The keys, live: a name as the backend keys it (see {@link #key}). */
  Set<String> keySet() {
    return byKey.keySet();
  }

  /**
   * The name as the backend keys it: itself up to 63 bytes, else its first 63 bytes. PostgreSQL
   * may cut a character in two there; such a key, no valid name, is kept apart from every name
   * by a leading NUL, which no protocol name can hold.
   */
  static String key(String name) {
    if (name.length() <= SURELY_SHORT_CHARS) {
      return name;
    }
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= MAXIMUM_NAME_BYTES) {
      return name;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8, 0, MAXIMUM_NAME_BYTES)).toString();
    } catch (CharacterCodingException cutInACharacter) {
      return "\0" + new String(utf8, 0, MAXIMUM_NAME_BYTES, StandardCharsets.ISO_8859_1);
    }
  }
}
