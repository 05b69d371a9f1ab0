"""SQLAlchemy 2 (over psycopg 3) through Meshgate, for the client matrix (ClientMatrixIT).

What ORMs and notebooks do first: reflect a table (columns, primary key, foreign keys, indexes,
unique constraints, through SQLAlchemy's own catalog queries, which use unnest() in select lists)
and then query it through the reflected Table, and read it into rows as pandas' read_sql_table
does. The connection comes from the libpq environment the test sets (an empty psycopg URL). The
script prints what it read as one JSON object on stdout; the Java test compares that with the
backend's own catalog and data. Any failure exits non-zero.
"""

import json

import sqlalchemy
from sqlalchemy import MetaData, Table, func, inspect, select


def main():
    engine = sqlalchemy.create_engine(
        "postgresql+psycopg://", connect_args={"application_name": "client-matrix-sqlalchemy"})
    try:
        inspector = inspect(engine)
        result = {
            "version": sqlalchemy.__version__,
            "default_schema": inspector.default_schema_name,
            "tables": sorted(inspector.get_table_names(schema="sales")),
            "columns": [column["name"] for column in inspector.get_columns("store_transactions", schema="sales")],
            "primary_key": inspector.get_pk_constraint("store_transactions", schema="sales")["constrained_columns"],
            "foreign_keys": sorted(
                key["referred_table"] + "(" + ",".join(key["referred_columns"]) + ")"
                for key in inspector.get_foreign_keys("store_transactions", schema="sales")),
            "indexes": sorted(index["name"] for index in inspector.get_indexes("store_transactions", schema="sales")),
            "unique": sorted(constraint["name"]
                             for constraint in inspector.get_unique_constraints("stores", schema="sales")),
        }
        transactions = Table("store_transactions", MetaData(), autoload_with=engine, schema="sales")
        result["reflected_columns"] = list(transactions.columns.keys())
        with engine.connect() as connection:
            counts = connection.execute(
                select(transactions.c.region, func.count()).group_by(transactions.c.region)).all()
            result["counts_by_region"] = {region: count for region, count in counts}
            emails = connection.execute(
                select(transactions.c.customer_email).order_by(transactions.c.transaction_id).limit(20)).scalars()
            result["emails"] = list(emails)
        print(json.dumps(result))
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
