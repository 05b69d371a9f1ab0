package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15, what Meshgate forwards for {@code unnest(...)} in select lists (a
 * set-returning call) and as a FROM item returns what the client's own text returns.
 */
class SelectListUnnestIT {
  private static final String SCHEMA = """
      CREATE SCHEMA docs;
      CREATE TABLE docs.lists (id integer, tags text[], note text);
      INSERT INTO docs.lists VALUES (1, ARRAY['a', 'b'], 'x@y'), (2, ARRAY['c'], 'p@q'), (3, NULL, NULL);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id, unnest(tags) AS tag FROM docs.lists ORDER BY id, tag",
      "SELECT id, unnest(tags), unnest(string_to_array(note, '@')) FROM docs.lists ORDER BY 1, 2, 3",
      "SELECT t.tag, count(*) FROM (SELECT unnest(tags) AS tag FROM docs.lists) t GROUP BY t.tag ORDER BY 1",
      "SELECT l.id, u FROM docs.lists l, unnest(l.tags) u ORDER BY 1, 2",
      "SELECT l.id, u.v, u.n FROM docs.lists l JOIN docs.lists m ON m.id = l.id, unnest(l.tags) WITH ORDINALITY u(v, n)"
          + " ORDER BY 1, 3",
      "SELECT DISTINCT ON (id) id, unnest(tags) FROM docs.lists ORDER BY id, 2"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  /** unnest runs above the derived table: it splits the masked value. */
  @Test
  void aMaskedColumnIsUnnestedMasked() throws Exception {
    Decision masked = Decisions.allow().mask("mesh.docs.lists", "tags", new ColumnMask.Constant("{hidden}")).build();
    List<List<String>> rows = database.runGoverned("SELECT id, unnest(tags) FROM docs.lists ORDER BY id", masked);
    assertEquals(List.of(List.of("id", "unnest"), List.of("1", "hidden"), List.of("2", "hidden"), List.of("3", "hidden")),
        rows);
  }
}
