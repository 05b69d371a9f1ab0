'use strict';
// node-postgres through Meshgate, for the client matrix (ClientMatrixIT).
//
// node-postgres sends a query without values as one simple-protocol Query, a query with values
// as unnamed Parse/Bind/Describe/Execute/Sync, a named query as Parse once and Bind after, and
// pg-cursor reads a portal in portions: Execute with a row limit and Flush without Sync, so
// the server answers PortalSuspended until the rows run out. The connection comes from the
// libpq-style environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE) that the
// test sets; node-postgres reads the same variables. The script checks what only it can see and
// prints what it read as one JSON object on stdout; the Java test compares that with the
// backend's own data. Any failed check exits non-zero.

const assert = require('node:assert/strict');
const { Client } = require('pg');
const Cursor = require('pg-cursor');

const CURSOR_BATCH = 10;
const THRESHOLDS = [0, 10, 20, 30, 40, 50, 60, 70];

async function main() {
  const client = new Client({
    application_name: 'client-matrix-node-postgres',
    // Sent as startup parameters, as the compatibility notes say node-postgres may do.
    statement_timeout: 20000,
  });
  await client.connect();
  const result = { client: 'node-postgres', version: require('pg/package.json').version };
  try {
    const timeout = await client.query('SHOW statement_timeout');
    result.statement_timeout = timeout.rows[0].statement_timeout;

    const simple = await client.query(
      'SELECT region, count(*) AS transactions FROM sales.store_transactions GROUP BY region ORDER BY region');
    result.counts_by_region = Object.fromEntries(simple.rows.map((row) => [row.region, Number(row.transactions)]));

    const store = await client.query('SELECT min(store_id) AS store FROM sales.stores WHERE zip_code <> $1', ['']);
    assert.notEqual(store.rows[0].store, null, 'the user sees no store at all');
    const emails = await client.query({
      text: 'SELECT customer_email FROM sales.store_transactions WHERE store_id = $1 ORDER BY transaction_id LIMIT $2',
      values: [store.rows[0].store, 20],
      rowMode: 'array',
    });
    result.emails = emails.rows.map((row) => row[0]);

    // One parameter used twice: the rewriter must keep both references bound to $1.
    const between = await client.query(
      'SELECT count(*) AS transactions FROM sales.store_transactions WHERE amount > $1 AND amount < $1 + 10', [20]);
    result.amount_between_20_and_30 = Number(between.rows[0].transactions);

    const counts = [];
    for (const threshold of THRESHOLDS) {
      const named = await client.query({
        name: 'client-matrix-amount-over',
        text: 'SELECT count(*) AS transactions FROM sales.store_transactions WHERE amount > $1',
        values: [threshold],
      });
      counts.push(Number(named.rows[0].transactions));
    }
    result.named = { thresholds: THRESHOLDS, counts };

    result.cursor = await readInPortions(client);
    result.denied = await deniedThenUsable(client);
  } finally {
    await client.end();
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function readInPortions(client) {
  const cursor = client.query(new Cursor(
    'SELECT customer_id, email, region FROM customers.customers WHERE customer_id > $1 ORDER BY customer_id', [0]));
  const observed = { batches: 0, rows: 0, regions: [], emails: [], largest_batch: 0 };
  const regions = new Set();
  for (;;) {
    const rows = await cursor.read(CURSOR_BATCH);
    if (rows.length === 0) {
      break;
    }
    observed.batches += 1;
    observed.rows += rows.length;
    observed.largest_batch = Math.max(observed.largest_batch, rows.length);
    for (const row of rows) {
      regions.add(row.region);
      if (observed.emails.length < 30) {
        observed.emails.push(row.email);
      }
    }
  }
  await cursor.close();
  observed.regions = [...regions].sort();
  assert.ok(observed.largest_batch <= CURSOR_BATCH, `a read returned ${observed.largest_batch} rows`);
  return observed;
}

async function deniedThenUsable(client) {
  const observed = {};
  // Once through the simple protocol, once through the extended protocol.
  await assert.rejects(client.query('SELECT * FROM weather.stations_raw LIMIT 1'), (error) => {
    observed.simple_code = error.code;
    observed.message = error.message;
    return true;
  });
  await assert.rejects(client.query('SELECT * FROM weather.stations_raw WHERE zip_code = $1', ['10115']), (error) => {
    observed.extended_code = error.code;
    return true;
  });
  const after = await client.query('SELECT count(*) AS stores FROM sales.stores WHERE store_id > $1', [0]);
  observed.stores_after_refusal = Number(after.rows[0].stores);
  return observed;
}

main().catch((error) => {
  process.stderr.write(`node-postgres client failed: ${error.stack || error}\n`);
  if (error.code) {
    process.stderr.write(`SQLSTATE ${error.code}\n`);
  }
  process.exit(1);
});
