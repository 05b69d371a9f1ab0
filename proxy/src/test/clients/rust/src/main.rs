//! Rust's PostgreSQL clients through Meshgate, for the client matrix (ClientMatrixIT).
//!
//! tokio-postgres prepares every statement under a name (`s0`, `s1`, ...: Parse, Describe
//! statement, Sync; then Bind, Execute, Sync) with binary parameters and results, looks up any
//! type OID it does not know with its own catalog queries (prepared as `typeinfo`,
//! `typeinfo_enum`, ...), reads portals with a row limit, pipelines concurrent queries on one
//! connection (the next query's messages leave before the previous one's results arrive), and
//! cancels through a new connection. sqlx prepares too (`sqlx_s_N`), from a pool.
//!
//! Usage: `meshgate-rust-client SCENARIO` where SCENARIO is `tokio-postgres`, `sqlx` or
//! `copy-in FIRST_STORE_ID` (COPY FROM STDIN in text and binary). The
//! connection comes from the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)
//! that the test sets. The program checks what only it can see and prints what it read as one
//! JSON object on stdout; the Java test compares that with the backend's own data. Any failed
//! check exits non-zero.

use std::collections::BTreeSet;
use std::env;
use std::error::Error;
use std::io::Cursor;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use futures_util::{pin_mut, SinkExt, StreamExt, TryStreamExt};
use serde_json::{json, Map, Value};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::Row;
use tokio_postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutStream};
use tokio_postgres::config::TargetSessionAttrs;
use tokio_postgres::types::{FromSql, Kind, ToSql, Type};
use tokio_postgres::{Client, Config, GenericClient, IsolationLevel, NoTls, SimpleQueryMessage};

type Outcome<T> = Result<T, Box<dyn Error + Send + Sync>>;

const THRESHOLDS: [i32; 6] = [0, 10, 20, 30, 40, 50];
const PORTAL_ROWS: i32 = 10;
const COPIED_ROWS: i32 = 500;
const REFUSED: &str = "SELECT * FROM weather.stations_raw LIMIT 1";
// Sleeps far longer than the client waits, so only a cancellation ends it in time.
const CANCELLED: &str = "SELECT store_id, pg_sleep(60) FROM sales.stores ORDER BY store_id LIMIT 1";
// Created by the test in the backend before it runs this program: a type no client knows.
const CUSTOM_ENUM: &str = "public.meshgate_rust_region";
const CUSTOM_COMPOSITE: &str = "public.meshgate_rust_store";

fn check(condition: bool, message: &str) -> Outcome<()> {
    if condition {
        Ok(())
    } else {
        Err(format!("check failed: {message}").into())
    }
}

fn required_environment(name: &str) -> Outcome<String> {
    env::var(name).map_err(|_| format!("{name} is not set").into())
}

/// The version of a dependency as the committed Cargo.lock pins it.
fn locked_version(package: &str) -> String {
    let lock = include_str!("../Cargo.lock");
    let header = format!("name = \"{package}\"\nversion = \"");
    lock.find(&header)
        .map(|start| {
            let rest = &lock[start + header.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        })
        .unwrap_or_default()
}

/// The SQLSTATE and message of a server error; anything else is a failure of the program.
fn refusal(error: tokio_postgres::Error) -> Outcome<Value> {
    match error.as_db_error() {
        Some(database) => {
            Ok(json!({"sqlstate": database.code().code(), "message": database.message()}))
        }
        None => Err(Box::new(error)),
    }
}

/// A value of a type this program has no Rust type for, read from its binary form as UTF-8:
/// an enum's binary form is its label.
struct AnyValue {
    text: String,
}

impl<'a> FromSql<'a> for AnyValue {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn Error + Sync + Send>> {
        Ok(AnyValue {
            text: String::from_utf8(raw.to_vec())?,
        })
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

fn describe_kind(kind: &Kind) -> Value {
    match kind {
        Kind::Enum(labels) => json!({"enum": labels}),
        Kind::Array(element) => {
            json!({"array": element.name(), "element": describe_kind(element.kind())})
        }
        Kind::Simple => json!("simple"),
        Kind::Domain(base) => json!({"domain": base.name()}),
        other => json!(format!("{other:?}")),
    }
}

/// The one value of a query that returns one row of one column.
async fn scalar<T: for<'a> FromSql<'a>>(client: &impl GenericClient, sql: &str) -> Outcome<T> {
    Ok(client.query_one(sql, &[]).await?.try_get::<_, T>(0)?)
}

async fn tokio_postgres_connect() -> Outcome<Client> {
    let mut config = Config::new();
    config
        .host(&required_environment("PGHOST")?)
        .port(required_environment("PGPORT")?.parse()?)
        .user(&required_environment("PGUSER")?)
        .password(required_environment("PGPASSWORD")?)
        .dbname(&required_environment("PGDATABASE")?)
        .application_name("client-matrix-tokio-postgres")
        // Makes tokio-postgres ask SHOW transaction_read_only right after connecting.
        .target_session_attrs(TargetSessionAttrs::ReadWrite)
        .connect_timeout(Duration::from_secs(10));
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            eprintln!("tokio-postgres connection ended: {error}");
        }
    });
    Ok(client)
}

