package io.meshgate.loadtests.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTableTest {
  @Test
  void textColumnsLeftNumbersRightAndPipesEscaped() {
    String table = new MarkdownTable(List.of("target", "tps"), 1)
        .row(List.of("a|b", "1"))
        .render();
    assertEquals("""
        | target | tps |
        | --- | ---: |
        | a\\|b | 1 |
        """, table);
  }

  @Test
  void rowsMustMatchTheHeaders() {
    assertThrows(IllegalArgumentException.class, () -> new MarkdownTable(List.of("a", "b"), 1).row(List.of("x")));
  }
}
