package io.meshgate.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.policy.Access;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RowFilter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How {@code meshgate explain} prints a decision: each filter and mask with the rule behind it. */
class ExplainCommandTest {
  private static final RelationName ORDERS = new RelationName("mesh", "sales", "orders");

  @Test
  void printsThePolicyIdNextToEachFilterAndMaskThatHasOne() {
    RelationPolicy policy = new RelationPolicy(
        List.of(new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU")),
            new RowFilter.Expression("amount < 100")),
        Map.of("email", new ColumnMask.Email(), "amount", new ColumnMask.Round(-2)),
        Set.of("card"),
        List.of(Optional.of("sales.regional_readers"), Optional.empty()),
        Map.of("email", "global.pii.email"));
    Decision decision = new Decision(true, List.of(), Map.of(ORDERS.key(), policy),
        List.of("global.pii.email", "sales.regional_readers"));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExplainCommand.printDecision(new PrintStream(bytes, true, StandardCharsets.UTF_8), decision,
        List.of(new RelationAccess(ORDERS, Access.READ, List.of("region", "amount", "email", "card"),
            List.of("amount"))));

    assertEquals(List.of(
        "decision: allow",
        "  policies: global.pii.email, sales.regional_readers",
        "  mesh.sales.orders (read)",
        "    row filter: Comparison[column=region, operator=IN, values=[EU]] (policy sales.regional_readers)",
        "    row filter: Expression[expression=amount < 100]",
        "    mask: amount -> Round[digits=-2]",
        "    mask: email -> Email[] (policy global.pii.email)",
        "    denied column: card"), bytes.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