async fn tokio_postgres_scenario() -> Outcome<Value> {
    let mut client = tokio_postgres_connect().await?;
    let mut result = Map::new();
    result.insert("client".into(), json!("tokio-postgres"));
    result.insert("version".into(), json!(locked_version("tokio-postgres")));

    // A named statement with a declared parameter type, binary parameter and binary results.
    let statement = client
        .prepare_typed(
            "SELECT transaction_id, store_id, region, customer_email FROM sales.store_transactions \
             WHERE amount > $1 ORDER BY transaction_id LIMIT 20",
            &[Type::INT4],
        )
        .await?;
    let rows = client.query(&statement, &[&0i32]).await?;
    result.insert(
        "prepared".into(),
        json!({
            "rows": rows.iter().map(|row| format!("{}|{}|{}",
                row.get::<_, i64>(0), row.get::<_, i32>(1), row.get::<_, String>(2))).collect::<Vec<_>>(),
            "emails": rows.iter().filter_map(|row| row.get::<_, Option<String>>(3)).collect::<Vec<_>>(),
        }),
    );

    let counts_by_region = client
        .query(
            "SELECT region, count(*) FROM sales.store_transactions GROUP BY region",
            &[],
        )
        .await?;
    result.insert(
        "counts_by_region".into(),
        Value::Object(
            counts_by_region
                .iter()
                .map(|row| (row.get::<_, String>(0), json!(row.get::<_, i64>(1))))
                .collect(),
        ),
    );

    // query_raw: the rows as a stream, parameters from an iterator.
    let over = client
        .prepare("SELECT count(*) FROM sales.store_transactions WHERE amount > $1::int4")
        .await?;
    let mut streamed = Vec::new();
    for threshold in THRESHOLDS {
        let parameters: Vec<&(dyn ToSql + Sync)> = vec![&threshold];
        let rows: Vec<_> = client
            .query_raw(&over, parameters)
            .await?
            .try_collect()
            .await?;
        streamed.push(rows[0].get::<_, i64>(0));
    }
    result.insert(
        "query_raw".into(),
        json!({"thresholds": THRESHOLDS, "counts": streamed}),
    );

    // query_typed: one unnamed Parse, Bind, Describe portal, Execute and Sync, with no Describe
    // of the statement first (for poolers that do not keep prepared statements).
    let mut typed = Vec::new();
    for threshold in THRESHOLDS {
        let row = client
            .query_typed_one(
                "SELECT count(*) FROM sales.store_transactions WHERE amount > $1",
                &[(&threshold, Type::INT4)],
            )
            .await?;
        typed.push(row.get::<_, i64>(0));
    }
    result.insert(
        "query_typed".into(),
        json!({"thresholds": THRESHOLDS, "counts": typed}),
    );

    // A text[] parameter in binary.
    let regions = vec!["EU".to_string(), "US".to_string(), "APAC".to_string()];
    let by_region = client
        .query("SELECT region, count(*) FROM sales.store_transactions WHERE region = ANY($1) GROUP BY region", &[&regions])
        .await?;
    result.insert(
        "array_parameter".into(),
        Value::Object(
            by_region
                .iter()
                .map(|row| (row.get::<_, String>(0), json!(row.get::<_, i64>(1))))
                .collect(),
        ),
    );

    // Pipelined: every query's messages are written before the first answer is read; a refusal
    // in the middle fails only its own query.
    let parameters: Vec<[&(dyn ToSql + Sync); 1]> = THRESHOLDS
        .iter()
        .map(|threshold| [threshold as _])
        .collect();
    let pipelined = join_all(
        parameters
            .iter()
            .map(|parameter| client.query_one(&over, parameter)),
    )
    .await;
    let mut pipelined_counts = Vec::new();
    for answer in pipelined {
        pipelined_counts.push(answer?.get::<_, i64>(0));
    }
    let (before, refused, after) = tokio::join!(
        client.query_one("SELECT count(*) FROM sales.stores", &[]),
        client.query(REFUSED, &[]),
        client.query_one("SELECT count(*) FROM customers.customers", &[]),
    );
    result.insert(
        "pipelined".into(),
        json!({
            "thresholds": THRESHOLDS,
            "counts": pipelined_counts,
            "stores": before?.get::<_, i64>(0),
            "refused": refusal(refused.err().ok_or("the pipelined refusal ran")?)?,
            "customers": after?.get::<_, i64>(0),
        }),
    );

    // A refusal, then the same connection keeps working.
    let denied = refusal(
        client
            .query(REFUSED, &[])
            .await
            .err()
            .ok_or("weather.stations_raw was not refused")?,
    )?;
    let stores = scalar::<i64>(&client, "SELECT count(*) FROM sales.stores").await?;
    result.insert(
        "denied".into(),
        json!({"refused": denied, "stores_after_refusal": stores}),
    );

    result.insert("portal".into(), portal(&mut client).await?);
    result.insert("typeinfo".into(), typeinfo(&client).await?);
    result.insert("copy_out".into(), copy_out(&client).await?);
    result.insert("savepoint".into(), savepoint(&mut client).await?);
    result.insert("simple_query".into(), simple_query(&client).await?);
    result.insert("cancel".into(), cancel(&client).await?);
    Ok(Value::Object(result))
}

