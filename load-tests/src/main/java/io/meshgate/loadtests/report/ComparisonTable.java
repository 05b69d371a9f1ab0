package io.meshgate.loadtests.report;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.scenario.Measurement;
import io.meshgate.loadtests.scenario.RunStatistics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * One metric of a scenario for every target side by side, with the ratios of the subject
 * (Meshgate) to each other target: "Meshgate/direct 0.42×" means Meshgate reached 42 % of direct
 * PostgreSQL's value. A run that failed leaves its cell and its ratios empty ("—").
 *
 * @param keyHeaders the headers of the columns that identify a row, e.g. mode and clients
 * @param metric the metric's name and unit, e.g. "tps" or "p99 ms"
 * @param targets the targets' columns, in this order; must contain {@code subject}
 */
public record ComparisonTable(
    List<String> keyHeaders, String metric, List<Target> targets, Target subject, List<ComparisonTable.Row> rows) {

  /** The keys of a row and the value of each target that has one. */
  public record Row(List<String> keys, Map<Target, Double> values) {
    public Row {
      keys = List.copyOf(requireNonNull(keys, "keys is null"));
      values = Map.copyOf(requireNonNull(values, "values is null"));
    }

    public OptionalDouble value(Target target) {
      Double value = values.get(target);
      return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
  }

  public ComparisonTable {
    keyHeaders = List.copyOf(requireNonNull(keyHeaders, "keyHeaders is null"));
    requireNonNull(metric, "metric is null");
    targets = List.copyOf(requireNonNull(targets, "targets is null"));
    requireNonNull(subject, "subject is null");
    rows = List.copyOf(requireNonNull(rows, "rows is null"));
    if (!targets.contains(subject)) {
      throw new IllegalArgumentException("the subject " + subject + " is not among the targets " + targets);
    }
    for (Row row : rows) {
      if (row.keys().size() != keyHeaders.size()) {
        throw new IllegalArgumentException("row " + row.keys() + " does not match the key headers " + keyHeaders);
      }
    }
  }

  /**
   * A table of pgbench measurements, one row per query mode and client count (in the order they
   * were measured), one column per target that was measured.
   */
  public static ComparisonTable of(String metric, List<Measurement> measurements, Target subject,
      ToDoubleFunction<RunStatistics> value) {
    TreeSet<Target> targets = new TreeSet<>();
    Map<List<String>, Map<Target, Double>> rows = new LinkedHashMap<>();
    for (Measurement measurement : measurements) {
      targets.add(measurement.target());
      List<String> keys = List.of(measurement.mode().flag(), Integer.toString(measurement.clients()));
      Map<Target, Double> values = rows.computeIfAbsent(keys, ignored -> new EnumMap<>(Target.class));
      measurement.statistics().ifPresent(statistics ->
          values.put(measurement.target(), value.applyAsDouble(statistics)));
    }
    targets.add(subject);
    List<Row> tableRows = new ArrayList<>();
    rows.forEach((keys, values) -> tableRows.add(new Row(keys, values)));
    return new ComparisonTable(List.of("mode", "clients"), metric, List.copyOf(targets), subject, tableRows);
  }

  /** The targets the subject is compared with. */
  public List<Target> baselines() {
    return targets.stream().filter(target -> target != subject).toList();
  }

  public String markdown() {
    List<String> headers = new ArrayList<>(keyHeaders);
    for (Target target : targets) {
      headers.add(target.label() + " " + metric);
    }
    for (Target baseline : baselines()) {
      headers.add(subject.label() + "/" + baseline.label());
    }
    MarkdownTable table = new MarkdownTable(headers, keyHeaders.size());
    for (Row row : rows) {
      List<String> cells = new ArrayList<>(row.keys());
      for (Target target : targets) {
        cells.add(Numbers.format(row.value(target).orElse(Double.NaN)));
      }
      for (Target baseline : baselines()) {
        cells.add(Numbers.ratio(row.value(subject).orElse(Double.NaN), row.value(baseline).orElse(Double.NaN)));
      }
      table.row(cells);
    }
    return table.render();
  }

  /**
   * The geometric mean over the rows of subject/baseline, the fair average of ratios (a 2× and a
   * 0.5× average to 1×); empty when no row has both values.
   */
  public OptionalDouble geometricMeanRatio(Target baseline) {
    double logarithms = 0;
    int count = 0;
    for (Row row : rows) {
      OptionalDouble numerator = row.value(subject);
      OptionalDouble denominator = row.value(baseline);
      if (numerator.isPresent() && denominator.isPresent() && numerator.getAsDouble() > 0
          && denominator.getAsDouble() > 0) {
        logarithms += Math.log(numerator.getAsDouble() / denominator.getAsDouble());
        count++;
      }
    }
    return count == 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.exp(logarithms / count));
  }
}
