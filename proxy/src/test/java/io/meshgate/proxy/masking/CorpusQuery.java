package io.meshgate.proxy.masking;

import static java.util.Objects.requireNonNull;

/**
 * One generated query of the masking corpus.
 *
 * @param shape what the query exercises (projection, join, aggregate, …), for the report
 * @param copy run as {@code COPY (…) TO STDOUT} rather than as a query
 * @param findsNothing the query compares a masked column with a raw value (which no row's
 *     masked value equals), so it must find no rows: predicates see masked values only
 */
record CorpusQuery(String shape, String sql, boolean copy, boolean findsNothing) {
  CorpusQuery {
    requireNonNull(shape, "shape is null");
    requireNonNull(sql, "sql is null");
    if (copy && findsNothing) {
      throw new IllegalArgumentException("a COPY is checked for leaks, not for its row count");
    }
  }

  static CorpusQuery of(String shape, String sql) {
    return new CorpusQuery(shape, sql, false, false);
  }
}