/// A portal read PORTAL_ROWS rows per Execute: PortalSuspended until the rows run out, the
/// portal kept open across Syncs by the transaction.
async fn portal(client: &mut Client) -> Outcome<Value> {
    let transaction = client.transaction().await?;
    let statement = transaction
        .prepare("SELECT customer_id, region, email FROM customers.customers WHERE customer_id > $1 ORDER BY customer_id")
        .await?;
    let portal = transaction.bind(&statement, &[&0i32]).await?;
    let (mut rows, mut batches) = (0usize, 0usize);
    let mut regions = BTreeSet::new();
    let mut emails = Vec::new();
    loop {
        let batch = transaction.query_portal(&portal, PORTAL_ROWS).await?;
        if batch.is_empty() {
            break;
        }
        batches += 1;
        rows += batch.len();
        for row in &batch {
            regions.insert(row.get::<_, String>(1));
            emails.push(row.get::<_, String>(2));
        }
    }
    // The portal streamed as a Stream too: query_portal_raw, one Execute with a row limit.
    let first: Vec<_> = transaction
        .query_portal_raw(&transaction.bind(&statement, &[&0i32]).await?, 3)
        .await?
        .map_ok(|row| row.get::<_, i32>(0))
        .try_collect()
        .await?;
    transaction.commit().await?;
    emails.truncate(20);
    Ok(
        json!({"rows": rows, "batches": batches, "batch_size": PORTAL_ROWS, "regions": regions,
        "emails": emails, "first": first}),
    )
}

