package io.meshgate.proxy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.proxy.demo.data.Region;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CopyTextTest {
  @Test
  void escapesTheCharactersTheFormatReserves() {
    CopyText text = new CopyText().row("tab\there", "line\nbreak", "back\\slash", "carriage\rreturn", "plain");

    assertEquals("tab\\there\tline\\nbreak\tback\\\\slash\tcarriage\\rreturn\tplain\n", text.toString());
  }

  @Test
  void writesNullsNumbersAndDatesWithoutLocale() {
    CopyText text = new CopyText()
        .row(null, OptionalDouble.empty(), OptionalDouble.of(-1.5), 7, 8L, 2.25, new BigDecimal("12.30"),
            LocalDate.of(2025, 2, 3), LocalDateTime.of(2025, 2, 3, 4, 5), Region.APAC);

    assertEquals("\\N\t\\N\t-1.5\t7\t8\t2.25\t12.30\t2025-02-03\t2025-02-03 04:05:00\tAPAC\n", text.toString());
    assertEquals(1, text.rows());
  }

  @Test
  void refusesValuesWithoutATextForm() {
    assertThrows(IllegalArgumentException.class, () -> new CopyText().row(new Object()));
  }
}
