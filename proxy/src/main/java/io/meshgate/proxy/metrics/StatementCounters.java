package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import io.prometheus.client.Counter;
import java.util.List;

/**
 * The counters one governed statement increments each time it runs (statements by kind and
 * outcome, queries per relation and decision), with their labels resolved once: a prepared
 * statement executed again and again would otherwise build its label values and look up each
 * labelled child on the event loop for every Execute.
 */
public record StatementCounters(Counter.Child statement, List<Counter.Child> relations) {
  public StatementCounters {
    requireNonNull(statement, "statement is null");
    relations = List.copyOf(requireNonNull(relations, "relations is null"));
  }

  public void increment() {
    statement.inc();
    for (Counter.Child relation : relations) {
      relation.inc();
    }
  }
}
