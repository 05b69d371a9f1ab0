"""psycopg2 through Meshgate, for the client matrix (ClientMatrixIT).

psycopg2 binds parameters in the client: every execute sends one simple-protocol Query with
the values quoted into the SQL text, after an implicit BEGIN when autocommit is off. The
connection comes from the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE,
PGSSLMODE) that the test sets. The script checks what only it can see (exception types, the
connection's transaction status) and prints what it read as one JSON object on stdout; the
Java test compares that with the backend's own data. Any failed check exits non-zero.
"""

import datetime
import decimal
import json
import sys

import psycopg2
import psycopg2.errors
import psycopg2.extensions

THRESHOLDS = [10 * index for index in range(8)]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    connection = psycopg2.connect("application_name=client-matrix-psycopg2")
    result = {"client": "psycopg2", "version": psycopg2.__version__, "server_version": connection.server_version}
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT region, count(*) FROM sales.store_transactions WHERE region IN (%s, %s) GROUP BY region",
                ("EU", "US"))
            result["counts_by_region"] = {region: count for region, count in cursor.fetchall()}
            check(connection.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INTRANS,
                  "psycopg2 should have opened a transaction with BEGIN")

            # The client quotes the value into the text; a quote inside it must survive the rewrite.
            cursor.execute("SELECT count(*) FROM customers.customers WHERE name <> %s", ("O'Brien",))
            result["customers_not_named"] = cursor.fetchone()[0]

            cursor.execute("SELECT min(store_id) FROM sales.stores WHERE zip_code <> %s", ("",))
            store = cursor.fetchone()[0]
            check(store is not None, "the user sees no store at all")
            cursor.execute(
                "SELECT customer_email FROM sales.store_transactions WHERE store_id = %s "
                "ORDER BY transaction_id LIMIT %s", (store, 20))
            result["emails"] = [row[0] for row in cursor.fetchall()]

            counts = []
            for threshold in THRESHOLDS:
                cursor.execute("SELECT count(*) FROM sales.store_transactions WHERE amount > %s",
                               (decimal.Decimal(threshold),))
                counts.append(cursor.fetchone()[0])
            result["repeated"] = {"thresholds": THRESHOLDS, "counts": counts}

            cursor.execute(
                "SELECT transaction_id, day, amount FROM sales.store_transactions WHERE day >= %s "
                "ORDER BY transaction_id LIMIT 5", (datetime.date(2025, 1, 1),))
            result["typed_rows"] = ["%d|%s|%s" % (row[0], row[1].isoformat(), row[2]) for row in cursor.fetchall()]
        connection.commit()
        result["denied"] = denied_then_usable(connection)
    finally:
        connection.close()
    json.dump(result, sys.stdout)
    print()


def denied_then_usable(connection):
    """A refusal raises with 42501, aborts the transaction, and rollback makes it usable again."""
    observed = {}
    with connection.cursor() as cursor:
        try:
            cursor.execute("SELECT * FROM weather.stations_raw WHERE zip_code = %s", ("10115",))
            raise AssertionError("the query on weather.stations_raw was not refused")
        except psycopg2.errors.InsufficientPrivilege as denied:
            observed["sqlstate"] = denied.pgcode
            observed["message"] = denied.diag.message_primary
        check(connection.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INERROR,
              "after the refusal the transaction should be failed, was %s" % connection.get_transaction_status())
        try:
            cursor.execute("SELECT count(*) FROM sales.stores")
            raise AssertionError("a statement in the failed transaction was not refused")
        except psycopg2.errors.InFailedSqlTransaction as aborted:
            observed["in_failed_transaction"] = aborted.pgcode
    connection.rollback()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sales.stores WHERE store_id > %s", (0,))
        observed["stores_after_rollback"] = cursor.fetchone()[0]
    connection.commit()
    return observed


if __name__ == "__main__":
    main()
