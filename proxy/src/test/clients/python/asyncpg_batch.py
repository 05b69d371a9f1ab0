"""asyncpg executemany through Meshgate, for the audit of transactions (ClientMatrixIT).

executemany sends Parse once, then Bind/Execute for every row and a single Sync: all rows run in
one implicit transaction, so when the last row fails the rows before it are rolled back too.
The last row here is outside alice's region, which Meshgate's row filter check refuses (42501).
The connection comes from the libpq environment that the test sets. Prints one JSON object.
"""

import asyncio
import datetime
import json
from decimal import Decimal

import asyncpg


async def main():
    connection = await asyncpg.connect()
    try:
        sql = ("INSERT INTO sales.store_transactions (store_id, day, amount, region)"
               " VALUES (1, $1, $2, $3)")
        # Typed values, encoded binary by the types PostgreSQL describes for the parameters (date,
        # numeric, text): Meshgate's new-row check must leave those the types of the columns, as
        # PostgreSQL infers them for the client's own statement, or asyncpg refuses the values.
        day = datetime.date(2026, 6, 4)
        rows = [(day, Decimal("7201.01"), "EU"), (day, Decimal("7201.02"), "EU"), (day, Decimal("7201.03"), "US")]
        sqlstate = None
        message = None
        try:
            await connection.executemany(sql, rows)
        except asyncpg.PostgresError as error:
            sqlstate = error.sqlstate
            message = str(error)
        print(json.dumps({"version": asyncpg.__version__, "sql": sql, "sqlstate": sqlstate, "message": message}))
    finally:
        await connection.close()


asyncio.run(main())
