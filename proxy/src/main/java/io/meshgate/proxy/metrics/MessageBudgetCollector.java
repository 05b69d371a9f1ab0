package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.memory.MessageMemoryBudget;
import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;

/**
 * The message memory budget, read when Prometheus scrapes: the budget counts for itself, so
 * nothing is added to the path of a message.
 */
final class MessageBudgetCollector extends Collector implements Collector.Describable {
  static final String USED = "meshgate_message_budget_used_bytes";
  static final String LIMIT = "meshgate_message_budget_limit_bytes";
  static final String REFUSALS = "meshgate_message_budget_refusals_total";

  private static final String USED_HELP = "Bytes that large client messages (64 KiB or more) hold now, over all sessions.";
  private static final String LIMIT_HELP = "protocol.message_budget_bytes: what large client messages may hold at once.";
  private static final String REFUSALS_HELP = "Large client messages refused with 53200 because the budget had no room.";

  private final MessageMemoryBudget budget;

  MessageBudgetCollector(MessageMemoryBudget budget) {
    this.budget = requireNonNull(budget, "budget is null");
  }

  @Override
  public List<MetricFamilySamples> collect() {
    return List.of(
        new GaugeMetricFamily(USED, USED_HELP, budget.usedBytes()),
        new GaugeMetricFamily(LIMIT, LIMIT_HELP, budget.limitBytes()),
        new CounterMetricFamily(REFUSALS, REFUSALS_HELP, budget.refusals()));
  }

  @Override
  public List<MetricFamilySamples> describe() {
    return List.of(
        new GaugeMetricFamily(USED, USED_HELP, List.of()),
        new GaugeMetricFamily(LIMIT, LIMIT_HELP, List.of()),
        new CounterMetricFamily(REFUSALS, REFUSALS_HELP, List.of()));
  }
}
