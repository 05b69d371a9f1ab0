package io.meshgate.rewriter.apply;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.RelationName;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Policy expressions that would follow the client's session settings are policy errors. */
class SessionIndependenceTest {
  private static final TableSchema ORDERS = new TableSchema(
      new RelationName("mesh", "sales", "orders"),
      List.of(new ColumnSchema("amount", "numeric(12,2)"), new ColumnSchema("region", "text"),
          new ColumnSchema("zip_code", "character varying(10)"), new ColumnSchema("day", "date"),
          new ColumnSchema("created_at", "timestamp(3) with time zone"),
          new ColumnSchema("booked", "timestamp without time zone"),
          new ColumnSchema("opens", "time without time zone"),
          new ColumnSchema("opens_zoned", "time with time zone"),
          new ColumnSchema("duration", "interval"), new ColumnSchema("ratio", "double precision"),
          new ColumnSchema("price", "money"), new ColumnSchema("payload", "bytea"),
          new ColumnSchema("period", "tstzrange"), new ColumnSchema("tags", "text[]"),
          new ColumnSchema("quantity", "integer"), new ColumnSchema("words", "tsvector")));

  private static final String CONTEXT = "row filter for sales.orders";

  private static SqlRefusal refusedFilter(String expression) {
    return assertThrows(SqlRefusal.class,
        () -> ExpressionValidator.validate(expression, ORDERS, CONTEXT));
  }

  private static SqlRefusal refusedMask(String expression, String column) {
    return assertThrows(SqlRefusal.class, () -> ExpressionValidator.validateMask(expression,
        ORDERS, ORDERS.column(column).orElseThrow(), CONTEXT));
  }

