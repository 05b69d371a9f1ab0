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
 * On a real PostgreSQL 15, what Meshgate forwards for array slices and subscript chains returns
 * what the client's own text returns, for one- and two-dimensional arrays (where a chain read as
 * nested subscripts would give other values).
 */
class ArraySlicesIT {
  private static final String SCHEMA = """
      CREATE SCHEMA docs;
      CREATE TABLE docs.lists (id integer, arr integer[], grid integer[][], note text);
      INSERT INTO docs.lists VALUES
        (1, ARRAY[10, 20, 30, 40], ARRAY[[1, 2, 3], [4, 5, 6]], 'a'),
        (2, ARRAY[5], ARRAY[[7, 8], [9, 10]], 'b'),
        (3, '[0:2]={1,2,3}', ARRAY[[11]], 'c'),
        (4, NULL, NULL, NULL);
      """;

  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase(SCHEMA);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id, arr[1:2], arr[2:], arr[:2], arr[:], (ARRAY[1,2,3])[1:2] FROM docs.lists ORDER BY id",
      "SELECT id, grid[1:2][1:1], grid[2][1:2], grid[1:2][2], grid[2:][:1], grid[1][2], grid[2][1] FROM docs.lists ORDER BY id",
      "SELECT id, arr[id:id + 1], arr[(SELECT 1):2], arr[arr[1] / 10:3], arr[1:2]::text, arr[1:2] || arr[3:] FROM docs.lists ORDER BY id",
      "SELECT id FROM docs.lists WHERE arr[1:2] = ARRAY[10, 20] OR grid[1:1][1:2] = ARRAY[ARRAY[7, 8]] ORDER BY id",
      "SELECT id, array_length(arr[2:3], 1), array_to_string(arr[:2], ',') FROM docs.lists ORDER BY arr[2:] NULLS FIRST, id",
      "SELECT l.id, l.arr [ 1 : 2 ], (l.arr)[3:4] FROM docs.lists l ORDER BY 1"})
  void forwardedSqlReturnsWhatTheClientsTextReturns(String sql) throws Exception {
    database.assertForwardedReturnsTheSame(sql);
  }

  @Test
  void parametersInTheBounds() throws Exception {
    String sql = "SELECT id, arr[$1:$2] FROM docs.lists ORDER BY id";
    String rewritten = database.forwarded(sql);
    assertEquals(database.run("DEALLOCATE ALL", "PREPARE client AS " + sql, "EXECUTE client (2, 3)"),
        database.run("PREPARE forwarded AS " + rewritten, "EXECUTE forwarded (2, 3)"));
  }

  /** A masked array column is sliced masked. */
  @Test
  void aMaskedArrayIsSlicedMasked() throws Exception {
    Decision masked = Decisions.allow()
        .mask("mesh.docs.lists", "arr", new ColumnMask.Constant("{0,0,0}"))
        .build();
    List<List<String>> rows = database.runGoverned(
        "SELECT id, arr[2:], arr[1:1] FROM docs.lists ORDER BY id", masked);
    assertEquals(List.of("1", "{0,0}", "{0}"), rows.get(1));
    assertEquals(List.of("2", "{0,0}", "{0}"), rows.get(2));
  }
}
