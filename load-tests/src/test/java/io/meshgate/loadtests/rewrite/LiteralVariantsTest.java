package io.meshgate.loadtests.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.meshgate.rewriter.shape.StatementShape;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiteralVariantsTest {
  @Test
  void variantsDifferOnlyInTheLiteralsTheShapeLifts() {
    String sql = "SELECT * FROM tpch.part WHERE p_size = 15 AND p_type = 'BRASS' AND p_retailprice < 9.5"
        + " ORDER BY 1 LIMIT 10";
    List<String> variants = LiteralVariants.of(sql, 4);
    assertEquals(4, new HashSet<>(variants).size(), variants.toString());
    StatementShape shape = StatementShape.of(sql).orElseThrow();
    for (String variant : variants) {
      assertNotEquals(sql, variant);
      assertEquals(shape.key(), StatementShape.of(variant).orElseThrow().key(), variant);
    }
    assertEquals("SELECT * FROM tpch.part WHERE p_size = 2 AND p_type = 'value 2' AND p_retailprice < 0.2"
        + " ORDER BY 1 LIMIT 10", variants.get(1));
  }

  @Test
  void aStatementWithoutLiteralsToLiftIsItsOnlyVariant() {
    assertEquals(List.of("SELECT 1"), LiteralVariants.of("SELECT 1", 4));
  }
}
