"""asyncpg through Meshgate, for the client matrix (ClientMatrixIT).

asyncpg is the driver behind FastAPI apps and many notebooks. It speaks only the extended
protocol: every statement is prepared under a name (Parse, Describe), bound and executed; a
cursor is a portal read with Execute and a row limit; a result column of a type it has no
codec for yet (arrays, ranges, enums) makes it introspect the type first, wrapping its catalog
query in set_config('jit', ...); and its pool resets a connection with one multi-statement
query whenever the application gives it back. The connection comes from the libpq environment (PGHOST,
PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE) that the test sets. The script checks what
only it can see (statement names, exception types, whether it introspected) and prints what it
read as one JSON object on stdout; the Java test compares that with the backend's own data.
Any failed check exits non-zero.
"""

import asyncio
import datetime
import decimal
import io
import json

import asyncpg
from asyncpg import exceptions

THRESHOLDS = [10 * index for index in range(8)]
CURSOR_PREFETCH = 10


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class IntrospectionCounter(asyncpg.Connection):
    """Counts asyncpg's type introspections, so the test knows they ran through Meshgate."""

    introspections = 0

    async def _introspect_types(self, *args, **kwargs):
        IntrospectionCounter.introspections += 1
        return await super()._introspect_types(*args, **kwargs)


async def parameterized(connection):
    """Parameters bound on the server: a filtered count and masked e-mail addresses."""
    rows = await connection.fetch(
        "SELECT region, count(*) FROM sales.store_transactions WHERE region = ANY($1::text[]) GROUP BY region",
        ["EU", "US"])
    store = await connection.fetchval("SELECT min(store_id) FROM sales.stores WHERE zip_code <> $1", "")
    check(store is not None, "the user sees no store at all")
    emails = await connection.fetch(
        "SELECT customer_email FROM sales.store_transactions WHERE store_id = $1 ORDER BY transaction_id LIMIT $2",
        store, 20)
    return {region: count for region, count in rows}, [row["customer_email"] for row in emails]


async def prepared(connection):
    """One statement prepared under a name and executed again with other parameters."""
    statement = await connection.prepare("SELECT count(*) FROM sales.store_transactions WHERE amount > $1")
    check(statement.get_name() != "", "asyncpg prepared an unnamed statement")
    counts = [await statement.fetchval(threshold) for threshold in THRESHOLDS]
    return {"thresholds": THRESHOLDS, "counts": counts, "statement": statement.get_name()}


async def cursor(connection):
    """A cursor in a transaction: a portal read CURSOR_PREFETCH rows per Execute, then a
    scrollable one moved and read in pieces."""
    rows, regions, emails = 0, set(), []
    async with connection.transaction():
        async for record in connection.cursor(
                "SELECT customer_id, region, email FROM customers.customers WHERE customer_id > $1 ORDER BY customer_id",
                0, prefetch=CURSOR_PREFETCH):
            rows += 1
            regions.add(record["region"])
            emails.append(record["email"])
        scrollable = await connection.cursor("SELECT customer_id FROM customers.customers ORDER BY customer_id")
        first = [record["customer_id"] for record in await scrollable.fetch(3)]
        await scrollable.forward(2)
        sixth = (await scrollable.fetchrow())["customer_id"]
    return {"rows": rows, "regions": sorted(regions), "emails": emails[:20], "first": first, "sixth": sixth}


async def copy_out(connection):
    """COPY (query) TO STDOUT of a governed query with a parameter (asyncpg writes it in)."""
    output = io.BytesIO()
    status = await connection.copy_from_query(
        "SELECT region, customer_email FROM sales.store_transactions WHERE amount > $1", 20,
        output=output, format="csv")
    lines = output.getvalue().decode("utf-8").splitlines()
    return {"status": status, "rows": len(lines), "regions": sorted({line.split(",")[0] for line in lines}),
            "emails": sorted({line.split(",", 1)[1] for line in lines if line.split(",", 1)[1]})}


async def copy_table(connection):
    """COPY table TO STDOUT (copy_from_table) is governed like SELECT; COPY FROM STDIN into a
    filtered, masked table (copy_records_to_table, binary) is refused with 0A000 and the
    connection stays usable."""
    output = io.BytesIO()
    status = await connection.copy_from_table(
        "store_transactions", schema_name="sales", columns=["region", "customer_email"], output=output, format="csv")
    lines = output.getvalue().decode("utf-8").splitlines()
    observed = {"status": status, "rows": len(lines), "regions": sorted({line.split(",")[0] for line in lines}),
                "emails": sorted({line.split(",", 1)[1] for line in lines if line.split(",", 1)[1]})}
    try:
        await connection.copy_records_to_table(
            "store_transactions", schema_name="sales",
            records=[(9999999, 1, datetime.date(2025, 1, 1), decimal.Decimal("1.00"), None, "EU")])
        raise AssertionError("COPY FROM into sales.store_transactions was not refused")
    except exceptions.FeatureNotSupportedError as refused:
        observed["copy_in_sqlstate"] = refused.sqlstate
    observed["stores_after_refusal"] = await connection.fetchval("SELECT count(*) FROM sales.stores")
    return observed


