package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendNameMapTest {
  private static final String SIXTY_THREE = "s".repeat(63);

  @Test
  void namesUpToSixtyThreeBytesAreThemselves() {
    assertEquals("", BackendNameMap.key(""));
    assertEquals("S_1", BackendNameMap.key("S_1"));
    assertEquals(SIXTY_THREE, BackendNameMap.key(SIXTY_THREE));
    assertEquals("é".repeat(31), BackendNameMap.key("é".repeat(31))); // 62 bytes
  }

  @Test
  void longerNamesAreTheirFirstSixtyThreeBytes() {
    assertEquals(SIXTY_THREE, BackendNameMap.key(SIXTY_THREE + "A"));
    assertEquals(BackendNameMap.key(SIXTY_THREE + "A"), BackendNameMap.key(SIXTY_THREE + "B"));
    // 61 ASCII bytes and a 2-byte character end exactly at 63 bytes: the same key as the short name
    assertEquals("s".repeat(61) + "é", BackendNameMap.key("s".repeat(61) + "éx"));
  }

  /** PostgreSQL cuts bytes, not characters: a key cut in a character is no name, and equals none. */
  @Test
  void aNameCutInACharacterEqualsNoName() {
    String cut = BackendNameMap.key("s".repeat(62) + "éé");
    assertTrue(cut.startsWith("\0"), cut);
    assertEquals(cut, BackendNameMap.key("s".repeat(62) + "éz"), "the same first 63 bytes");
    assertNotEquals("s".repeat(62), cut);
  }

  @Test
  void theMapAnswersForEveryNameWithTheSameKey() {
    BackendNameMap<String> statements = new BackendNameMap<>();
    statements.put(SIXTY_THREE + "A", "first");
    assertEquals("first", statements.get(SIXTY_THREE + "B"));
    assertTrue(statements.containsKey(SIXTY_THREE));
    assertEquals("first", statements.put(SIXTY_THREE + "C", "second"));
    assertEquals("second", statements.remove(SIXTY_THREE));
    assertNull(statements.get(SIXTY_THREE + "A"));
  }
}
