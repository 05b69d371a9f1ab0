package io.meshgate.rewriter.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.apply.ExpressionValidator;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresMaskRendererTest {
  private static final RelationName ORDERS = new RelationName("mesh", "sales", "orders");
  private static final TableSchema TABLE = new TableSchema(ORDERS, List.of(
      new ColumnSchema("note", "text"),
      new ColumnSchema("code", "character varying(10)"),
      new ColumnSchema("amount", "numeric(12,2)"),
      new ColumnSchema("quantity", "integer"),
      new ColumnSchema("ratio", "double precision"),
      new ColumnSchema("day", "date"),
      new ColumnSchema("created", "timestamp without time zone"),
      new ColumnSchema("seen", "timestamp(3) with time zone"),
      new ColumnSchema("flag", "boolean"),
      new ColumnSchema("tags", "text[]")));

  private static String render(ColumnMask mask, String column) throws SqlRefusal {
    ColumnSchema schema = TABLE.column(column).orElseThrow();
    MaskTarget target = new MaskTarget(ORDERS, schema,
        (expression, context) -> ExpressionValidator.validateMask(expression, TABLE, schema, context));
    return PostgresUnparser.unparse(PostgresMaskRenderer.INSTANCE.render(mask, target), List.of());
  }

  @Test
  void nullKeepsTheType() throws SqlRefusal {
    assertEquals("CAST(NULL AS numeric(12,2))", render(new ColumnMask.Null(), "amount"));
    assertEquals("CAST(NULL AS text[])", render(new ColumnMask.Null(), "tags"));
  }

  @Test
  void redactText() throws SqlRefusal {
    String text = "pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace("
        + "pg_catalog.regexp_replace(CAST(\"note\" AS pg_catalog.text), '(?![[:lower:][:upper:]])[[:alpha:]]',"
        + " 'x', 'g'), '[[:upper:]]', 'X', 'g'), '[[:lower:]]', 'x', 'g'), '[[:digit:]]', '0', 'g')";
    assertEquals(text, render(new ColumnMask.Redact(), "note"));
    assertEquals("CAST(" + text.replace("\"note\"", "\"code\"") + " AS character varying(10))",
        render(new ColumnMask.Redact(), "code"));
  }

  @Test
  void redactNumbersGoesThroughText() throws SqlRefusal {
    assertEquals("CAST(pg_catalog.regexp_replace(CAST(\"amount\" AS pg_catalog.text), '[[:digit:]]', '0', 'g')"
        + " AS numeric(12,2))", render(new ColumnMask.Redact(), "amount"));
    assertEquals("CAST(pg_catalog.regexp_replace(CAST(\"quantity\" AS pg_catalog.text), '[[:digit:]]', '0',"
        + " 'g') AS integer)", render(new ColumnMask.Redact(), "quantity"));
  }

  @Test
  void constantIsCastToTheColumnType() throws SqlRefusal {
    assertEquals("CAST('1970-01-01' AS date)", render(new ColumnMask.Constant("1970-01-01"), "day"));
    assertEquals("CAST('it''s' AS text)", render(new ColumnMask.Constant("it's"), "note"));
  }

  @Test
  void hash() throws SqlRefusal {
    assertEquals("pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(('pepper''s' ||"
            + " CAST(\"note\" AS pg_catalog.text)), 'UTF8')), 'hex')",
        render(new ColumnMask.Hash("pepper's"), "note"));
    assertEquals("CAST(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(('' ||"
            + " CAST(\"code\" AS pg_catalog.text)), 'UTF8')), 'hex') AS character varying(10))",
        render(new ColumnMask.Hash(""), "code"));
  }

  @Test
  void showLastAndFirst() throws SqlRefusal {
    assertEquals("pg_catalog.lpad(pg_catalog.right(CAST(\"note\" AS pg_catalog.text), 4),"
            + " pg_catalog.char_length(CAST(\"note\" AS pg_catalog.text)), 'x')",
        render(new ColumnMask.ShowLast(4), "note"));
    assertEquals("CAST(pg_catalog.rpad(pg_catalog.left(CAST(\"code\" AS pg_catalog.text), 2),"
            + " pg_catalog.char_length(CAST(\"code\" AS pg_catalog.text)), 'x') AS character varying(10))",
        render(new ColumnMask.ShowFirst(2), "code"));
  }

  @Test
  void email() throws SqlRefusal {
    assertEquals("pg_catalog.regexp_replace(pg_catalog.regexp_replace(CAST(\"note\" AS pg_catalog.text),"
            + " '^[^@]*$', 'xxxx'), '^.*@', 'xxxx@')",
        render(new ColumnMask.Email(), "note"));
  }

  @Test
  void truncateDate() throws SqlRefusal {
    assertEquals("CAST(pg_catalog.date_trunc('month', \"day\") AS date)",
        render(new ColumnMask.TruncateDate(ColumnMask.DateUnit.MONTH), "day"));
    assertEquals("CAST(pg_catalog.date_trunc('year', \"created\") AS timestamp without time zone)",
        render(new ColumnMask.TruncateDate(ColumnMask.DateUnit.YEAR), "created"));
    assertEquals("CAST(pg_catalog.date_trunc('day', \"seen\", 'UTC') AS timestamp(3) with time zone)",
        render(new ColumnMask.TruncateDate(ColumnMask.DateUnit.DAY), "seen"));
  }

  @Test
  void round() throws SqlRefusal {
    assertEquals("CAST(pg_catalog.round(CAST(\"amount\" AS numeric), -2) AS numeric(12,2))",
        render(new ColumnMask.Round(-2), "amount"));
    assertEquals("CAST(pg_catalog.round(CAST(\"ratio\" AS numeric), 1) AS double precision)",
        render(new ColumnMask.Round(1), "ratio"));
  }

  @Test
  void expressionOverOwnColumns() throws SqlRefusal {
    assertEquals("CAST((CASE WHEN (\"quantity\" > 10) THEN 'many' ELSE \"note\" END) AS text)",
        render(new ColumnMask.Expression("case when orders.quantity > 10 then 'many' else note end"),
            "note"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "email|amount|numeric(12,2)",
      "hash|amount|numeric(12,2)",
      "show_last|day|date",
      "show_first|quantity|integer",
      "redact|day|date",
      "redact|flag|boolean",
      "redact|tags|text[]",
      "truncate_date|note|text",
      "truncate_date|amount|numeric(12,2)",
      "round|note|text",
      "round|created|timestamp without time zone"})
  void masksThatDoNotFitTheTypeArePolicyErrors(String function, String column, String type) {
    ColumnMask mask = switch (function) {
      case "email" -> new ColumnMask.Email();
      case "hash" -> new ColumnMask.Hash("s");
      case "show_last" -> new ColumnMask.ShowLast(4);
      case "show_first" -> new ColumnMask.ShowFirst(4);
      case "redact" -> new ColumnMask.Redact();
      case "truncate_date" -> new ColumnMask.TruncateDate(ColumnMask.DateUnit.DAY);
      case "round" -> new ColumnMask.Round(0);
      default -> throw new IllegalArgumentException(function);
    };
    SqlRefusal refusal = assertThrows(SqlRefusal.class, () -> render(mask, column));
    assertEquals("42501", refusal.sqlState());
    assertEquals(SqlRefusal.Reason.POLICY_ERROR, refusal.reason());
    assertEquals("policy error: mask '" + function + "' cannot apply to column " + column + " ("
        + type + ") of sales.orders", refusal.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "customers.email|only the table's own columns may be named, not customers.email",
      "(select max(note) from orders)|subqueries are not allowed",
      "max(note)|aggregate and window functions are not allowed",
      "nosuch|column nosuch does not exist"})
  void expressionMasksAreValidated(String expression, String problem) {
    SqlRefusal refusal = assertThrows(SqlRefusal.class,
        () -> render(new ColumnMask.Expression(expression), "note"));
    assertEquals("policy error in mask for column note of sales.orders: " + problem,
        refusal.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "text|TEXT", "character varying(100)|TEXT", "character(3)|TEXT", "varchar|TEXT",
      "name|TEXT", "citext|TEXT", "public.citext|TEXT", "integer|NUMERIC", "bigint|NUMERIC",
      "numeric(12,2)|NUMERIC", "double precision|NUMERIC", "real|NUMERIC", "date|DATE",
      "timestamp without time zone|TIMESTAMP", "timestamp(3) with time zone|TIMESTAMP",
      "boolean|OTHER", "text[]|OTHER", "\"MyText\"|OTHER", "jsonb|OTHER", "other.text|OTHER"})
  void typeCategories(String type, PostgresTypes.Category category) {
    assertEquals(category, PostgresTypes.categorize(type));
  }
}
