package io.meshgate.loadtests.report;

import static java.util.Objects.requireNonNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart drawn with Java2D into a PNG: one group per row of a table (for example
 * "simple 32"), one bar per series (target) in each group. Small on purpose: the report's tables
 * carry the exact numbers, the chart shows the shape. Missing values (NaN) leave a gap.
 */
public record BarChart(String title, String valueAxisLabel, List<String> groups, List<BarChart.Series> series) {
  static final int HEIGHT = 360;
  static final int MINIMUM_BAR_WIDTH = 14;
  static final int MAXIMUM_BAR_WIDTH = 48;
  static final int GROUP_GAP = 22;
  static final int LEFT = 72;
  static final int RIGHT = 16;
  static final int TOP = 70;
  static final int BOTTOM = 52;
  static final Color BACKGROUND = Color.WHITE;
  private static final Color INK = new Color(0x33, 0x33, 0x33);
  private static final Color GRID = new Color(0xE0, 0xE0, 0xE0);

  /** One bar per group, in the groups' order. */
  public record Series(String name, Color color, List<Double> values) {
    public Series {
      requireNonNull(name, "name is null");
      requireNonNull(color, "color is null");
      values = List.copyOf(requireNonNull(values, "values is null"));
      for (double value : values) {
        if (value < 0) {
          throw new IllegalArgumentException("bars are for values of 0 or more, not " + value);
        }
      }
    }
  }

  public BarChart {
    requireNonNull(title, "title is null");
    requireNonNull(valueAxisLabel, "valueAxisLabel is null");
    groups = List.copyOf(requireNonNull(groups, "groups is null"));
    series = List.copyOf(requireNonNull(series, "series is null"));
    if (groups.isEmpty() || series.isEmpty()) {
      throw new IllegalArgumentException("a chart needs at least one group and one series");
    }
    for (Series each : series) {
      if (each.values().size() != groups.size()) {
        throw new IllegalArgumentException("series " + each.name() + " has " + each.values().size()
            + " values for " + groups.size() + " groups");
      }
    }
  }

  public int width() {
    return Math.max(560, LEFT + RIGHT + groups.size() * (series.size() * MINIMUM_BAR_WIDTH + GROUP_GAP));
  }

  /** Bars widen to fill the plot when there are few of them, up to a limit. */
  int barWidth() {
    int perGroup = (width() - LEFT - RIGHT) / groups.size() - GROUP_GAP;
    return Math.max(MINIMUM_BAR_WIDTH, Math.min(MAXIMUM_BAR_WIDTH, perGroup / series.size()));
  }

  /** The axis maximum: a round number at or above the largest value. */
  public double axisMaximum() {
    double largest = series.stream().flatMap(each -> each.values().stream())
        .filter(value -> !value.isNaN()).mapToDouble(Double::doubleValue).max().orElse(0);
    return niceCeiling(largest);
  }

  public BufferedImage render() {
    int width = width();
    BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    try {
      graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      graphics.setColor(BACKGROUND);
      graphics.fillRect(0, 0, width, HEIGHT);
      drawTitleAndLegend(graphics);
      drawAxis(graphics, width);
      drawBars(graphics);
    } finally {
      graphics.dispose();
    }
    return image;
  }

  public void writePng(Path file) throws IOException {
    if (!ImageIO.write(render(), "png", file.toFile())) {
      throw new IOException("no PNG writer in this JVM");
    }
  }

  /** Where the bar of {@code seriesIndex} in {@code groupIndex} starts horizontally (for tests and drawing). */
  int barLeft(int groupIndex, int seriesIndex) {
    int plotWidth = width() - LEFT - RIGHT;
    int used = groups.size() * groupWidth();
    int offset = LEFT + (plotWidth - used) / 2;
    return offset + groupIndex * groupWidth() + GROUP_GAP / 2 + seriesIndex * barWidth();
  }

  /** The vertical pixel of {@code value} on the axis. */
  int valueY(double value) {
    double maximum = axisMaximum();
    int plotHeight = HEIGHT - TOP - BOTTOM;
    return HEIGHT - BOTTOM - (int) Math.round(maximum == 0 ? 0 : value / maximum * plotHeight);
  }

  private int groupWidth() {
    return series.size() * barWidth() + GROUP_GAP;
  }

  private void drawTitleAndLegend(Graphics2D graphics) {
    graphics.setColor(INK);
    graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    graphics.drawString(title, LEFT, 22);
    graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics metrics = graphics.getFontMetrics();
    int x = LEFT;
    int y = 34;
    for (Series each : series) {
      int entryWidth = 14 + metrics.stringWidth(each.name()) + 18;
      if (x > LEFT && x + entryWidth > width() - RIGHT) {
        // Wrap onto a second line rather than run off the image.
        x = LEFT;
        y += 14;
      }
      graphics.setColor(each.color());
      graphics.fillRect(x, y, 10, 10);
      graphics.setColor(INK);
      graphics.drawString(each.name(), x + 14, y + 9);
      x += entryWidth;
    }
  }

  private void drawAxis(Graphics2D graphics, int width) {
    double maximum = axisMaximum();
    graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    FontMetrics metrics = graphics.getFontMetrics();
    int ticks = 5;
    for (int tick = 0; tick <= ticks; tick++) {
      double value = maximum * tick / ticks;
      int y = valueY(value);
      graphics.setColor(GRID);
      graphics.drawLine(LEFT, y, width - RIGHT, y);
      graphics.setColor(INK);
      String label = tickLabel(value);
      graphics.drawString(label, LEFT - 6 - metrics.stringWidth(label), y + 4);
    }
    graphics.setStroke(new BasicStroke(1));
    graphics.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
    graphics.drawLine(LEFT, HEIGHT - BOTTOM, width - RIGHT, HEIGHT - BOTTOM);
    // The unit, turned to run along the axis.
    Graphics2D turned = (Graphics2D) graphics.create();
    try {
      turned.rotate(-Math.PI / 2);
      int middle = (TOP + HEIGHT - BOTTOM) / 2;
      turned.drawString(valueAxisLabel, -middle - turned.getFontMetrics().stringWidth(valueAxisLabel) / 2, 14);
    } finally {
      turned.dispose();
    }
    for (int group = 0; group < groups.size(); group++) {
      String label = groups.get(group);
      int center = barLeft(group, 0) + series.size() * barWidth() / 2;
      graphics.drawString(label, center - metrics.stringWidth(label) / 2, HEIGHT - BOTTOM + 16);
    }
  }

  private void drawBars(Graphics2D graphics) {
    for (int group = 0; group < groups.size(); group++) {
      for (int index = 0; index < series.size(); index++) {
        double value = series.get(index).values().get(group);
        if (Double.isNaN(value)) {
          continue;
        }
        int top = valueY(value);
        graphics.setColor(series.get(index).color());
        graphics.fillRect(barLeft(group, index), top, barWidth() - 2, HEIGHT - BOTTOM - top);
      }
    }
  }

  /** Whole ticks without decimals ("80", not "80.0"), fractions as the report writes them. */
  static String tickLabel(double value) {
    return value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value) : Numbers.format(value);
  }

  /** A round multiple (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8) of a power of ten, at or above {@code value}. */
  static double niceCeiling(double value) {
    if (!(value > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (step * power >= value * (1 - 1e-12)) {
        return step * power;
      }
    }
    return 10 * power;
  }
}
