package io.meshgate.rewriter.ddl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.DdlAction;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.DemoCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.Token;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A DDL statement refused while it is read names its action for the audit log when, and only
 * when, its words make the action certain. Each refusal goes through the analyzer, as a client's
 * statement would.
 */
class DdlActionWordsTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer(
      new DemoCatalog().addIndex("sales", "stores_zip", "stores"), DemoCatalog.DATABASE);

  /** The action the words of {@code sql} state, as the analyzer would attach it. */
  static Optional<DdlAction> wordsOf(String sql) {
    try {
      return DdlActionWords.of(PgLexer.tokenize(sql).stream().filter(token -> token.type().isSignificant()).toList());
    } catch (LexicalException e) {
      throw new AssertionError(sql, e);
    }
  }

  private SqlRefusal refused(String sql, String sqlState) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH), sql);
    assertEquals(sqlState, refusal.sqlState(), refusal.getMessage());
    assertEquals(Optional.of(StatementKind.DDL), refusal.statementKind(), sql);
    return refusal;
  }

  private void assertRefusedAs(String sql, String sqlState, DdlAction action) {
    assertEquals(Optional.of(action), refused(sql, sqlState).ddlAction(), sql);
  }

  @Test
  void cascadeNamesTheActionItWouldWiden() {
    assertRefusedAs("DROP TABLE sales.stores CASCADE", "0A000", DdlAction.DROP_TABLE);
    assertRefusedAs("drop table if exists gone, sales.stores cascade", "0A000", DdlAction.DROP_TABLE);
    assertRefusedAs("TRUNCATE sales.stores CASCADE", "0A000", DdlAction.TRUNCATE);
    assertRefusedAs("DROP INDEX sales.stores_zip CASCADE", "0A000", DdlAction.DROP_INDEX);
    assertRefusedAs("ALTER TABLE sales.stores DROP COLUMN region CASCADE", "0A000", DdlAction.DROP_COLUMN);
    assertRefusedAs("ALTER TABLE sales.stores DROP region CASCADE", "0A000", DdlAction.DROP_COLUMN);
  }

  @Test
  void aTargetThatDoesNotExistOrIsReservedStillHasItsAction() {
    assertRefusedAs("DROP TABLE sales.gone", "42P01", DdlAction.DROP_TABLE);
    assertRefusedAs("TRUNCATE TABLE ONLY gone", "42P01", DdlAction.TRUNCATE);
    assertRefusedAs("DROP INDEX IF EXISTS sales.gone_index", "42P01", DdlAction.DROP_INDEX);
    assertRefusedAs("CREATE INDEX ON sales.gone (a)", "42P01", DdlAction.CREATE_INDEX);
    assertRefusedAs("COMMENT ON TABLE gone IS 'x'", "42P01", DdlAction.COMMENT);
    assertRefusedAs("COMMENT ON COLUMN sales.gone.a IS NULL", "42P01", DdlAction.COMMENT);
    // The ALTER TABLE action is known before its target is looked up.
    assertRefusedAs("ALTER TABLE IF EXISTS gone ADD COLUMN a int", "42P01", DdlAction.ADD_COLUMN);
    assertRefusedAs("ALTER TABLE ONLY sales.gone ADD a int", "42P01", DdlAction.ADD_COLUMN);
    assertRefusedAs("ALTER TABLE gone ADD IF NOT EXISTS a int", "42P01", DdlAction.ADD_COLUMN);
    assertRefusedAs("ALTER TABLE gone ADD \"check\" int", "42P01", DdlAction.ADD_COLUMN);
    assertRefusedAs("ALTER TABLE gone DROP IF EXISTS a", "42P01", DdlAction.DROP_COLUMN);
    assertRefusedAs("ALTER TABLE gone RENAME COLUMN a TO b", "42P01", DdlAction.RENAME_COLUMN);
    assertRefusedAs("ALTER TABLE gone RENAME a TO b", "42P01", DdlAction.RENAME_COLUMN);
    assertRefusedAs("ALTER TABLE gone RENAME TO b", "42P01", DdlAction.RENAME_TABLE);
    assertRefusedAs("CREATE TABLE pg_catalog.x (a int)", "42501", DdlAction.CREATE_TABLE);
    assertRefusedAs("DROP TABLE meshgate.data_products", "42501", DdlAction.DROP_TABLE);
    assertRefusedAs("ALTER TABLE pg_class ADD COLUMN a int", "42501", DdlAction.ADD_COLUMN);
  }

  /**
   * Every CREATE TABLE creates a table, whatever follows the name: a query (CREATE TABLE ... AS
   * runs and stores it, which is why it is refused), a partition, options, a temporary or
   * unlogged table.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TABLE sales.x AS SELECT * FROM sales.stores",
      "create table sales.x as table sales.stores",
      "CREATE TABLE IF NOT EXISTS sales.x (a) AS SELECT 1",
      "CREATE TABLE sales.x AS EXECUTE p",
      "CREATE TABLE sales.x PARTITION OF sales.stores FOR VALUES IN (1)",
      "CREATE TABLE sales.x (a int) INHERITS (sales.stores)",
      "CREATE TABLE sales.x (a int REFERENCES sales.stores (store_id))",
      "CREATE TABLE sales.x (a int DEFAULT $1)",
      "CREATE TEMP TABLE x (a int)",
      "CREATE TEMPORARY TABLE x AS SELECT 1",
      "CREATE GLOBAL TEMPORARY TABLE x (a int)",
      "CREATE LOCAL TEMP TABLE x (a int)",
      "CREATE UNLOGGED TABLE sales.x (a int)",
  })
  void everyCreateTableIsCreateTable(String sql) {
    assertRefusedAs(sql, "0A000", DdlAction.CREATE_TABLE);
  }

  @Test
  void formsOfAnActionThatAreNotGovernedStillHaveIt() {
    assertRefusedAs("CREATE INDEX ON sales.stores ((lower(region)))", "0A000", DdlAction.CREATE_INDEX);
    assertRefusedAs("CREATE UNIQUE INDEX ON sales.stores USING gin (region)", "0A000", DdlAction.CREATE_INDEX);
    assertRefusedAs("ALTER TABLE sales.stores ADD COLUMN a int REFERENCES sales.stores (store_id)", "0A000",
        DdlAction.ADD_COLUMN);
    assertRefusedAs("TRUNCATE sales.stores *", "0A000", DdlAction.TRUNCATE);
    assertRefusedAs("DROP TABLE $1", "0A000", DdlAction.DROP_TABLE);
    // Several commands, all adding a column (a comma inside brackets or parentheses separates none).
    assertRefusedAs("ALTER TABLE sales.stores ADD COLUMN a int[] DEFAULT ARRAY[1, 2], ADD b numeric(4, 2)",
        "0A000", DdlAction.ADD_COLUMN);
  }

  @Test
  void aMalformedRestKeepsTheActionItsWordsState() {
    assertRefusedAs("DROP TABLE sales.stores junk", "42601", DdlAction.DROP_TABLE);
    assertRefusedAs("ALTER TABLE sales.stores ADD COLUMN a int NOT NULL garbage", "42601", DdlAction.ADD_COLUMN);
    assertRefusedAs("COMMENT ON TABLE sales.stores IS 'x' 'y' z", "42601", DdlAction.COMMENT);
    assertRefusedAs("CREATE TABLE sales.x (a int", "42601", DdlAction.CREATE_TABLE);
  }

  /** An action the words leave open, one the contract has no word for, or a statement of several: none. */
  @ParameterizedTest
  @ValueSource(strings = {
      "GRANT SELECT ON sales.stores TO public",
      "REVOKE ALL ON sales.stores FROM public",
      "CREATE VIEW sales.v AS SELECT * FROM sales.stores",
      "CREATE TEMP VIEW v AS SELECT 1",
      "CREATE TEMPORARY SEQUENCE s",
      "CREATE UNLOGGED SEQUENCE sales.s",
      "CREATE GLOBAL TABLE sales.x (a int)",
      "CREATE MATERIALIZED VIEW sales.v AS SELECT 1",
      "CREATE FOREIGN TABLE sales.f (a int) SERVER s",
      "CREATE OR REPLACE TABLE sales.x (a int)",
      "CREATE SEQUENCE sales.s",
      "DROP VIEW sales.v",
      "DROP FOREIGN TABLE sales.f",
      "DROP SEQUENCE sales.s",
      "COMMENT ON SCHEMA sales IS 'x'",
      "COMMENT ON VIEW sales.v IS 'x'",
      "REINDEX TABLE sales.stores",
      "CLUSTER sales.stores",
      "ALTER VIEW sales.v RENAME TO w",
      "ALTER INDEX sales.stores_zip RENAME TO z",
      "ALTER TABLE sales.stores ALTER COLUMN region TYPE int",
      "ALTER TABLE sales.stores ADD CONSTRAINT c UNIQUE (region)",
      "ALTER TABLE sales.stores ADD PRIMARY KEY (store_id)",
      "ALTER TABLE sales.stores ADD UNIQUE (region)",
      "ALTER TABLE sales.stores ADD CHECK (store_id > 0)",
      "ALTER TABLE sales.stores ADD FOREIGN KEY (store_id) REFERENCES sales.stores (store_id)",
      "ALTER TABLE sales.stores ADD EXCLUDE USING btree (region WITH =)",
      "ALTER TABLE gone ADD CONSTRAINT c UNIQUE (region)",
      "ALTER TABLE sales.stores ADD",
      "ALTER TABLE sales.stores ADD (a int)",
      "ALTER TABLE sales.stores DROP CONSTRAINT c",
      "ALTER TABLE sales.stores RENAME CONSTRAINT c TO d",
      "ALTER TABLE sales.stores ADD COLUMN a int, DROP COLUMN region",
      "ALTER TABLE sales.stores ADD COLUMN a int, ADD CONSTRAINT c UNIQUE (a)",
      "ALTER TABLE sales.stores RENAME a TO b, RENAME c TO d",
      "ALTER TABLE sales.stores OWNER TO mallory",
      "ALTER TABLE sales.stores SET SCHEMA customers",
      "ALTER TABLE sales.stores ENABLE ROW LEVEL SECURITY",
      "ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b",
      "ALTER TABLE",
      "DROP",
  })
  void anUncertainActionIsNone(String sql) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> analyzer.analyze(sql, DemoCatalog.SEARCH_PATH), sql);
    assertEquals(Optional.of(StatementKind.DDL), refusal.statementKind(), sql);
    assertEquals(Optional.empty(), refusal.ddlAction(), sql + ": " + refusal.getMessage());
  }

  @Test
  void onlyTheLeadingWordsCount() {
    // A comment, case and quoting change nothing; the same words later in the statement do not count.
    assertEquals(Optional.of(DdlAction.DROP_TABLE), wordsOf("/* x */ Drop\n TABLE sales.stores"));
    assertEquals(Optional.empty(), wordsOf("\"drop\" table sales.stores"));
    assertEquals(Optional.empty(), wordsOf("CREATE FUNCTION f() RETURNS void AS 'DROP TABLE x' LANGUAGE sql"));
    List<Token> none = List.of();
    assertEquals(Optional.empty(), DdlActionWords.of(none));
  }

  @Test
  void aRefusalOfAnotherKindTakesNoAction() {
    SqlRefusal select = new SqlRefusal(SqlRefusal.Reason.NOT_GOVERNED, "no", StatementKind.SELECT);
    assertThrows(IllegalArgumentException.class, () -> select.withDdlAction(DdlAction.DROP_TABLE));
    SqlRefusal unknown = new SqlRefusal(SqlRefusal.Reason.NOT_GOVERNED, "no");
    SqlRefusal drop = unknown.withDdlAction(DdlAction.DROP_TABLE);
    assertEquals(Optional.of(StatementKind.DDL), drop.statementKind());
    assertEquals(Optional.of(DdlAction.DROP_TABLE), drop.ddlAction());
    assertEquals("no", drop.getMessage());
    // A known action stays; attaching the kind again keeps it.
    assertEquals(Optional.of(DdlAction.DROP_TABLE), drop.withDdlAction(DdlAction.TRUNCATE).ddlAction());
    assertEquals(Optional.of(DdlAction.DROP_TABLE), drop.withStatementKind(StatementKind.DDL).ddlAction());
    assertEquals(Optional.empty(), unknown.withStatementKind(StatementKind.DDL).ddlAction());
  }
}
