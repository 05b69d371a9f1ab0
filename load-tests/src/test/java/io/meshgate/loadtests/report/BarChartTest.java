package io.meshgate.loadtests.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarChartTest {
  private static final Color RED = new Color(0xE4, 0x57, 0x56);
  private static final Color BLUE = new Color(0x4C, 0x78, 0xA8);

  @TempDir Path directory;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void barsAreAsTallAsTheirValues() throws IOException {
    BarChart chart = new BarChart("throughput", "tps", List.of("simple 1", "prepared 32"), List.of(
        new BarChart.Series("direct", BLUE, List.of(1000.0, 4000.0)),
        new BarChart.Series("Meshgate", RED, List.of(500.0, Double.NaN))));
    assertEquals(4000.0, chart.axisMaximum(), 1e-9);
    Path file = directory.resolve("chart.png");
    chart.writePng(file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(chart.width(), image.getWidth());
    assertEquals(BarChart.HEIGHT, image.getHeight());

    // The tallest bar (4000 of 4000) reaches the top of the plot; the 1000 bar a quarter of it.
    int tallX = chart.barLeft(1, 0) + 3;
    assertEquals(BLUE.getRGB(), image.getRGB(tallX, chart.valueY(3990)));
    int quarterX = chart.barLeft(0, 0) + 3;
    assertEquals(BLUE.getRGB(), image.getRGB(quarterX, chart.valueY(990)));
    assertTrue(image.getRGB(quarterX, chart.valueY(1100)) != BLUE.getRGB(), "the 1000 bar stops at 1000");
    // Meshgate's 500 is half the 1000 bar; its missing value draws nothing.
    int halfX = chart.barLeft(0, 1) + 3;
    assertEquals(RED.getRGB(), image.getRGB(halfX, chart.valueY(490)));
    assertTrue(image.getRGB(halfX, chart.valueY(600)) != RED.getRGB());
    int missingX = chart.barLeft(1, 1) + 3;
    assertTrue(image.getRGB(missingX, chart.valueY(100)) != RED.getRGB(), "NaN leaves a gap");
  }

  @Test
  void axisMaximaAreRoundNumbers() {
    assertEquals(60_000, BarChart.niceCeiling(59_014), 1e-9);
    assertEquals(100, BarChart.niceCeiling(100), 1e-9);
    assertEquals(150, BarChart.niceCeiling(101), 1e-9);
    assertEquals(0.25, BarChart.niceCeiling(0.22), 1e-12);
    assertEquals(1, BarChart.niceCeiling(0), 1e-9);
  }

  @Test
  void fewBarsAreWiderAndTicksAreWholeNumbers() {
    BarChart one = new BarChart("t", "u", List.of("4 clients"), List.of(new BarChart.Series("a", RED, List.of(1.0))));
    assertEquals(BarChart.MAXIMUM_BAR_WIDTH, one.barWidth());
    assertEquals("80", BarChart.tickLabel(80));
    assertEquals("12,000", BarChart.tickLabel(12_000));
    assertEquals("0.050", BarChart.tickLabel(0.05));
  }

  @Test
  void everySeriesHasOneValuePerGroup() {
    assertThrows(IllegalArgumentException.class, () -> new BarChart("t", "u", List.of("a", "b"),
        List.of(new BarChart.Series("s", RED, List.of(1.0)))));
    assertThrows(IllegalArgumentException.class, () -> new BarChart.Series("s", RED, List.of(-1.0)));
  }
}
