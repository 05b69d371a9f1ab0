package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
)

const deniedQuery = "SELECT count(*) FROM weather.stations_raw"

// outcome describes how one statement ended, for the test: its value or its error.
func outcome(value any, err error) map[string]any {
	if err == nil {
		return map[string]any{"value": value}
	}
	observed := map[string]any{"error": err.Error()}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		observed["sqlstate"] = pgErr.Code
		observed["message"] = pgErr.Message
		observed["severity"] = pgErr.Severity
	}
	observed["timeout"] = pgconn.Timeout(err)
	return observed
}

func countStores(ctx context.Context, conn *pgx.Conn) (int64, error) {
	var stores int64
	err := conn.QueryRow(ctx, "SELECT count(*) FROM sales.stores").Scan(&stores)
	return stores, err
}

// batch sends a statement that is refused at Parse between two allowed ones in one SendBatch,
// in every exec mode, and goes on using the connection. The middle statement counts the rows of
// the relation named by the second argument (weather.stations_raw, which the user may not read;
// the test runs the same batch against PostgreSQL itself with a relation that does not exist).
// The marker stands inside each statement, where a multi-statement Query keeps it too.
func batch(ctx context.Context, marker string) (map[string]any, error) {
	middle := "weather.stations_raw"
	if len(os.Args) > 3 {
		middle = os.Args[3]
	}
	observed := map[string]any{}
	for _, mode := range execModeList {
		s, err := connect(ctx, "batch", mode.mode)
		if err != nil {
			return nil, err
		}
		queries := []string{
			fmt.Sprintf("SELECT /* %s %s 1 */ count(*) FROM sales.stores", marker, mode.name),
			fmt.Sprintf("SELECT /* %s %s 2 */ count(*) FROM %s", marker, mode.name, middle),
			fmt.Sprintf("SELECT /* %s %s 3 */ count(*) FROM customers.customers", marker, mode.name),
		}
		b := &pgx.Batch{}
		for _, query := range queries {
			b.Queue(query)
		}
		results := s.conn.SendBatch(ctx, b)
		var each []map[string]any
		for range queries {
			var count int64
			err := results.QueryRow().Scan(&count)
			each = append(each, outcome(count, err))
		}
		closeErr := results.Close()
		after, afterErr := countStores(ctx, s.conn)
		// The allowed statements again, one at a time: nothing of the batch stayed behind (in the
		// cache modes pgx forgets the statements whose preparation failed and prepares them anew).
		var again []map[string]any
		for _, query := range []string{queries[0], queries[2]} {
			var count int64
			err := s.conn.QueryRow(ctx, query).Scan(&count)
			again = append(again, outcome(count, err))
		}
		observed[mode.name] = map[string]any{
			"results":     each,
			"close":       outcome(nil, closeErr),
			"after":       outcome(after, afterErr),
			"again":       again,
			"transaction": string(s.conn.PgConn().TxStatus()),
		}
		s.close()
	}
	return map[string]any{"modes": observed}, nil
}

// refusal reads a denied table in the default and the simple-protocol mode, inside and outside
// a transaction.
func refusal(ctx context.Context, _ string) (map[string]any, error) {
	observed := map[string]any{}
	for _, mode := range []int{0, 4} {
		s, err := connect(ctx, "refusal", execModeList[mode].mode)
		if err != nil {
			return nil, err
		}
		var count int64
		denied := outcome(nil, s.conn.QueryRow(ctx, deniedQuery).Scan(&count))
		_, execErr := s.conn.Exec(ctx, "SELECT * FROM weather.stations_raw LIMIT 1")
		stores, storesErr := countStores(ctx, s.conn)

		tx, err := s.conn.Begin(ctx)
		if err != nil {
			return nil, err
		}
		inTransaction := outcome(nil, tx.QueryRow(ctx, deniedQuery).Scan(&count))
		afterRefusal := outcome(countStores(ctx, s.conn))
		rollbackErr := tx.Rollback(ctx)
		afterRollback := outcome(countStores(ctx, s.conn))
		observed[execModeList[mode].name] = map[string]any{
			"query_row":      denied,
			"exec":           outcome(nil, execErr),
			"stores":         outcome(stores, storesErr),
			"in_transaction": inTransaction,
			"after_refusal":  afterRefusal,
			"rollback":       outcome(nil, rollbackErr),
			"after_rollback": afterRollback,
		}
		s.close()
	}
	return map[string]any{"modes": observed}, nil
}

