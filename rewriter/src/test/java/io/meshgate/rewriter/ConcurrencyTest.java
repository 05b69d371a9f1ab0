package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RowFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One analyzer and one analysed statement serve many threads at once. */
class ConcurrencyTest {
  @Test
  void analyzeAndRewriteFromManyThreads() throws Exception {
    StatementAnalyzer analyzer = DemoCatalog.analyzer();
    String sql = "with t as (select * from store_transactions where amount > $1)"
        + " select s.zip_code, count(*) from sales.stores s join t using (store_id) group by 1";
    Decision decision = Decisions.allow()
        .filter("mesh.sales.store_transactions",
            new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU")))
        .build();
    AnalyzedStatement shared = analyzer.analyze(sql, DemoCatalog.SEARCH_PATH);
    String expected = shared.rewrite(decision);
    ExecutorService executor = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int thread = 0; thread < 8; thread++) {
        results.add(executor.submit(() -> {
          List<String> outputs = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            outputs.add(shared.rewrite(decision));
            outputs.add(analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(decision));
          }
          return outputs;
        }));
      }
      for (Future<List<String>> result : results) {
        for (String output : result.get()) {
          assertEquals(expected, output);
        }
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
