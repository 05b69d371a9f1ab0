"""psycopg 3 through Meshgate, for the client matrix (ClientMatrixIT).

psycopg 3 binds parameters on the server (extended protocol), prepares a statement under a
name once it ran prepare_threshold times, and reads results in text or binary format. The
connection comes from the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE,
PGSSLMODE) that the test sets. This script checks what only it can see (the protocol trace of
its own connection, the exception types) and prints what it read as one JSON object on stdout;
the Java test compares that with the backend's own data. Any failed check exits non-zero.
"""

import contextlib
import json
import sys
import tempfile

import psycopg
from psycopg import errors, pq

STATEMENT_REPEATS = 8


def check(condition, message):
    if not condition:
        raise AssertionError(message)


@contextlib.contextmanager
def protocol_trace(connection):
    """libpq writes every protocol message of the connection to a file; yields a function that
    ends the trace and returns its lines."""
    with tempfile.NamedTemporaryFile("w+", suffix=".trace", encoding="utf-8", errors="replace") as trace_file:
        connection.pgconn.trace(trace_file.fileno())
        connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

        def lines():
            # untrace flushes libpq's buffered writes; reading before it could miss the last ones.
            connection.pgconn.untrace()
            trace_file.seek(0)
            return trace_file.read().splitlines()

        try:
            yield lines
        finally:
            connection.pgconn.untrace()


def prepared_counts(connection):
    """The same query past prepare_threshold: psycopg switches to a named, prepared statement."""
    thresholds = [10 * index for index in range(STATEMENT_REPEATS)]
    counts = []
    with protocol_trace(connection) as trace, connection.cursor() as cursor:
        for threshold in thresholds:
            cursor.execute("SELECT count(*) FROM sales.store_transactions WHERE amount > %s", (threshold,))
            counts.append(cursor.fetchone()[0])
        lines = trace()
    named_parses = [line for line in lines if "\tParse\t" in line and '"_pg3_' in line]
    named_binds = [line for line in lines if "\tBind\t" in line and '"_pg3_' in line]
    check(len(named_parses) == 1, "expected one named Parse after prepare_threshold, trace had: %s" % named_parses)
    check(len(named_binds) >= 2, "expected the named statement to be bound again, trace had: %s" % named_binds)
    return {"thresholds": thresholds, "counts": counts, "named_binds": len(named_binds)}


def evicted_statements(connection):
    """More prepared statements than prepared_max: when a new query enters its cache, psycopg
    closes the oldest prepared statement (a Close message with libpq 17 and later, DEALLOCATE
    before), and a statement prepared again must give the same answers."""
    connection.prepared_max = 1
    stores = "SELECT count(*) FROM sales.stores WHERE store_id > %s"
    customers = "SELECT count(*) FROM customers.customers WHERE customer_id > %s"
    temperatures = "SELECT count(*) FROM weather.daily_temperatures WHERE min_temp > %s"
    counts = {}
    with protocol_trace(connection) as trace, connection.cursor() as cursor:
        for label, query in (("stores", stores), ("customers", customers), ("temperatures", temperatures),
                             ("stores_again", stores)):
            answers = set()
            for _ in range(STATEMENT_REPEATS):
                cursor.execute(query, (-1000,) if label == "temperatures" else (0,))
                answers.add(cursor.fetchone()[0])
            check(len(answers) == 1, "%s answered differently on repeated executions: %s" % (label, answers))
            counts[label] = answers.pop()
        lines = trace()
    connection.commit()
    closes = [line for line in lines if "\tClose\t" in line and '"_pg3_' in line]
    deallocates = [line for line in lines if "DEALLOCATE" in line and "_pg3_" in line]
    check(closes or deallocates, "psycopg closed no prepared statement although prepared_max was exceeded")
    check(counts["stores"] == counts["stores_again"],
          "the statement prepared again answered differently: %s" % counts)
    counts.update({"closes": len(closes), "deallocates": len(deallocates)})
    return counts


def main():
    result = {"client": "psycopg", "version": psycopg.__version__, "libpq": pq.version()}
    with psycopg.connect(prepare_threshold=5, application_name="client-matrix-psycopg3") as connection:
        result["server_version"] = connection.info.server_version
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT region, count(*) FROM sales.store_transactions WHERE region IN (%s, %s) GROUP BY region",
                ("EU", "US"))
            result["counts_by_region"] = {region: count for region, count in cursor.fetchall()}

            store = visible_store(cursor)
            cursor.execute(
                "SELECT customer_email FROM sales.store_transactions WHERE store_id = %s ORDER BY transaction_id LIMIT %s",
                (store, 20))
            result["emails"] = [row[0] for row in cursor.fetchall()]
        connection.commit()

        result["prepared"] = prepared_counts(connection)
        connection.commit()

        with connection.cursor(binary=True) as cursor:
            cursor.execute(
                "SELECT transaction_id, day, amount FROM sales.store_transactions WHERE amount > %s "
                "ORDER BY transaction_id LIMIT 5", (0,))
            result["binary_rows"] = ["%d|%s|%s" % (row[0], row[1].isoformat(), row[2]) for row in cursor.fetchall()]
        connection.commit()

        result["denied"] = denied_then_usable(connection)
        result["evicted"] = evicted_statements(connection)
    json.dump(result, sys.stdout)
    print()


def visible_store(cursor):
    """A store the user may see: the filter decides which, so ask through Meshgate."""
    cursor.execute("SELECT min(store_id) FROM sales.stores WHERE zip_code <> %s", ("",))
    store = cursor.fetchone()[0]
    check(store is not None, "the user sees no store at all")
    return store


def denied_then_usable(connection):
    """A refusal raises with 42501, aborts the transaction, and rollback makes it usable again."""
    observed = {}
    with connection.cursor() as cursor:
        try:
            cursor.execute("SELECT * FROM weather.stations_raw WHERE zip_code = %s", ("10115",))
            raise AssertionError("the query on weather.stations_raw was not refused")
        except errors.InsufficientPrivilege as denied:
            observed["sqlstate"] = denied.sqlstate
            observed["message"] = denied.diag.message_primary
        check(connection.info.transaction_status == pq.TransactionStatus.INERROR,
              "after the refusal the transaction should be failed, was %s" % connection.info.transaction_status)
        try:
            cursor.execute("SELECT count(*) FROM sales.stores")
            raise AssertionError("a statement in the failed transaction was not refused")
        except errors.InFailedSqlTransaction as aborted:
            observed["in_failed_transaction"] = aborted.sqlstate
    connection.rollback()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sales.stores WHERE store_id > %s", (0,))
        observed["stores_after_rollback"] = cursor.fetchone()[0]
    connection.commit()
    return observed


if __name__ == "__main__":
    main()
