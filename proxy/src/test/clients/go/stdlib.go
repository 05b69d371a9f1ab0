package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// databaseSQL uses pgx as a database/sql driver (pgx/v5/stdlib), as services written against
// database/sql, sqlx or ORMs on top of it do: a pool, prepared statements, transactions.
func databaseSQL(ctx context.Context, _ string) (map[string]any, error) {
	db, err := sql.Open("pgx", "application_name=client-matrix-pgx-database-sql")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	result := map[string]any{}

	rows, err := db.QueryContext(ctx,
		"SELECT region, count(*) FROM sales.store_transactions GROUP BY region ORDER BY region")
	if err != nil {
		return nil, err
	}
	byRegion := map[string]int64{}
	for rows.Next() {
		var region string
		var count int64
		if err := rows.Scan(&region, &count); err != nil {
			return nil, err
		}
		byRegion[region] = count
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	result["counts_by_region"] = byRegion

	var emails []string
	rows, err = db.QueryContext(ctx,
		"SELECT customer_email FROM sales.store_transactions WHERE amount > $1 ORDER BY transaction_id LIMIT $2", 10, 20)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var email sql.NullString
		if err := rows.Scan(&email); err != nil {
			return nil, err
		}
		emails = append(emails, email.String)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	result["emails"] = emails

	statement, err := db.PrepareContext(ctx, "SELECT count(*) FROM sales.store_transactions WHERE amount > $1")
	if err != nil {
		return nil, err
	}
	var counts []int64
	for _, threshold := range thresholds {
		var count int64
		if err := statement.QueryRowContext(ctx, threshold).Scan(&count); err != nil {
			return nil, fmt.Errorf("prepared statement, threshold %d: %w", threshold, err)
		}
		counts = append(counts, count)
	}
	statement.Close()
	result["prepared"] = map[string]any{"thresholds": thresholds, "counts": counts}

	var count int64
	deniedErr := db.QueryRowContext(ctx, deniedQuery).Scan(&count)
	var pgErr *pgconn.PgError
	if err := check(errors.As(deniedErr, &pgErr), "the refusal is not a *pgconn.PgError: %v", deniedErr); err != nil {
		return nil, err
	}
	result["denied"] = outcome(nil, deniedErr)

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	inTransaction := tx.QueryRowContext(ctx, deniedQuery).Scan(&count)
	var stores int64
	failedTransaction := tx.QueryRowContext(ctx, "SELECT count(*) FROM sales.stores").Scan(&stores)
	rollbackErr := tx.Rollback()
	afterErr := db.QueryRowContext(ctx, "SELECT count(*) FROM sales.stores").Scan(&stores)
	result["transaction"] = map[string]any{
		"refused":        outcome(nil, inTransaction),
		"after_refusal":  outcome(nil, failedTransaction),
		"rollback":       outcome(nil, rollbackErr),
		"after_rollback": outcome(stores, afterErr),
	}
	return result, nil
}