/// A column of an enum and one of an array of it: types tokio-postgres does not know, so it
/// prepares its typeinfo queries on pg_type/pg_range/pg_namespace and pg_enum and runs them.
async fn typeinfo(client: &Client) -> Outcome<Value> {
    let statement = client
        .prepare(&format!(
            "SELECT region::{CUSTOM_ENUM} AS region, ARRAY[region::{CUSTOM_ENUM}] AS regions, customer_email \
             FROM sales.store_transactions WHERE amount > $1::int4 ORDER BY transaction_id LIMIT 5"))
        .await?;
    let columns = statement.columns();
    let rows = client.query(&statement, &[&0i32]).await?;
    // A composite type: tokio-postgres reads its fields from pg_attribute.
    let composite = client
        .prepare(&format!(
            "SELECT ROW(store_id, region)::{CUSTOM_COMPOSITE} AS store FROM sales.stores LIMIT 1"
        ))
        .await?;
    let fields = match composite.columns()[0].type_().kind() {
        Kind::Composite(fields) => fields
            .iter()
            .map(|field| format!("{} {}", field.name(), field.type_().name()))
            .collect(),
        _ => Vec::new(),
    };
    Ok(json!({
        "composite_fields": fields,
        "types": columns.iter().map(|column| column.type_().name()).collect::<Vec<_>>(),
        "region_kind": describe_kind(columns[0].type_().kind()),
        "regions_kind": describe_kind(columns[1].type_().kind()),
        "regions": rows.iter().map(|row| row.get::<_, AnyValue>(0).text).collect::<Vec<_>>(),
        "region_arrays": rows.iter().map(|row| row.get::<_, Vec<AnyValue>>(1).iter()
            .map(|value| value.text.clone()).collect::<Vec<_>>().join(",")).collect::<Vec<_>>(),
        "emails": rows.iter().filter_map(|row| row.get::<_, Option<String>>(2)).collect::<Vec<_>>(),
    }))
}

/// COPY (a governed query) TO STDOUT: the rows arrive as CopyData, filtered and masked.
async fn copy_out(client: &Client) -> Outcome<Value> {
    let stream = client
        .copy_out("COPY (SELECT region, customer_email FROM sales.store_transactions WHERE amount > 20) TO STDOUT (FORMAT csv)")
        .await?;
    let chunks: Vec<_> = stream.try_collect().await?;
    let mut text = String::new();
    for chunk in &chunks {
        text.push_str(std::str::from_utf8(chunk)?);
    }
    let lines: Vec<&str> = text.lines().collect();
    let regions: BTreeSet<&str> = lines
        .iter()
        .map(|line| line.split(',').next().unwrap_or(""))
        .collect();
    let emails: BTreeSet<&str> = lines
        .iter()
        .filter_map(|line| line.split_once(',').map(|pair| pair.1))
        .filter(|email| !email.is_empty())
        .collect();
    // The binary COPY format, decoded by tokio-postgres's BinaryCopyOutStream.
    let binary = client
        .copy_out("COPY (SELECT region, customer_email FROM sales.store_transactions WHERE amount > 20) TO STDOUT (FORMAT binary)")
        .await?;
    let binary_rows: Vec<_> = BinaryCopyOutStream::new(binary, &[Type::TEXT, Type::TEXT])
        .try_collect()
        .await?;
    let mut binary_regions = BTreeSet::new();
    let mut binary_emails = BTreeSet::new();
    for row in &binary_rows {
        binary_regions.insert(row.try_get::<String>(0)?);
        if let Some(email) = row.try_get::<Option<String>>(1)? {
            binary_emails.insert(email);
        }
    }
    Ok(
        json!({"rows": lines.len(), "regions": regions, "emails": emails,
        "binary": {"rows": binary_rows.len(), "regions": binary_regions, "emails": binary_emails}}),
    )
}

