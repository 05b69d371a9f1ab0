package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On a real PostgreSQL 15, a mask casts the raw value to {@code pg_catalog.text}, not to
 * whatever {@code text} names in the client's search path. A user who may create tables in a
 * schema (a domain's owners) creates one named {@code text}, whose row type then is {@code text}
 * under {@code SET search_path = that_schema, pg_catalog}; casting the raw e-mail address to
 * that type fails with "malformed record literal" quoting the value the mask hides.
 */
class MaskTypeNamesIT {
  private static final String RAW = "ann.secret@example.org";
  private static final String SCHEMA = """
      CREATE SCHEMA crm;
      CREATE TABLE crm.contacts (id integer, email text);
      INSERT INTO crm.contacts VALUES (1, 'ann.secret@example.org');
      CREATE SCHEMA sandbox;
      CREATE TABLE sandbox.text (a integer, b integer);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  static List<ColumnMask> textMasks() {
    return List.of(new ColumnMask.Hash("pepper"), new ColumnMask.ShowLast(4), new ColumnMask.ShowFirst(2),
        new ColumnMask.Email(), new ColumnMask.Redact());
  }

  @ParameterizedTest
  @MethodSource("textMasks")
  void noMaskReadsTheRawValueThroughAShadowingType(ColumnMask mask) throws Exception {
    Decision decision = Decisions.allow().mask("mesh.crm.contacts", "email", mask).build();
    List<String> searchPath = List.of("sandbox", "pg_catalog");
    String rewritten = database.analyzer().analyze("SELECT email FROM crm.contacts", searchPath)
        .rewrite(decision);
    String seen;
    try {
      seen = database.run("SET search_path = sandbox, pg_catalog", rewritten).toString();
    } catch (SQLException e) {
      seen = e.getMessage();
    } finally {
      database.run("RESET search_path", "SELECT 1");
    }
    assertFalse(seen.contains(RAW), seen);
    // and the mask still reads the value as pg_catalog's text: no error, one masked row
    assertFalse(seen.startsWith("ERROR"), seen);
  }
}