async def introspected(connection):
    """Columns of types asyncpg has no codec for until it reads the catalog: an integer array,
    a numeric array and a range, next to a masked e-mail inside jsonb."""
    before = IntrospectionCounter.introspections
    rows = await connection.fetch(
        "SELECT ARRAY[store_id, store_id + 1] AS ids, ARRAY[amount]::numeric[] AS amounts,"
        " numrange(amount, amount + 1) AS span, jsonb_build_object('email', customer_email) AS doc"
        " FROM sales.store_transactions WHERE amount > $1 ORDER BY transaction_id LIMIT 5", 0)
    check(IntrospectionCounter.introspections > before, "asyncpg introspected no type")
    return {
        "introspections": IntrospectionCounter.introspections - before,
        "rows": ["%s|%s|%s" % (row["ids"], [str(amount) for amount in row["amounts"]], row["span"].lower)
                 for row in rows],
        "emails": [json.loads(row["doc"])["email"] for row in rows],
    }


async def pooled():
    """A pool of one connection, as FastAPI apps use asyncpg: every release resets the
    connection (pg_advisory_unlock_all(), CLOSE ALL, UNLISTEN *, RESET ALL in one query), and
    the next acquire must get a working, still governed connection. A custom jsonb codec makes
    asyncpg look the type up by name; executemany runs one prepared statement per argument."""
    counts, emails = [], []
    pool = await asyncpg.create_pool(min_size=1, max_size=1,
                                     server_settings={"application_name": "client-matrix-asyncpg-pool"})
    try:
        for threshold in THRESHOLDS[:3]:
            async with pool.acquire() as connection:
                counts.append(await connection.fetchval(
                    "SELECT count(*) FROM sales.store_transactions WHERE amount > $1", threshold))
        async with pool.acquire() as connection:
            await connection.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
            documents = await connection.fetch(
                "SELECT jsonb_build_object('email', customer_email) AS doc FROM sales.store_transactions"
                " WHERE customer_email IS NOT NULL ORDER BY transaction_id LIMIT 5")
            emails = [row["doc"]["email"] for row in documents]
            await connection.executemany("SELECT count(*) FROM sales.stores WHERE store_id > $1", [(1,), (2,)])
    finally:
        await pool.close()
    return {"thresholds": THRESHOLDS[:3], "counts": counts, "emails": emails}


async def denied_then_usable(connection):
    """A refusal raises with 42501; in a transaction the rest fails until rollback, and the
    connection is usable afterwards."""
    observed = {}
    try:
        await connection.fetch("SELECT * FROM weather.stations_raw WHERE zip_code = $1", "10115")
        raise AssertionError("the query on weather.stations_raw was not refused")
    except exceptions.InsufficientPrivilegeError as denied:
        observed["sqlstate"] = denied.sqlstate
        observed["message"] = denied.message
    transaction = connection.transaction()
    await transaction.start()
    try:
        await connection.fetch("SELECT * FROM weather.stations_raw LIMIT 1")
        raise AssertionError("the query on weather.stations_raw was not refused in a transaction")
    except exceptions.InsufficientPrivilegeError:
        pass
    try:
        await connection.fetchval("SELECT count(*) FROM sales.stores")
        raise AssertionError("a statement in the failed transaction was not refused")
    except exceptions.InFailedSQLTransactionError as aborted:
        observed["in_failed_transaction"] = aborted.sqlstate
    await transaction.rollback()
    observed["stores_after_rollback"] = await connection.fetchval("SELECT count(*) FROM sales.stores")
    return observed


async def main():
    connection = await asyncpg.connect(connection_class=IntrospectionCounter,
                                       server_settings={"application_name": "client-matrix-asyncpg"})
    try:
        result = {"client": "asyncpg", "version": asyncpg.__version__}
        result["counts_by_region"], result["emails"] = await parameterized(connection)
        result["prepared"] = await prepared(connection)
        result["cursor"] = await cursor(connection)
        result["copy"] = await copy_out(connection)
        result["copy_table"] = await copy_table(connection)
        result["introspected"] = await introspected(connection)
        result["denied"] = await denied_then_usable(connection)
    finally:
        await connection.close()
    result["pool"] = await pooled()
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