/// A transaction whose savepoint sees a refusal and is rolled back: the transaction goes on,
/// with the setting made before the savepoint and not the one made inside it.
async fn savepoint(client: &mut Client) -> Outcome<Value> {
    let mut transaction = client.transaction().await?;
    transaction
        .batch_execute("SET LOCAL statement_timeout = '17s'")
        .await?;
    let stores_before = scalar::<i64>(&transaction, "SELECT count(*) FROM sales.stores").await?;
    let inside;
    {
        let savepoint = transaction.savepoint("client_matrix_savepoint").await?;
        savepoint
            .batch_execute("SET LOCAL statement_timeout = '19s'")
            .await?;
        inside = refusal(
            savepoint
                .query(REFUSED, &[])
                .await
                .err()
                .ok_or("weather.stations_raw was not refused")?,
        )?;
        let aborted = savepoint
            .query_one("SELECT 1", &[])
            .await
            .err()
            .ok_or("the savepoint was not aborted")?;
        check(
            aborted.code().map(|code| code.code()) == Some("25P02"),
            "not in a failed transaction",
        )?;
        savepoint.rollback().await?;
    }
    let timeout = scalar::<String>(&transaction, "SHOW statement_timeout").await?;
    let stores_after = scalar::<i64>(&transaction, "SELECT count(*) FROM sales.stores").await?;
    transaction.commit().await?;
    let after_commit = scalar::<String>(&*client, "SHOW statement_timeout").await?;
    // START TRANSACTION with modes, as the transaction builder writes it.
    let read_only = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .deferrable(false)
        .start()
        .await?;
    let isolation = scalar::<String>(&read_only, "SHOW transaction_isolation").await?;
    let read_only_stores = scalar::<i64>(&read_only, "SELECT count(*) FROM sales.stores").await?;
    read_only.commit().await?;
    Ok(
        json!({"isolation": isolation, "read_only_stores": read_only_stores, "refused": inside, "stores_before": stores_before, "stores_after": stores_after,
        "statement_timeout": timeout, "statement_timeout_after_commit": after_commit}),
    )
}

/// The simple protocol: two statements in one Query, text results.
async fn simple_query(client: &Client) -> Outcome<Value> {
    let messages = client
        .simple_query(
            "SELECT count(*) FROM sales.store_transactions; \
             SELECT customer_email FROM sales.store_transactions ORDER BY transaction_id LIMIT 20",
        )
        .await?;
    let mut values = Vec::new();
    let mut completions = Vec::new();
    for message in messages {
        match message {
            SimpleQueryMessage::Row(row) => values.push(row.get(0).unwrap_or("").to_string()),
            SimpleQueryMessage::CommandComplete(rows) => completions.push(rows),
            _ => {}
        }
    }
    check(!values.is_empty(), "simple_query returned no rows")?;
    let denied = refusal(
        client
            .simple_query(REFUSED)
            .await
            .err()
            .ok_or("weather.stations_raw was not refused")?,
    )?;
    Ok(
        json!({"transactions": values[0].parse::<i64>()?, "emails": values[1..], "completions": completions,
        "refused": denied}),
    )
}

/// cancel_token().cancel_query(): a CancelRequest on a new connection ends the running query
/// with 57014, and the connection runs the next query.
async fn cancel(client: &Client) -> Outcome<Value> {
    let token = client.cancel_token();
    let cancelled = async {
        let started = Instant::now();
        let answer =
            tokio::time::timeout(Duration::from_secs(30), client.query(CANCELLED, &[])).await;
        (answer, started.elapsed())
    };
    let canceller = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        token.cancel_query(NoTls).await
    };
    // Pipelined behind the cancelled query: it runs once that one has ended.
    let queued = client.query_one("SELECT count(*) FROM customers.customers", &[]);
    let ((answer, elapsed), sent, queued) = tokio::join!(cancelled, canceller, queued);
    sent?;
    let error = answer
        .map_err(|_| "the query was not cancelled within 30 seconds")?
        .err()
        .ok_or("the cancelled query returned rows")?;
    let stores = scalar::<i64>(client, "SELECT count(*) FROM sales.stores").await?;
    Ok(
        json!({"refused": refusal(error)?, "seconds": elapsed.as_secs_f64(), "stores_after": stores,
        "customers_queued_behind": queued?.get::<_, i64>(0)}),
    )
}

/// One governed row as sqlx's `query_as` maps it into a struct by column name.
#[derive(sqlx::FromRow)]
struct Sale {
    transaction_id: i64,
    store_id: i32,
    region: String,
    customer_email: Option<String>,
}

fn sqlx_refusal(error: sqlx::Error) -> Outcome<Value> {
    match error {
        sqlx::Error::Database(database) => Ok(
            json!({"sqlstate": database.code().unwrap_or_default(), "message": database.message()}),
        ),
        other => Err(Box::new(other)),
    }
}

