package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.rewriter.PreparedStatementUse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a session's statement and portal names mean, and how EXECUTE is checked against them. */
class SessionNamesTest {
  private static final String REVISION = "rev-1";

  private static GovernedStatement statement(String sql, String revision, Optional<PreparedStatementUse> use) {
    return new GovernedStatement(sql, Optional.of(sql), Optional.empty(), GovernedStatement.Outcome.PASSTHROUGH,
        "select", Optional.empty(), List.of(), Optional.empty(), revision, new GovernedStatement.StageTimings(0, 0, 0),
        List.of(), use);
  }

  private static GovernedStatement select(String sql) {
    return statement(sql, REVISION, Optional.empty());
  }

  private static GovernedStatement prepare(String name) {
    return statement("PREPARE " + name + " AS SELECT 1", REVISION, Optional.of(new PreparedStatementUse.Prepare(name)));
  }

  private static GovernedStatement execute(String name) {
    return statement("EXECUTE " + name, REVISION, Optional.of(new PreparedStatementUse.Execute(name)));
  }

  private static GovernedStatement deallocate(String name) {
    return statement("DEALLOCATE " + name, REVISION, Optional.of(new PreparedStatementUse.Deallocate(name)));
  }

  private static Optional<String> refusal(GovernedStatement statement) {
    return statement.refusal().map(error -> error.sqlState() + " " + error.message());
  }

  @Test
  void aParseTheBackendSkippedLeavesTheNameAsItWas() {
    SessionNames names = new SessionNames();
    GovernedStatement first = select("SELECT 1");
    assertEquals(Optional.empty(), names.parsed("s", first));
    Optional<GovernedStatement> before = names.parsed("s", select("SELECT 2"));
    assertSame(first, before.orElseThrow());
    names.parseUndone("s", before);
    assertSame(first, names.statement("s").orElseThrow());
    names.parseUndone("s", names.parseRefused("s"));
    assertSame(first, names.statement("s").orElseThrow());
    names.parseUndone("t", names.parsed("t", select("SELECT 3")));
    assertEquals(Optional.empty(), names.statement("t"));
  }

  @Test
  void portalsEndWithTheirTransactionAndWithCursorsOfTheirName() {
    SessionNames names = new SessionNames();
    names.bound("p", select("SELECT 1"));
    names.bound("q", select("SELECT 2"));
    assertTrue(names.isBound("p"));
    names.succeeded(statement("DECLARE p CURSOR FOR SELECT 3", REVISION,
        Optional.of(new PreparedStatementUse.DeclareCursor("p"))));
    assertFalse(names.isBound("p"), "a DECLAREd cursor is not the portal once bound");
    assertTrue(names.isBound("q"));
    names.portalsEnded();
    assertFalse(names.isBound("q"));
    assertEquals(Optional.empty(), names.portal("q"));
  }

  @Test
  void anExecuteRunsThePreparedStatementUnderItsOwnDecision() {
    SessionNames names = new SessionNames();
    GovernedStatement prepared = prepare("p");
    names.succeeded(prepared);
    GovernedStatement checked = names.checkExecute(execute("p"));
    assertTrue(checked.isForwarded());
    assertEquals("EXECUTE p", checked.originalSql());
    assertEquals(Optional.of(new PreparedStatementUse.Execute("p")), checked.preparedStatementUse());

    assertEquals(Optional.of("26000 prepared statement \"nope\" does not exist"),
        refusal(names.checkExecute(execute("nope"))));
    names.succeeded(statement("PREPARE old AS SELECT 1", "rev-0", Optional.of(new PreparedStatementUse.Prepare("old"))));
    assertTrue(refusal(names.checkExecute(execute("old"))).orElseThrow().contains("policy that has changed"));
  }

  @Test
  void anExecuteInAQueryCountsThePreparesAndDeallocatesBeforeIt() {
    SessionNames names = new SessionNames();
    names.succeeded(prepare("kept"));
    List<GovernedStatement> checked = names.checkExecutes(List.of(
        prepare("fresh"), execute("fresh"), deallocate("kept"), execute("kept")));
    assertEquals(Optional.empty(), refusal(checked.get(1)), "prepared earlier in the same Query");
    assertTrue(refusal(checked.get(3)).orElseThrow().startsWith("26000"), "deallocated earlier in the same Query");
    // only what the backend confirms changes the names
    assertEquals(Optional.empty(), names.statement("fresh"));
    assertTrue(names.statement("kept").isPresent());
  }
}
