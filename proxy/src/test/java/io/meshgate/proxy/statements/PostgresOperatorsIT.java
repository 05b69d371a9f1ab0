package io.meshgate.proxy.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.SeededBackend;
import io.meshgate.proxy.SeededMesh;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL operators Calcite does not read (json {@code -> ->> #> #>> #-}, containment and
 * overlap {@code @> <@ &&}, full-text {@code @@}) through Meshgate with pgjdbc, in the simple
 * and the extended protocol, on a table governed by the test's own policy ({@code
 * src/test/resources/policies/postgres-operators}): carol's answers equal PostgreSQL's own,
 * alice's row filter applies beneath a JSON, overlap or text-search predicate, her masked jsonb
 * and text columns reach the operators only masked, and her denied column is refused.
 */
class PostgresOperatorsIT {
  private static final String SCHEMA = """
      CREATE SCHEMA docs;
      CREATE TABLE docs.profiles (id integer PRIMARY KEY, region text, attributes jsonb,
        contact jsonb, secret jsonb, tags text[], bio text);
      INSERT INTO docs.profiles VALUES
        (1, 'EU', '{"vip": true, "tier": "gold", "score": {"q1": 5}}', '{"email": "ann@example.com"}',
         '{"pin": "1111"}', ARRAY['a', 'b'], 'Gold member since 2019, loves hiking'),
        (2, 'EU', '{"vip": false, "tier": "silver", "score": {"q1": 3}}', '{"email": "ben@example.com"}',
         '{"pin": "2222"}', ARRAY['b'], 'Silver member who enjoys cooking'),
        (3, 'US', '{"vip": true, "tier": "gold", "score": {"q1": 9}}', '{"email": "cat@example.com"}',
         '{"pin": "3333"}', ARRAY['a'], 'Gold member, hiking and cooking'),
        (4, 'US', '{"vip": true, "tier": "bronze"}', '{"email": "dan@example.com"}', NULL, ARRAY[]::text[],
         'Bronze member'),
        (5, 'EU', '[1, 2, {"vip": true}]', NULL, NULL, NULL, NULL);
      """;

  @RegisterExtension
  static final SeededMesh mesh = SeededMesh.withPolicy("/policies/postgres-operators/postgres_operators.rego")
      .users("carol", "alice").beforeMeshgate(PostgresOperatorsIT::createProfiles);

  /** docs.profiles, which the test policy governs, readable by Meshgate's service user. */
  private static void createProfiles(SeededBackend backend) throws SQLException {
    try (Connection superuser = backend.backendAsSuperuser(); Statement statement = superuser.createStatement()) {
      statement.execute(SCHEMA);
      statement.execute("GRANT USAGE ON SCHEMA docs TO " + backend.backend().serviceUser());
      statement.execute("GRANT SELECT ON docs.profiles TO " + backend.backend().serviceUser());
    }
  }

  /** Through Meshgate, in pgjdbc's simple ("simple") or extended ("extended") query mode. */
  private static Connection connect(String user, String mode) throws SQLException {
    return mesh.connect(user, "preferQueryMode", mode);
  }