/// sqlx from a pool, as web services use it: PgConnectOptions read the libpq environment.
async fn sqlx_scenario() -> Outcome<Value> {
    // Settings inside the startup packet's options parameter (-c search_path=...), as services
    // that keep their tables outside public configure sqlx.
    let options = PgConnectOptions::new()
        .application_name("client-matrix-sqlx")
        .options([
            ("search_path", "sales,customers"),
            ("statement_timeout", "25s"),
        ])
        // Small, so sqlx closes the statements it evicts.
        .statement_cache_capacity(4);
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    let mut result = Map::new();
    result.insert("client".into(), json!("sqlx"));
    result.insert("version".into(), json!(locked_version("sqlx")));

    let search_path: String = sqlx::query_scalar("SHOW search_path")
        .fetch_one(&pool)
        .await?;
    let statement_timeout: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(&pool)
        .await?;
    result.insert(
        "settings".into(),
        json!({"search_path": search_path, "statement_timeout": statement_timeout}),
    );

    // Unqualified names, resolved on the search path of the options.
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT region, count(*) FROM store_transactions GROUP BY region")
            .fetch_all(&pool)
            .await?;
    result.insert(
        "counts_by_region".into(),
        Value::Object(
            counts
                .into_iter()
                .map(|(region, count)| (region, json!(count)))
                .collect(),
        ),
    );

    let sales: Vec<Sale> = sqlx::query_as(
        "SELECT transaction_id, store_id, region, customer_email FROM sales.store_transactions \
         WHERE amount > $1 ORDER BY transaction_id LIMIT 20",
    )
    .bind(0i32)
    .fetch_all(&pool)
    .await?;
    result.insert(
        "query_as".into(),
        json!({
            "rows": sales.iter().map(|sale| format!("{}|{}|{}", sale.transaction_id, sale.store_id, sale.region))
                .collect::<Vec<_>>(),
            "emails": sales.iter().filter_map(|sale| sale.customer_email.clone()).collect::<Vec<_>>(),
        }),
    );

    let mut scalar_counts = Vec::new();
    for threshold in THRESHOLDS {
        scalar_counts.push(
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM sales.store_transactions WHERE amount > $1",
            )
            .bind(threshold)
            .fetch_one(&pool)
            .await?,
        );
    }
    result.insert(
        "prepared".into(),
        json!({"thresholds": THRESHOLDS, "counts": scalar_counts}),
    );

    // fetch(): rows streamed as they arrive.
    let mut stream = sqlx::query(
        "SELECT customer_id, region, email FROM customers.customers ORDER BY customer_id",
    )
    .fetch(&pool);
    let (mut rows, mut regions, mut emails) = (0usize, BTreeSet::new(), Vec::new());
    while let Some(row) = stream.next().await {
        let row = row?;
        rows += 1;
        regions.insert(row.try_get::<String, _>("region")?);
        if emails.len() < 20 {
            emails.push(row.try_get::<String, _>("email")?);
        }
    }
    drop(stream);
    result.insert(
        "fetch".into(),
        json!({"rows": rows, "regions": regions, "emails": emails}),
    );

    // A column of a type sqlx has no codec for: it looks the OID up in the catalog.
    // sqlx 0.9 takes only static SQL without AssertSqlSafe, hence CUSTOM_ENUM written out.
    let custom = sqlx::query(
        "SELECT region::public.meshgate_rust_region AS region FROM sales.stores ORDER BY store_id",
    )
    .fetch_all(&pool)
    .await?;
    let custom_regions: BTreeSet<String> = custom
        .iter()
        .map(|row| row.try_get_unchecked::<String, _>(0))
        .collect::<Result<_, _>>()?;
    result.insert(
        "custom_type".into(),
        json!({"rows": custom.len(), "regions": custom_regions}),
    );

    // A refusal, in and outside a transaction; the pool's connections stay usable.
    let denied = sqlx_refusal(
        sqlx::query(REFUSED)
            .fetch_all(&pool)
            .await
            .err()
            .ok_or("weather.stations_raw was not refused")?,
    )?;
    let mut transaction = pool.begin().await?;
    let in_transaction = sqlx_refusal(
        sqlx::query(REFUSED)
            .execute(&mut *transaction)
            .await
            .err()
            .ok_or("weather.stations_raw was not refused")?,
    )?;
    let aborted = sqlx_refusal(
        sqlx::query("SELECT 1")
            .execute(&mut *transaction)
            .await
            .err()
            .ok_or("the transaction was not aborted")?,
    )?;
    transaction.rollback().await?;
    let stores: i64 = sqlx::query_scalar("SELECT count(*) FROM sales.stores")
        .fetch_one(&pool)
        .await?;
    result.insert(
        "denied".into(),
        json!({"refused": denied, "in_transaction": in_transaction,
        "in_failed_transaction": aborted["sqlstate"], "stores_after_rollback": stores}),
    );
    pool.close().await;
    Ok(Value::Object(result))
}

