package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.proxy.protocol.TransactionStatus;
import io.meshgate.rewriter.session.SearchPathChange;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchPathTrackerTest {
  private static final List<String> DEFAULT = List.of("$user", "public");
  private static final List<String> SALES = List.of("sales");
  private final SearchPathTracker tracker = new SearchPathTracker(DEFAULT);

  private void set(List<String> schemas, boolean local) {
    tracker.forwarded(new SearchPathChange.SetTo(schemas, local));
  }

  @Test
  void aChangeCountsAtOnceAndSurvivesItsImplicitTransaction() {
    set(SALES, false);
    assertEquals(SALES, tracker.forAnalysis(), "later statements of the same pipeline see it");
    tracker.commandComplete("SET");
    tracker.readyForQuery(TransactionStatus.IDLE);
    assertEquals(SALES, tracker.forAnalysis());
  }

  @Test
  void anErrorBeforeTheImplicitTransactionEndsUndoesIt() {
    set(SALES, false);
    tracker.failed();
    tracker.readyForQuery(TransactionStatus.IDLE);
    assertEquals(DEFAULT, tracker.forAnalysis());
  }

  @Test
  void explicitTransactionsCommitOrRollBack() {
    tracker.readyForQuery(TransactionStatus.IN_TRANSACTION);
    set(SALES, false);
    tracker.readyForQuery(TransactionStatus.IN_TRANSACTION);
    tracker.commandComplete("COMMIT");
    tracker.readyForQuery(TransactionStatus.IDLE);
    assertEquals(SALES, tracker.forAnalysis());

    set(List.of("weather"), false);
    tracker.readyForQuery(TransactionStatus.IN_TRANSACTION);
    tracker.failed();
    tracker.readyForQuery(TransactionStatus.FAILED_TRANSACTION);
    tracker.commandComplete("ROLLBACK"); // COMMIT of a failed transaction answers ROLLBACK too
    tracker.readyForQuery(TransactionStatus.IDLE);
    assertEquals(SALES, tracker.forAnalysis());
  }

  @Test
  void setLocalEndsWithItsTransactionEvenWhenItCommits() {
    set(SALES, false);
    set(List.of("weather"), true);
    assertEquals(List.of("weather"), tracker.forAnalysis());
    tracker.commandComplete("COMMIT");
    assertEquals(SALES, tracker.forAnalysis());
  }

  @Test
  void resetGoesBackToTheStartupValue() {
    SearchPathTracker fromStartup = new SearchPathTracker(SALES);
    fromStartup.forwarded(new SearchPathChange.SetTo(List.of("weather"), false));
    fromStartup.readyForQuery(TransactionStatus.IDLE);
    fromStartup.forwarded(new SearchPathChange.ResetToDefault(false));
    fromStartup.readyForQuery(TransactionStatus.IDLE);
    assertEquals(SALES, fromStartup.forAnalysis());
  }

  @Test
  void rollbackToSavepointAfterAChangeMakesThePathUnknown() {
    set(SALES, false);
    tracker.commandComplete("ROLLBACK");
    tracker.readyForQuery(TransactionStatus.IN_TRANSACTION);
    assertEquals(List.of(), tracker.forAnalysis(), "unknown: unqualified names resolve nowhere");
    // committing keeps it unknown; a rollback would restore the committed value
    tracker.commandComplete("COMMIT");
    assertEquals(List.of(), tracker.forAnalysis());
    set(SALES, false);
    tracker.readyForQuery(TransactionStatus.IDLE);
    assertEquals(SALES, tracker.forAnalysis());
  }

  @Test
  void anUnreadableValueMakesThePathUnknownUntilTheTransactionIsUndone() {
    tracker.forwarded(new SearchPathChange.Unrecognised("SET search_path FROM CURRENT"));
    assertEquals(List.of(), tracker.forAnalysis());
    tracker.failed();
    tracker.readyForQuery(TransactionStatus.IDLE);
    assertEquals(DEFAULT, tracker.forAnalysis());
  }
}