  static List<Arguments> carolsStatements() {
    List<String> statements = List.of(
        "SELECT id, attributes ->> 'tier' FROM docs.profiles WHERE attributes ->> 'tier' = 'gold' ORDER BY id",
        "SELECT id, attributes -> 'score' ->> 'q1', attributes #> '{score,q1}', attributes #>> '{score}',"
            + " attributes -> 0, attributes ->> 2 FROM docs.profiles ORDER BY id",
        "SELECT id FROM docs.profiles WHERE attributes @> '{\"vip\": true}' ORDER BY id",
        "SELECT id FROM docs.profiles WHERE '{\"tier\": \"gold\"}' <@ attributes AND tags @> ARRAY['a'] ORDER BY id",
        "SELECT id, tags <@ ARRAY['a', 'b'], (attributes -> 'score')::text,"
            + " attributes ->> 'tier' || '!' FROM docs.profiles ORDER BY id",
        "SELECT p.id, q.id FROM docs.profiles p JOIN docs.profiles q"
            + " ON p.attributes ->> 'tier' = q.attributes ->> 'tier' AND p.id < q.id ORDER BY 1, 2",
        "SELECT attributes ->> 'tier' AS tier, count(*) FROM docs.profiles"
            + " GROUP BY attributes ->> 'tier' ORDER BY attributes ->> 'tier' NULLS FIRST",
        "SELECT id, contact ->> 'email', secret #>> '{pin}' FROM docs.profiles"
            + " WHERE (attributes -> 'score' ->> 'q1')::int > 4 ORDER BY id",
        "SELECT id, attributes #- '{score}', tags && ARRAY['b'], tags && ARRAY['b'] || '!'::text"
            + " FROM docs.profiles WHERE tags && ARRAY['a', 'c'] OR id = 2 ORDER BY id",
        "SELECT id, to_tsvector('english', bio) @@ plainto_tsquery('english', 'gold hiking')"
            + " FROM docs.profiles WHERE to_tsvector('english', bio) @@ to_tsquery('english', 'member & !bronze')"
            + " ORDER BY id");
    List<Arguments> arguments = new ArrayList<>();
    for (String mode : List.of("simple", "extended")) {
      statements.forEach(sql -> arguments.add(Arguments.of(mode, sql)));
    }
    return arguments;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("carolsStatements")
  void unrestrictedAnswersEqualPostgresqlsOwn(String mode, String sql) throws SQLException {
    List<List<String>> direct;
    try (Connection superuser = mesh.backend().backendAsSuperuser()) {
      direct = rows(superuser, sql);
    }
    assertTrue(direct.size() > 0, "the statement should find rows");
    try (Connection carol = connect("carol", mode)) {
      assertEquals(direct, rows(carol, sql));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void parametersNextToTheOperators(String mode) throws SQLException {
    String sql = "SELECT id, attributes ->> ? FROM docs.profiles"
        + " WHERE attributes ->> ? = ? AND tags @> ?::text[] ORDER BY id";
    List<String> parameters = List.of("tier", "vip", "true", "{a}");
    List<List<String>> direct;
    try (Connection superuser = mesh.backend().backendAsSuperuser()) {
      direct = rows(superuser, sql, parameters);
    }
    assertEquals(List.of(List.of("1", "gold"), List.of("3", "gold")), direct);
    try (Connection carol = connect("carol", mode)) {
      assertEquals(direct, rows(carol, sql, parameters));
      // again, past pgjdbc's prepareThreshold, as a named server-side statement
      for (int i = 0; i < 5; i++) {
        assertEquals(direct, rows(carol, sql, parameters));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void theRowFilterAppliesBeneathAJsonPredicate(String mode) throws SQLException {
    String sql = "SELECT id FROM docs.profiles WHERE attributes @> '{\"vip\": true}' ORDER BY id";
    List<List<String>> everyRegion;
    List<List<String>> europe;
    try (Connection superuser = mesh.backend().backendAsSuperuser()) {
      everyRegion = rows(superuser, sql);
      europe = rows(superuser, "SELECT id FROM docs.profiles WHERE attributes @> '{\"vip\": true}'"
          + " AND region = 'EU' ORDER BY id");
    }
    assertNotEquals(everyRegion, europe);
    try (Connection alice = connect("alice", mode)) {
      assertEquals(europe, rows(alice, sql));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aMaskedJsonbColumnReachesTheOperatorsMasked(String mode) throws SQLException {
    try (Connection alice = connect("alice", mode)) {
      assertEquals(List.of(List.of("1", "hidden"), List.of("2", "hidden"), List.of("5", "hidden")),
          rows(alice, "SELECT id, contact ->> 'email' FROM docs.profiles ORDER BY id"));
      // nothing leaks through a predicate on the real value either
      assertEquals(List.of(List.of("0")), rows(alice,
          "SELECT count(*) FROM docs.profiles WHERE contact ->> 'email' = 'ann@example.com'"
              + " OR contact @> '{\"email\": \"ben@example.com\"}' OR contact #>> '{email}' LIKE '%@%'"));
      assertEquals(List.of(List.of("3")), rows(alice,
          "SELECT count(*) FROM docs.profiles WHERE contact ->> 'email' = 'hidden'"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void overlapAndTextSearchSeeTheFilteredRowsAndTheMaskedText(String mode) throws SQLException {
    String overlap = "SELECT id FROM docs.profiles WHERE tags && ARRAY['a'] ORDER BY id";
    String rawWords = "SELECT id FROM docs.profiles"
        + " WHERE to_tsvector('english', bio) @@ to_tsquery('english', 'gold | hiking | cooking') ORDER BY id";
    try (Connection superuser = mesh.backend().backendAsSuperuser()) {
      assertEquals(List.of(List.of("1"), List.of("3")), rows(superuser, overlap));
      assertEquals(List.of(List.of("1"), List.of("2"), List.of("3")), rows(superuser, rawWords));
    }
    try (Connection alice = connect("alice", mode)) {
      // the row filter applies beneath &&: row 3 is in the US
      assertEquals(List.of(List.of("1")), rows(alice, overlap));
      // @@ searches the masked text: the real words are never found, the mask's on EU rows only
      assertEquals(List.of(), rows(alice, rawWords));
      assertEquals(List.of(List.of("1", "hidden profile"), List.of("2", "hidden profile"),
              List.of("5", "hidden profile")),
          rows(alice, "SELECT id, bio FROM docs.profiles"
              + " WHERE to_tsvector('english', bio) @@ plainto_tsquery('english', 'hidden') ORDER BY id"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "extended"})
  void aDeniedJsonbColumnIsRefusedBeneathTheOperators(String mode) throws SQLException {
    try (Connection alice = connect("alice", mode)) {
      SQLException refusal = assertThrows(SQLException.class,
          () -> rows(alice, "SELECT id FROM docs.profiles WHERE secret ->> 'pin' = '1111'"));
      assertEquals("42501", refusal.getSQLState());
    }
  }

  private static List<List<String>> rows(Connection connection, String sql) throws SQLException {
    return rows(connection, sql, List.of());
  }

  private static List<List<String>> rows(Connection connection, String sql, List<String> parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setString(i + 1, parameters.get(i));
      }
      List<List<String>> result = new ArrayList<>();
      try (ResultSet resultSet = statement.executeQuery()) {
        int columns = resultSet.getMetaData().getColumnCount();
        while (resultSet.next()) {
          List<String> row = new ArrayList<>();
          for (int column = 1; column <= columns; column++) {
            row.add(resultSet.getString(column));
          }
          result.add(row);
        }
      }
      return result;
    }
  }
}
