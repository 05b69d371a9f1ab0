package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoggedTextTest {
  @Test
  void lineBreaksAndControlCharactersAreEscaped() {
    assertEquals("\"a\\u000ab\\u000dc\\u0000d\\u2028e\\u2029f\\u0085g\\u007fh\"",
        LoggedText.quoted("a\nb\rc\0d\u2028e\u2029f\u0085g\u007fh"));
    assertEquals("reason \\u000a with \"quotes\"", LoggedText.oneLine("reason \n with \"quotes\""));
  }

  @Test
  void quotesAndBackslashesCannotEndTheQuotedName() {
    assertEquals("\"alice\\\" from 10.0.0.1: ok \\\\\"", LoggedText.quoted("alice\" from 10.0.0.1: ok \\"));
  }

  @Test
  void ordinaryNamesAreUnchanged() {
    assertEquals("\"Zoë O'Brien_1\"", LoggedText.quoted("Zoë O'Brien_1"));
  }

  @Test
  void longValuesAreCutAndSayHowMuchWasLeftOut() {
    String cut = LoggedText.oneLine("x".repeat(LoggedText.MAXIMUM_LENGTH + 10));
    assertEquals("x".repeat(LoggedText.MAXIMUM_LENGTH) + "…(10 more characters)", cut);
    // Never half a surrogate pair at the cut.
    String emoji = LoggedText.oneLine("x".repeat(LoggedText.MAXIMUM_LENGTH - 1) + "😀😀");
    assertFalse(emoji.contains("\ud83d…"), emoji);
    assertTrue(emoji.endsWith("…(4 more characters)"), emoji);
  }
}
