package io.meshgate.loadtests.decision;

import io.meshgate.policy.Access;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inputs the decision benchmark cycles through: the demo mesh's four users each reading
 * each of five demo tables (allowed, filtered, masked and denied decisions mixed, as in a real
 * mesh), plus a two-table join per user; columns from the demo database's own metadata.
 */
public final class DecisionInputs {
  private static final List<Subject> SUBJECTS = List.of(
      new Subject("alice", List.of("analysts"), Map.of("region", "EU")),
      new Subject("bob", List.of("weather_team"), Map.of()),
      new Subject("carol", List.of("data_scientists"), Map.of()),
      new Subject("dave", List.of("auditors"), Map.of()));

  private static final List<List<String>> TABLES = List.of(
      List.of("sales", "stores"), List.of("sales", "store_transactions"), List.of("customers", "customers"),
      List.of("weather", "daily_temperatures"), List.of("weather", "stations_raw"));

  private DecisionInputs() {}

  public static List<PolicyInput> demoMesh(SchemaCatalog catalog, String database) {
    List<RelationAccess> reads = new ArrayList<>();
    for (List<String> table : TABLES) {
      TableSchema schema = catalog.table(table.get(0), table.get(1))
          .orElseThrow(() -> new IllegalStateException("the demo mesh has no table " + String.join(".", table)));
      reads.add(new RelationAccess(schema.name(), Access.READ, schema.columnNames(), schema.columnNames()));
    }
    List<PolicyInput> inputs = new ArrayList<>();
    for (Subject subject : SUBJECTS) {
      RequestContext context = new RequestContext(database, "127.0.0.1", "load-tests", "decision-latency", Instant.now());
      for (RelationAccess read : reads) {
        inputs.add(new PolicyInput(subject, context, StatementKind.SELECT, List.of(read)));
      }
      inputs.add(new PolicyInput(subject, context, StatementKind.SELECT, List.of(reads.get(0), reads.get(1))));
    }
    return List.copyOf(inputs);
  }
}
