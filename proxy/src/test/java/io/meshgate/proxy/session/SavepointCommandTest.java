package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Savepoint names read as PostgreSQL's lexer reads them (audit/TransactionAuditIT checks against
 * a real backend that a ROLLBACK TO spelled these ways is logged as undoing what it undid).
 */
class SavepointCommandTest {
  private static void reads(SavepointCommand.Kind kind, String name, String sql) {
    assertEquals(new SavepointCommand(kind, Optional.ofNullable(name)), SavepointCommand.of(sql), sql);
  }

  @Test
  void namesFoldAsciiLettersOnlyAndQuotedNamesKeepTheirCase() {
    reads(SavepointCommand.Kind.OTHER, "outer_one", "SAVEPOINT Outer_One;");
    reads(SavepointCommand.Kind.OTHER, "Inner", "release savepoint \"Inner\"");
    reads(SavepointCommand.Kind.OTHER, "\u00c9t\u00e9", "SAVEPOINT \u00c9T\u00e9");
    reads(SavepointCommand.Kind.OTHER, "a\"b", "SAVEPOINT \"a\"\"b\"");
    reads(SavepointCommand.Kind.ROLLBACK_TO, "savepoint", "ROLLBACK TO savepoint");
    reads(SavepointCommand.Kind.ROLLBACK_TO, "x", "rollback work to savepoint x");
    reads(SavepointCommand.Kind.ROLLBACK_TO, "to", "ABORT TRANSACTION TO \"to\"");
  }

  @Test
  void commentsNestAndOnlyPostgresWhiteSpaceSeparates() {
    reads(SavepointCommand.Kind.ROLLBACK_TO, "b", "ROLLBACK TO /* /* */ a */ b");
    reads(SavepointCommand.Kind.ROLLBACK_TO, "b", "ROLLBACK -- to a\nTO b");
    reads(SavepointCommand.Kind.ROLLBACK_TO, "a\u2003b", "ROLLBACK TO a\u2003b");
    reads(SavepointCommand.Kind.OTHER, "b", "/* rollback to a */ RELEASE\u000bb");
  }

  @Test
  void namesAreCutTo63BytesAtACharacterBoundary() {
    reads(SavepointCommand.Kind.OTHER, "s".repeat(63), "SAVEPOINT " + "s".repeat(70));
    reads(SavepointCommand.Kind.OTHER, "s".repeat(62), "SAVEPOINT \"" + "s".repeat(62) + "\u00e9\"");
  }

  @Test
  void aUnicodeEscapedNameIsNoNameMeshgateCanTell() {
    reads(SavepointCommand.Kind.ROLLBACK_TO, null, "ROLLBACK TO U&\"\\0062\"");
    reads(SavepointCommand.Kind.ROLLBACK_TO, null, "/* c */ ROLLBACK TO SAVEPOINT U&\"!0062\" UESCAPE '!'");
    reads(SavepointCommand.Kind.OTHER, null, "SAVEPOINT u&\"\\0062\"");
  }
}
