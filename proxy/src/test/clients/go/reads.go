package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

type regionCount struct {
	Region       string
	Transactions int64
}

// execModes reads the same governed data in each of pgx's exec modes. The cache and describe
// modes know each column's type before Bind and ask for binary results; exec and the simple
// protocol get text.
func execModes(ctx context.Context, _ string) (map[string]any, error) {
	observed := map[string]any{}
	for _, mode := range execModeList {
		s, err := connect(ctx, "exec-modes", mode.mode)
		if err != nil {
			return nil, err
		}
		reads, err := governedReads(ctx, s.conn)
		if err == nil {
			reads["wire"] = s.wire.snapshot()
		}
		s.close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", mode.name, err)
		}
		observed[mode.name] = reads
	}
	return map[string]any{"modes": observed}, nil
}

func governedReads(ctx context.Context, conn *pgx.Conn) (map[string]any, error) {
	result := map[string]any{}
	rows, err := conn.Query(ctx,
		"SELECT region, count(*) AS transactions FROM sales.store_transactions GROUP BY region ORDER BY region")
	if err != nil {
		return nil, fmt.Errorf("counts by region: %w", err)
	}
	counts, err := pgx.CollectRows(rows, pgx.RowToStructByName[regionCount])
	if err != nil {
		return nil, fmt.Errorf("counts by region: %w", err)
	}
	byRegion := map[string]int64{}
	for _, count := range counts {
		byRegion[count.Region] = count.Transactions
	}
	result["counts_by_region"] = byRegion

	var store int32
	if err := conn.QueryRow(ctx, "SELECT min(store_id) FROM sales.stores WHERE zip_code <> $1", "").Scan(&store); err != nil {
		return nil, fmt.Errorf("first store: %w", err)
	}
	rows, err = conn.Query(ctx,
		"SELECT customer_email FROM sales.store_transactions WHERE store_id = $1 ORDER BY transaction_id LIMIT $2", store, 20)
	if err != nil {
		return nil, fmt.Errorf("e-mails: %w", err)
	}
	emailFields := rows.FieldDescriptions()
	emails, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("e-mails: %w", err)
	}
	result["emails"] = emails
	result["email_type_oid"] = emailFields[0].DataTypeOID

	rows, err = conn.Query(ctx,
		"SELECT transaction_id, day, amount FROM sales.store_transactions WHERE amount > $1 ORDER BY transaction_id LIMIT 5", 0)
	if err != nil {
		return nil, fmt.Errorf("typed rows: %w", err)
	}
	var formats []int16
	for _, field := range rows.FieldDescriptions() {
		formats = append(formats, field.Format)
	}
	var lines []string
	var transaction int64
	var day pgtype.Date
	var amount pgtype.Numeric
	_, err = pgx.ForEachRow(rows, []any{&transaction, &day, &amount}, func() error {
		value, err := amount.Value()
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%d|%s|%v", transaction, day.Time.Format("2006-01-02"), value))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("typed rows: %w", err)
	}
	result["rows"] = lines
	result["result_formats"] = formats
	return result, nil
}

// statementCache runs one statement many times from pgx's statement cache, then cycles more
// statements than a small cache holds, so pgx closes (deallocates) evicted statements and
// prepares them again.
func statementCache(ctx context.Context, _ string) (map[string]any, error) {
	s, err := connect(ctx, "statement-cache", pgx.QueryExecModeCacheStatement)
	if err != nil {
		return nil, err
	}
	defer s.close()
	var used []int
	var counts []int64
	for execution := 0; execution < 40; execution++ {
		threshold := thresholds[execution%len(thresholds)]
		var count int64
		if err := s.conn.QueryRow(ctx,
			"SELECT count(*) FROM sales.store_transactions WHERE amount > $1", threshold).Scan(&count); err != nil {
			return nil, fmt.Errorf("execution %d: %w", execution, err)
		}
		used = append(used, threshold)
		counts = append(counts, count)
	}
	repeated := map[string]any{"thresholds": used, "counts": counts, "wire": s.wire.snapshot()}

	small, err := connect(ctx, "statement-cache", pgx.QueryExecModeCacheStatement, func(config *pgx.ConnConfig) {
		config.StatementCacheCapacity = 2
	})
	if err != nil {
		return nil, err
	}
	defer small.close()
	statements := []string{
		"SELECT count(*) FROM sales.stores",
		"SELECT count(*) FROM customers.customers",
		"SELECT count(*) FROM sales.store_transactions",
	}
	rounds := [][]int64{}
	for round := 0; round < 4; round++ {
		var values []int64
		for _, statement := range statements {
			var count int64
			if err := small.conn.QueryRow(ctx, statement).Scan(&count); err != nil {
				return nil, fmt.Errorf("round %d, %s: %w", round, statement, err)
			}
			values = append(values, count)
		}
		rounds = append(rounds, values)
	}
	return map[string]any{
		"repeated": repeated,
		"evicted":  map[string]any{"rounds": rounds, "wire": small.wire.snapshot()},
	}, nil
}
