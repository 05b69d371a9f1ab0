package io.meshgate.proxy.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.ColumnMetadata;
import io.meshgate.policy.DataProductMetadata;
import io.meshgate.policy.Decision;
import io.meshgate.policy.DomainMetadata;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.PolicyEngine;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.ProductMetadataSource;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.Subject;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.DataProductRow;
import io.meshgate.rewriter.DiscoveryRows;
import io.meshgate.rewriter.ProductColumnRow;
import io.meshgate.rewriter.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataProductDirectoryTest {
  private static final Subject ALICE = new Subject("alice", List.of("analysts"), Map.of());
  private static final RequestContext CONTEXT = new RequestContext("mesh", "127.0.0.1", "", "s", Instant.EPOCH);

  private static final DomainMetadata SALES = new DomainMetadata("sales", Optional.of("Sales."), List.of("sales_team"),
      Map.of(
          "stores", new DataProductMetadata(Optional.of("Stores."), Map.of(
              "store_id", new ColumnMetadata(Optional.of("Id."), Optional.empty()),
              "email", new ColumnMetadata(Optional.empty(), Optional.of("pii.email")))),
          "secrets", new DataProductMetadata(Optional.empty(), Map.of()),
          "malformed", new DataProductMetadata(Optional.empty(), Map.of()),
          "missing", new DataProductMetadata(Optional.empty(), Map.of())));

  /** Answers per table: a decision, or a failure. */
  private static final class ScriptedEngine implements PolicyEngine {
    final Map<String, Object> answers = new HashMap<>();
    final List<PolicyInput> inputs = new ArrayList<>();

    @Override
    public Decision decide(PolicyInput input) throws PolicyEngineException {
      inputs.add(input);
      Object answer = answers.get(input.relations().get(0).relation().table());
      if (answer instanceof PolicyEngineException failure) {
        throw failure;
      }
      return (Decision) answer;
    }

    @Override
    public String revision() {
      return "r";
    }
  }

  private static ProductMetadataSource source(List<DomainMetadata> domains) {
    return new ProductMetadataSource() {
      @Override
      public List<DomainMetadata> domains() {
        return domains;
      }

      @Override
      public String revision() {
        return "r";
      }
    };
  }

  private static Optional<TableSchema> table(String schema, String table) {
    RelationName name = new RelationName("mesh", schema, table);
    return switch (table) {
      case "stores" -> Optional.of(new TableSchema(name, List.of(new ColumnSchema("store_id", "integer"),
          new ColumnSchema("email", "text"), new ColumnSchema("internal", "text"))));
      case "secrets", "malformed" -> Optional.of(new TableSchema(name, List.of(new ColumnSchema("x", "text"))));
      default -> Optional.empty();
    };
  }

  @Test
  void listsWhatTheDecisionsAllowWithTheirMasksAndWithoutDeniedColumns() throws Exception {
    ScriptedEngine engine = new ScriptedEngine();
    engine.answers.put("stores", new Decision(true, List.of(), Map.of("mesh.sales.stores", new RelationPolicy(
        List.of(new RowFilter.Comparison("region", FilterOperator.EQUAL, List.of("EU"))),
        Map.of("email", new ColumnMask.Email()), Set.of("internal"))), List.of()));
    engine.answers.put("secrets", Decision.deny("no"));
    engine.answers.put("malformed", new PolicyEngineException.MalformedDecision("undefined"));
    DataProductDirectory directory =
        new DataProductDirectory(source(List.of(SALES)), DataProductDirectoryTest::table, "mesh", engine);

    DiscoveryRows rows = directory.rows(ALICE, CONTEXT);

    assertEquals(List.of(new DataProductRow("sales", "stores", Optional.of("Stores."), List.of("sales_team"),
        Optional.of("Sales."), true)), rows.dataProducts());
    assertEquals(List.of(
            new ProductColumnRow("sales", "stores", "store_id", 1, "integer", Optional.of("Id."), Optional.empty(),
                Optional.empty()),
            new ProductColumnRow("sales", "stores", "email", 2, "text", Optional.empty(), Optional.of("pii.email"),
                Optional.of("email"))),
        rows.columns());
    // one decision per product the backend has, each for SELECT of all of its columns
    assertEquals(3, engine.inputs.size());
    engine.inputs.forEach(input -> assertEquals(input.relations().get(0).columns(),
        input.relations().get(0).referencedColumns()));
    assertEquals(ALICE, engine.inputs.get(0).subject());
  }

  @Test
  void anEngineThatCannotAnswerFailsTheWholeListing() {
    ScriptedEngine engine = new ScriptedEngine();
    engine.answers.put("malformed", Decision.deny("no"));
    engine.answers.put("secrets", Decision.deny("no"));
    engine.answers.put("stores", new PolicyEngineException.Unavailable("down", null));
    DataProductDirectory directory =
        new DataProductDirectory(source(List.of(SALES)), DataProductDirectoryTest::table, "mesh", engine);
    assertThrows(PolicyEngineException.Unavailable.class, () -> directory.rows(ALICE, CONTEXT));
  }
}
