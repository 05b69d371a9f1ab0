package io.meshgate.rewriter.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.rewriter.Decisions;
import io.meshgate.rewriter.DemoCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import java.io.StringReader;
import java.util.Locale;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Names PostgreSQL reads that Calcite reserves: quoted where PostgreSQL can only mean a name,
 * left alone where they are syntax or a function. {@code proxy/.../clients/BiToolQueriesIT} and
 * {@code ClientMatrixIT} (asyncpg's {@code AS new}) run such statements on PostgreSQL.
 */
class CalciteReservedNamesTest {
  private final StatementAnalyzer analyzer = new StatementAnalyzer(
      new DemoCatalog().add("events", "log", "id", "integer", "pattern", "text", "measure", "numeric",
          "uuid", "uuid", "ordinal", "integer", "day", "date"),
      DemoCatalog.DATABASE);

  private static final String LOG =
      "(SELECT \"id\", \"pattern\", \"measure\", \"uuid\", \"ordinal\", \"day\" FROM \"events\".\"log\")";

  private String forwarded(String sql) throws SqlRefusal {
    return analyzer.analyze(sql, DemoCatalog.SEARCH_PATH).rewrite(Decisions.allow().build());
  }

  @Test
  void calciteStillReservesEveryListedWord() {
    SqlAbstractParserImpl.Metadata metadata = SqlBabelParserImpl.FACTORY.getParser(new StringReader("")).getMetadata();
    java.util.List<String> notReserved = CalciteReservedNames.words().stream()
        .filter(word -> !metadata.isReservedWord(word.toUpperCase(Locale.ROOT))).sorted().toList();
    assertEquals(java.util.List.of(), notReserved, "no longer reserved by Calcite: remove them from CalciteReservedNames");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // output aliases: PostgreSQL reads any word after AS as one
      "SELECT count(*) AS new FROM events.log|SELECT count(*) AS \"new\" FROM $log AS \"log\"",
      "SELECT id AS rows, id AS range, id AS partition, id AS current, id AS next FROM events.log"
          + "|SELECT \"id\" AS \"rows\", \"id\" AS \"range\", \"id\" AS \"partition\", \"id\" AS \"current\","
          + " \"id\" AS \"next\" FROM $log AS \"log\"",
      // a select list item's name may be any keyword (Metabase's privilege columns), before AS interval is read as one
      "SELECT id AS table, id AS select, id AS interval, id AS join FROM events.log"
          + "|SELECT \"id\" AS \"table\", \"id\" AS \"select\", \"id\" AS \"interval\", \"id\" AS \"join\""
          + " FROM $log AS \"log\"",
      // columns SQLAlchemy leaves unquoted (not PostgreSQL keywords), bare and qualified
      "SELECT pattern, measure, uuid, l.ordinal FROM events.log l WHERE pattern <> 'x' ORDER BY ordinal"
          + "|SELECT \"pattern\", \"measure\", \"uuid\", \"l\".\"ordinal\" FROM $log AS \"l\""
          + " WHERE (\"pattern\" <> 'x') ORDER BY \"ordinal\"",
      // a FROM alias and its qualified columns
      "SELECT snapshot.id FROM events.log AS snapshot WHERE snapshot.pattern IS NULL"
          + "|SELECT \"snapshot\".\"id\" FROM $log AS \"snapshot\" WHERE (\"snapshot\".\"pattern\" IS NULL)",
      // syntax stays syntax: window frames, types, functions of the same name
      "SELECT sum(id) OVER (PARTITION BY pattern ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM events.log"
          + "|SELECT (sum(\"id\") OVER (PARTITION BY \"pattern\" ORDER BY \"id\" ROWS BETWEEN 1 PRECEDING AND CURRENT ROW))"
          + " FROM $log AS \"log\"",
      "SELECT CAST(pattern AS uuid), pattern::uuid, date_part('year', day) FROM events.log"
          + "|SELECT CAST(\"pattern\" AS UUID), CAST(\"pattern\" AS UUID), DATE_PART('year', \"day\")"
          + " FROM $log AS \"log\""})
  void namesAreQuotedAndSyntaxIsNot(String sql, String expected) throws SqlRefusal {
    assertEquals(expected.replace("$log", LOG), forwarded(sql));
  }

  @Test
  void beforeAParenthesisTheWordIsLeftToCalcite() {
    // a FROM alias with column names, AS uuid(a): a known limit, refused rather than guessed
    assertEquals("42601", assertThrows(SqlRefusal.class,
        () -> forwarded("SELECT a FROM events.log AS uuid(a)")).sqlState());
  }

  @Test
  void aStatementWordAfterAsIsANameOnlyWhereItNamesASelectListItem() throws SqlRefusal {
    assertEquals("SELECT \"id\" AS \"insert\", \"id\" AS \"collate\" FROM " + LOG + " AS \"log\"",
        forwarded("SELECT id AS insert, id AS collate FROM events.log"));
    // PREPARE p AS INSERT ...: INSERT after AS starts a statement; not quoted, so not read as an alias
    assertEquals("42601", assertThrows(SqlRefusal.class,
        () -> forwarded("SELECT id FROM events.log AS insert")).sqlState());
  }
}
