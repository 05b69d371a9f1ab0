package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// store is the row type of sales.stores, as pgx decodes it once the type is registered.
type store struct {
	StoreID int32
	ZipCode string
	Region  string
}

// types looks at what pgx learns about types: the masked column's type and an array of it in
// binary, and the demo's composite row type sales.stores and its array, registered with
// LoadTypes (one large recursive catalog query) and LoadType (several small ones), then read.
func types(ctx context.Context, _ string) (map[string]any, error) {
	s, err := connect(ctx, "types", pgx.QueryExecModeCacheStatement)
	if err != nil {
		return nil, err
	}
	defer s.close()
	result := map[string]any{}

	rows, err := s.conn.Query(ctx, "SELECT array_agg(customer_email ORDER BY transaction_id) AS emails"+
		" FROM (SELECT transaction_id, customer_email FROM sales.store_transactions"+
		" WHERE customer_email IS NOT NULL ORDER BY transaction_id LIMIT 5) AS recent")
	if err != nil {
		return nil, fmt.Errorf("array of masked e-mails: %w", err)
	}
	fields := rows.FieldDescriptions()
	emails, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[[]string])
	if err != nil {
		return nil, fmt.Errorf("array of masked e-mails: %w", err)
	}
	result["email_array"] = map[string]any{"type_oid": fields[0].DataTypeOID, "format": fields[0].Format, "emails": emails}

	loaded, err := s.conn.LoadTypes(ctx, []string{"sales.stores", "sales._stores"})
	if err != nil {
		return nil, fmt.Errorf("LoadTypes: %w", err)
	}
	names := map[string]uint32{}
	for _, loadedType := range loaded {
		names[loadedType.Name] = loadedType.OID
	}
	s.conn.TypeMap().RegisterTypes(loaded)
	result["load_types"] = names

	single, err := s.conn.LoadType(ctx, "sales.stores")
	if err != nil {
		return nil, fmt.Errorf("LoadType: %w", err)
	}
	result["load_type"] = map[string]any{"name": single.Name, "oid": single.OID}

	rows, err = s.conn.Query(ctx,
		"SELECT ROW(store_id, zip_code, region)::sales.stores AS store FROM sales.stores ORDER BY store_id LIMIT 3")
	if err != nil {
		return nil, fmt.Errorf("rows cast to sales.stores: %w", err)
	}
	fields = rows.FieldDescriptions()
	stores, err := pgx.CollectRows(rows, pgx.RowTo[store])
	if err != nil {
		return nil, fmt.Errorf("rows cast to sales.stores: %w", err)
	}
	result["composite"] = map[string]any{"type_oid": fields[0].DataTypeOID, "stores": storeLines(stores)}

	rows, err = s.conn.Query(ctx,
		"SELECT array_agg(s ORDER BY s.store_id) AS stores FROM sales.stores AS s WHERE s.store_id < $1", 10)
	if err != nil {
		return nil, fmt.Errorf("array of whole rows: %w", err)
	}
	// PostgreSQL types this sales.stores[]; through Meshgate the table is a derived table, whose
	// whole row is an anonymous record (ARCHITECTURE.md, known limits). pgx reads either.
	fields = rows.FieldDescriptions()
	stores, err = pgx.CollectExactlyOneRow(rows, pgx.RowTo[[]store])
	if err != nil {
		return nil, fmt.Errorf("array of whole rows: %w", err)
	}
	result["whole_row_array"] = map[string]any{"type_oid": fields[0].DataTypeOID, "stores": storeLines(stores)}
	return result, nil
}

func storeLines(stores []store) []string {
	lines := []string{}
	for _, s := range stores {
		lines = append(lines, fmt.Sprintf("%d|%s|%s", s.StoreID, s.ZipCode, s.Region))
	}
	return lines
}