// cancel cancels a long statement by its context. With CancelRequestContextWatcherHandler pgx
// sends a CancelRequest and keeps the connection; with pgx's default handler it drops the
// connection instead, and a new one must work.
func cancel(ctx context.Context, marker string) (map[string]any, error) {
	observed := map[string]any{}
	for _, mode := range []int{0, 4} {
		s, err := connect(ctx, "cancel", execModeList[mode].mode, func(config *pgx.ConnConfig) {
			config.BuildContextWatcherHandler = func(conn *pgconn.PgConn) ctxwatch.Handler {
				return &pgconn.CancelRequestContextWatcherHandler{Conn: conn, DeadlineDelay: 20 * time.Second}
			}
		})
		if err != nil {
			return nil, err
		}
		result := cancelLongStatement(ctx, s.conn, 30, fmt.Sprintf("%s cancel-request %s", marker, execModeList[mode].name))
		result["after"] = outcome(countStores(ctx, s.conn))
		result["closed"] = s.conn.IsClosed()
		result["wire"] = s.wire.snapshot()
		observed[execModeList[mode].name] = result
		s.close()
	}

	s, err := connect(ctx, "cancel", pgx.QueryExecModeCacheStatement)
	if err != nil {
		return nil, err
	}
	// PostgreSQL notices a client that is gone only when it sends the results (with
	// client_connection_check_interval 0, its default), and so does Meshgate: a short sleep.
	dropped := cancelLongStatement(ctx, s.conn, 2, marker+" deadline")
	dropped["closed"] = s.conn.IsClosed()
	s.close()
	fresh, err := connect(ctx, "cancel", pgx.QueryExecModeCacheStatement)
	if err != nil {
		return nil, err
	}
	dropped["new_connection"] = outcome(countStores(ctx, fresh.conn))
	fresh.close()
	observed["deadline"] = dropped
	return map[string]any{"modes": observed}, nil
}

func cancelLongStatement(ctx context.Context, conn *pgx.Conn, seconds int, label string) map[string]any {
	// Warm: the decision for the table and its columns are then cached, so the cancel finds the
	// statement running in the backend rather than still being governed.
	if _, err := countStores(ctx, conn); err != nil {
		return outcome(nil, err)
	}
	short, stop := context.WithTimeout(ctx, 500*time.Millisecond)
	defer stop()
	started := time.Now()
	var slept string
	err := conn.QueryRow(short,
		fmt.Sprintf("SELECT pg_sleep(%d)::text FROM sales.stores /* %s */ LIMIT 1", seconds, label)).Scan(&slept)
	result := outcome(slept, err)
	result["seconds"] = time.Since(started).Seconds()
	result["context_error"] = errors.Is(err, context.DeadlineExceeded)
	return result
}

// copyFrom copies rows of the user's own region into the writable data product with binary
// COPY FROM STDIN. pgx describes "select <columns> from <table>" first (to learn the column
// types), then sends the COPY and its data without waiting for CopyInResponse.
func copyFrom(ctx context.Context, marker string) (map[string]any, error) {
	s, err := connect(ctx, "copy-from", pgx.QueryExecModeCacheStatement)
	if err != nil {
		return nil, err
	}
	defer s.close()
	var store int32
	if err := s.conn.QueryRow(ctx, "SELECT min(store_id) FROM sales.stores").Scan(&store); err != nil {
		return nil, err
	}
	var region string
	if err := s.conn.QueryRow(ctx, "SELECT region FROM sales.stores WHERE store_id = $1", store).Scan(&region); err != nil {
		return nil, err
	}
	day := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	rows := [][]any{}
	for index := 0; index < 3; index++ {
		rows = append(rows, []any{store, day, "0.07", region})
	}
	copied, copyErr := s.conn.CopyFrom(ctx, pgx.Identifier{"sales", "store_transactions"},
		[]string{"store_id", "day", "amount", "region"}, pgx.CopyFromRows(rows))
	result := outcome(copied, copyErr)
	result["after"] = outcome(countStores(ctx, s.conn))
	result["transaction"] = string(s.conn.PgConn().TxStatus())
	result["wire"] = s.wire.snapshot()
	return map[string]any{"copy": result, "store": store, "region": region}, nil
}