/// COPY FROM STDIN as tokio-postgres sends it, through the extended protocol (Parse, then
/// Bind, Execute and Sync before the first CopyData), in text and in binary
/// (BinaryCopyInWriter), into sales.stores from the store id given on the command line. A
/// refusal is reported with its SQLSTATE; the connection must work after either.
async fn copy_in_scenario(first_store: i32) -> Outcome<Value> {
    let client = tokio_postgres_connect().await?;
    let mut result = Map::new();
    let text: Outcome<u64> = async {
        let sink = client
            .copy_in("COPY sales.stores (store_id, zip_code, region) FROM STDIN")
            .await?;
        pin_mut!(sink);
        for store in first_store..first_store + COPIED_ROWS {
            sink.send(Cursor::new(
                format!("{store}\t{:05}\tEU\n", store % 100000).into_bytes(),
            ))
            .await?;
        }
        Ok(sink.finish().await?)
    }
    .await;
    result.insert("text".into(), copied(text)?);
    let binary: Outcome<u64> = async {
        let sink = client
            .copy_in("COPY sales.stores (store_id, zip_code, region) FROM STDIN (FORMAT binary)")
            .await?;
        let writer = BinaryCopyInWriter::new(sink, &[Type::INT4, Type::TEXT, Type::TEXT]);
        pin_mut!(writer);
        for store in first_store + COPIED_ROWS..first_store + 2 * COPIED_ROWS {
            let zip_code = format!("{:05}", store % 100000);
            writer.as_mut().write(&[&store, &zip_code, &"US"]).await?;
        }
        Ok(writer.finish().await?)
    }
    .await;
    result.insert("binary".into(), copied(binary)?);
    let visible: i64 = client
        .query_one(
            "SELECT count(*) FROM sales.stores WHERE store_id >= $1",
            &[&first_store],
        )
        .await?
        .get(0);
    result.insert("visible_copied".into(), json!(visible));
    // A statement Meshgate refuses at Parse: its error is told apart from the backend's only
    // while Meshgate's expectations keep step with the backend's answers.
    let refused = client
        .query("SET work_mem = '1TB'", &[])
        .await
        .err()
        .ok_or("SET work_mem was not refused")?;
    result.insert("refused_after".into(), refusal(refused)?);
    Ok(Value::Object(result))
}

/// The rows a COPY wrote, or the server's refusal of it.
fn copied(outcome: Outcome<u64>) -> Outcome<Value> {
    match outcome {
        Ok(rows) => Ok(json!({"rows": rows})),
        Err(error) => match error.downcast::<tokio_postgres::Error>() {
            Ok(error) => Ok(json!({"refused": refusal(*error)?})),
            Err(other) => Err(other),
        },
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let scenario = env::args().nth(1).unwrap_or_default();
    let outcome = match scenario.as_str() {
        "tokio-postgres" => tokio_postgres_scenario().await,
        "sqlx" => sqlx_scenario().await,
        "copy-in" => match env::args().nth(2).map(|store| store.parse::<i32>()) {
            Some(Ok(first_store)) => copy_in_scenario(first_store).await,
            _ => Err("copy-in needs the first store id to copy".into()),
        },
        other => {
            Err(format!("unknown scenario '{other}'; use tokio-postgres, sqlx or copy-in").into())
        }
    };
    match outcome {
        Ok(result) => println!("{result}"),
        Err(error) => {
            eprintln!("{scenario}: {error}");
            std::process::exit(1);
        }
    }
}