  private static void assertPolicyError(SqlRefusal refusal, String problem) {
    assertEquals("42501", refusal.sqlState());
    assertEquals(SqlRefusal.Reason.POLICY_ERROR, refusal.reason());
    assertTrue(refusal.getMessage().startsWith("policy error in " + CONTEXT + ": "),
        refusal.getMessage());
    assertTrue(refusal.getMessage().contains(problem),
        "expected \"" + problem + "\" in: " + refusal.getMessage());
    assertTrue(refusal.getMessage().endsWith(
        "(policy expressions must not depend on session settings)"), refusal.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "amount < 10000 OR region = 'US'",
      "day >= DATE '2025-01-01'",
      "day >= '2025-01-01'",
      "day BETWEEN DATE '2025-01-01' AND '2025-12-31'",
      "day IN (DATE '2025-01-01', '2025-01-02')",
      "created_at >= TIMESTAMPTZ '2025-01-01 00:00:00+00'",
      "created_at >= '2025-01-01T00:00:00Z'",
      "created_at >= TIMESTAMP WITH TIME ZONE '2025-01-01 00:00:00+05:30'",
      "created_at < now()",
      "created_at < current_timestamp",
      "created_at > now() - interval '720 hours'",
      "created_at > now() - interval '24' hour",
      "created_at > clock_timestamp() - interval '1:30'",
      "day >= (now() AT TIME ZONE 'UTC')::date - 30",
      "day = (now() AT TIME ZONE 'Europe/Berlin')::date",
      "(created_at AT TIME ZONE 'UTC')::date >= DATE '2025-01-01'",
      "created_at AT TIME ZONE 'UTC' >= TIMESTAMP '2025-01-01 00:00:00'",
      "booked AT TIME ZONE 'UTC' >= created_at",
      "pg_catalog.date_trunc('day', created_at, 'UTC') = TIMESTAMPTZ '2025-01-01 00:00:00+00'",
      "date_trunc('day', created_at AT TIME ZONE 'UTC') < booked",
      "date_trunc('month', day::timestamp) = TIMESTAMP '2025-01-01 00:00:00'",
      "extract(hour from created_at AT TIME ZONE 'UTC') < 12",
      "extract(epoch from created_at) > 0",
      "extract(year from day) = 2024",
      "date_part('year', day) = 2024",
      "day + 7 > DATE '2025-01-01'",
      "day - DATE '2025-01-01' > 30",
      "booked - interval '1 day' > day",
      "booked < day + interval '1 day'",
      "age(booked, TIMESTAMP '2025-01-01 00:00:00') < interval '30 days'",
      "to_char(booked, 'YYYY-MM-DD') = '2025-01-01'",
      "to_char(amount, '999,999.99') <> ''",
      "to_char(amount, 'FMPL999SG') <> ''",
      "to_char(booked, '\"Total\" YYYY \"TM\"') <> ''",
      "to_char(amount, '\"Gold\" 999') <> ''",
      "opens < TIME '08:00:00'",
      "opens_zoned < TIME WITH TIME ZONE '08:00:00+00'",
      "duration < interval '2 days'",
      "justify_days(duration) < interval '1 month'",
      "make_date(2025, 1, 1) <= day",
      "make_timestamptz(2025, 1, 1, 0, 0, 0, 'UTC') <= created_at",
      "date_bin(interval '15 minutes', created_at, TIMESTAMPTZ '2025-01-01 00:00:00+00') < now()",
      "isfinite(created_at)",
      "coalesce(day, DATE '2025-01-01') > '2024-12-31'",
      "CASE WHEN region = 'EU' THEN day ELSE DATE '2025-01-01' END > '2024-01-01'",
      "ratio < 0.5 AND round(ratio::numeric, 2) = 0.25",
      "abs(ratio) < 1",
      "ratio::numeric::text LIKE '0.%'",
      "left(zip_code, 3) || 'xx' = '101xx'",
      "lower(region) LIKE 'e%' OR region IS NULL",
      "upper(region) || amount::text = 'EU1'",
      "quantity % 3 <> 0",
      "'EU' = ANY (tags)",
      "encode(sha256(payload), 'hex') <> ''",
      "encode(payload || '\\x00', 'hex') <> ''",
      "tags || tags = tags",
      "to_timestamp(1735689600) < created_at",
      "current_user = 'alice'",
      "to_tsvector('english', region) @@ to_tsquery('english', 'eu')",
      "words @@ 'cat & dog'",
      "'cat' @@ words",
      "words @@ plainto_tsquery('simple', region)",
      "sqrt(quantity) > 2",
      "sqrt(amount)::text <> ''",
      "sqrt(quantity::numeric)::text <> ''",
      "power(quantity, 2.0)::text <> ''",
      "abs(quantity)::text <> ''",
      "to_regnamespace('sales') IS NOT NULL",
      "numrange(amount, 10.0) @> 5.0",
      "isempty(int4range(quantity, 10))"})
  void sessionIndependentFiltersPass(String expression) {
    assertDoesNotThrow(() -> ExpressionValidator.validate(expression, ORDERS, CONTEXT));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '#', quoteCharacter = '"', value = {
      // the session's time zone: the current date and time of day there
      "day >= current_date - 30#current_date is computed in the client's time zone",
      "day >= CURRENT_DATE#current_date is computed in the client's time zone",
      "opens < current_time#current_time is computed in the client's time zone",
      "opens < localtime#localtime is computed in the client's time zone",
      "booked < localtimestamp#localtimestamp is computed in the client's time zone",
      "booked < localtimestamp(0)#localtimestamp is computed in the client's time zone",
      "region <> timeofday()#timeofday is computed in the client's time zone",
      "region = current_setting('app.region')#current_setting reads a setting the client can SET",
      "region = current_schema#current_schema follows the client's search_path",
      // timestamptz converted to or from a zone-less type
      "created_at::date = DATE '2025-01-01'#converting a timestamp with time zone to a date",
      "CAST(created_at AS date) = DATE '2025-01-01'#converting a timestamp with time zone to a date",
      "created_at::timestamp < booked#converting a timestamp with time zone to a timestamp",
      "created_at::text LIKE '2025%'#converting a timestamp with time zone to text",
      "created_at::time < TIME '08:00:00'#converting a timestamp with time zone to a time",
      "booked::timestamptz < now()#converting a timestamp to a timestamp with time zone",
      "day::timestamp with time zone < now()#converting a date to a timestamp with time zone",
      "created_at >= DATE '2025-01-01'#comparing or combining a timestamp with time zone with a date",
      "created_at >= day#comparing or combining a timestamp with time zone with a date",
      "created_at >= booked#comparing or combining a timestamp with time zone with a timestamp",
      "created_at >= TIMESTAMP '2025-01-01 00:00:00'#comparing or combining a timestamp with time zone with a timestamp",
      "created_at BETWEEN DATE '2025-01-01' AND now()#comparing or combining a timestamp with time zone with a date",
      "coalesce(created_at, day) > now()#comparing or combining a timestamp with time zone with a date",
      "booked - created_at > interval '1 hour'#comparing or combining a timestamp with time zone with a timestamp",
      "day AT TIME ZONE 'UTC' > booked#a date AT TIME ZONE is first converted",
      "opens AT TIME ZONE 'UTC' > opens_zoned#a time AT TIME ZONE is first given",
      "opens = opens_zoned#comparing a time with a time with time zone",
      // instants given without an offset, and other spellings read by DateStyle
      "created_at >= '2025-01-01'#as a timestamp with time zone is read in the client's time zone",
      "created_at >= TIMESTAMPTZ '2025-01-01 00:00:00'#as a timestamp with time zone is read in the client's time zone",
      "created_at >= 'today'#as a timestamp with time zone is read in the client's time zone",
      "'2025-01-01 10:00' AT TIME ZONE 'UTC' < booked#as a timestamp with time zone is read",
      "day >= '01/02/2025'#as a date is read by the client's DateStyle",
      "day >= '01/02/2025'::date#as a date is read by the client's DateStyle",
      "day >= DATE '02.01.2025'#as a date is read by the client's DateStyle",
      "day >= 'today'#as a date is read by the client's DateStyle",
      "booked >= 'Jan 2 2025'#as a timestamp is read by the client's DateStyle",
      "opens_zoned < '08:00'#takes the client's offset",
      "region::date = day#converting \"region\" to a date reads it by the client's DateStyle",
      // days on an instant follow the zone's daylight saving time
      "created_at > now() - interval '30 days'#follows the daylight saving time of the client's time zone",
      "created_at > now() - interval '1' day#follows the daylight saving time of the client's time zone",
      "created_at + duration > now()#follows the daylight saving time of the client's time zone",
      "created_at + '1 day' > now()#follows the daylight saving time of the client's time zone",
      "duration > interval '-1 day 2 hours'#with a minus sign is read differently under the client's IntervalStyle",
      // functions that work in the session's zone
      "date_trunc('day', created_at) = TIMESTAMPTZ '2025-01-01 00:00:00+00'#date_trunc of a timestamp with time zone",
      "date_trunc('month', day) = TIMESTAMP '2025-01-01 00:00:00'#date_trunc of a date",
      "extract(hour from created_at) < 12#extracting hour from a timestamp with time zone",
      "date_part('dow', created_at) = 1#extracting dow from a timestamp with time zone",
      "age(created_at) < interval '30 days'#age with one argument",
      "age(day, DATE '2020-01-01') < interval '30 days'#age of a date",
      "age(now(), created_at) < interval '30 days'#age of a timestamp with time zone",
      "to_char(created_at, 'YYYY') = '2025'#to_char of a timestamp with time zone",
      "to_char(day, 'YYYY') = '2025'#to_char of a date",
      "to_char(booked, 'TMMonth') = 'January'#in the client's lc_time",
      "to_char(amount, '999D99') = '1.00'#from the client's lc_numeric and lc_monetary",
      "to_number(region, '999G999') > 0#from the client's lc_numeric and lc_monetary",
      "to_timestamp(region, 'YYYY-MM-DD') < now()#to_timestamp(text, format) reads the text in the client's time zone",
      "make_timestamptz(2025, 1, 1, 0, 0, 0) < created_at#make_timestamptz without its time zone",
      "date_bin(interval '1 day', day, DATE '2025-01-01') < booked#date_bin over a date",
      // text forms of values that follow a setting
      "day::text = '2025-01-01'#the text form of a date",
      "'d' || day = 'd2025-01-01'#the text form of a date",
      "booked::varchar(20) LIKE '2025%'#the text form of a timestamp",
      "duration::text = '1 day'#the text form of an interval",
      "ratio::text = '0.1'#follows the client's extra_float_digits",
      "region || ratio = 'x'#follows the client's extra_float_digits",
      "concat(region, ratio) = 'x'#follows the client's extra_float_digits",
      "format('%s', day) = 'x'#the text form of a date",
      "payload::text = 'x'#follows the client's bytea_output",
      "lower(region) || payload = 'x'#follows the client's bytea_output",
      "lower(region) || ratio = 'x'#follows the client's extra_float_digits",
      "lower(region) || duration = 'x'#the text form of an interval",
      "sqrt(quantity)::text = '1.4142135623730951'#follows the client's extra_float_digits",
      "power(quantity, 2)::text = '4'#follows the client's extra_float_digits",
      "log(quantity) || region = 'x'#follows the client's extra_float_digits",
      "concat(region, pi()) = 'x'#follows the client's extra_float_digits",
      "cbrt(amount)::text = '2'#follows the client's extra_float_digits",
      "ts_rank(words, to_tsquery('english', 'eu'))::text = '0.1'#follows the client's extra_float_digits",
      "pg_postmaster_start_time()::text > '2025'#converting a timestamp with time zone to text",
      "concat(pg_conf_load_time()) > '2025'#converting a timestamp with time zone to text",
      // names looked up by the client's search path
      "to_regclass('orders_admins') IS NOT NULL#by the client's search_path",
      "to_regtype('mood') IS NULL#by the client's search_path",
      "has_table_privilege('orders_admins', 'SELECT')#by the client's search_path",
      "pg_table_is_visible(quantity)#by the client's search_path",
      "format_type(quantity, NULL) = 'integer'#by the client's search_path",
      "pg_get_expr(region, quantity) = 'x'#by the client's search_path",
      "day::text LIKE '2025%'#the text form of a date",
      "price > 0::money#lc_monetary",
      "amount::money > '10'#lc_monetary",
      // the client's default_text_search_config
      "to_tsvector(region) @@ to_tsquery('english', 'eu')#to_tsvector without a text search configuration",
      "words @@ to_tsquery('eu')#to_tsquery without a text search configuration",
      "region @@ 'eu'#@@ over text without a text search configuration",
      "words @@ region#@@ over text without a text search configuration",
      "lower(region) @@ 'eu'#@@ over text without a text search configuration",
      // what Meshgate cannot read is refused when a time type may be involved
      "period @> now()#cannot tell",
      "period @> '2025-01-01 00:00:00+00'#cannot tell",
      "lower(period) < now()#cannot tell whether",
      "md5(created_at) = 'x'#cannot tell whether",
      "length(booked) > 0#cannot tell whether",
      "'[2025-01-01,2026-01-01)'::tstzrange @> created_at#cannot tell",
      "upper(tstzrange('2025-01-01 00:00', '2026-01-01 00:00'))::text > '2025'#cannot tell",
      "isempty(tstzrange('2025-01-01 00:00', '2025-01-01 00:00+05'))#cannot tell",
      "lower_inf(daterange('01/02/2025', '12/31/2025'))#cannot tell",
      "upper(tsrange('Jan 2 2025', 'Jan 3 2025')) IS NULL#cannot tell"})
  void sessionDependentFiltersArePolicyErrors(String expression, String problem) {
    assertPolicyError(refusedFilter(expression), problem);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '#', quoteCharacter = '"', value = {
      "left(zip_code, 3) || 'xx'#zip_code",
      "'hidden'#region",
      "(date_trunc('day', created_at AT TIME ZONE 'UTC')) AT TIME ZONE 'UTC'#created_at",
      "pg_catalog.date_trunc('day', created_at, 'UTC')#created_at",
      "date_trunc('month', booked)#booked",
      "date_trunc('month', booked)::date#day",
      "(created_at AT TIME ZONE 'UTC')::date#day",
      "make_date(extract(year from day)::int, 1, 1)#day",
      "DATE '2025-01-01'#day",
      "'2025-01-01'#day",
      "to_char(booked, 'YYYY-MM')#region",
      "round(ratio::numeric, 1)#ratio",
      "round(ratio::numeric, 1)#amount",
      "NULL#created_at",
      "case when quantity > 10 then 'many' else region end#region"})
  void sessionIndependentMasksPass(String expression, String column) {
    assertDoesNotThrow(() -> ExpressionValidator.validateMask(expression, ORDERS,
        ORDERS.column(column).orElseThrow(), CONTEXT));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '#', quoteCharacter = '"', value = {
      // the mask's result is cast back to the column's type in the client's session
      "date_trunc('day', created_at AT TIME ZONE 'UTC')#created_at#converting a timestamp to a timestamp with time zone",
      "(created_at AT TIME ZONE 'UTC')::date#created_at#converting a date to a timestamp with time zone",
      "'2025-01-01'#created_at#as a timestamp with time zone is read in the client's time zone",
      "'01/02/2025'#day#as a date is read by the client's DateStyle",
      "day#region#the text form of a date",
      "ratio * 2#region#follows the client's extra_float_digits",
      "created_at#booked#converting a timestamp with time zone to a timestamp",
      "now()#region#converting a timestamp with time zone to text",
      // the expression itself
      "date_trunc('day', created_at)#created_at#date_trunc of a timestamp with time zone",
      "created_at::date#day#converting a timestamp with time zone to a date",
      "to_char(created_at, 'YYYY-MM-DD')#region#to_char of a timestamp with time zone",
      "current_date#day#current_date is computed in the client's time zone",
      "lower(period)#period#cannot tell whether",
      "sqrt(quantity)#region#follows the client's extra_float_digits",
      "'x' || pi()#region#follows the client's extra_float_digits"})
  void sessionDependentMasksArePolicyErrors(String expression, String column, String problem) {
    assertPolicyError(refusedMask(expression, column), problem);
  }
}
