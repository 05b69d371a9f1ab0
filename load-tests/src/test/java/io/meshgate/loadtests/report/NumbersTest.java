package io.meshgate.loadtests.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NumbersTest {
  @Test
  void threeSignificantDigitsOrWholeThousands() {
    assertEquals("59,014", Numbers.format(59014.2));
    assertEquals("1,000", Numbers.format(999.6));
    assertEquals("251", Numbers.format(251.4));
    assertEquals("18.5", Numbers.format(18.483));
    assertEquals("2.35", Numbers.format(2.346));
    assertEquals("0.040", Numbers.format(0.0401));
    assertEquals("100", Numbers.format(99.96));
    assertEquals("10.0", Numbers.format(9.996));
    assertEquals("0", Numbers.format(0));
    assertEquals("-5.00", Numbers.format(-5));
    assertEquals("—", Numbers.format(Double.NaN));
  }

  @Test
  void ratios() {
    assertEquals("0.42×", Numbers.ratio(42, 100));
    assertEquals("16.59×", Numbers.ratio(16.59, 1));
    assertEquals("—", Numbers.ratio(1, 0));
    assertEquals("—", Numbers.ratio(Double.NaN, 3));
  }
}
