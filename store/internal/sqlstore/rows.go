// Package sqlstore is the half of a SQL store that does not depend on the
// dialect: the reads, run with each dialect's statements; rows turned into
// domain values and back; and the answers both stores give. The SQL, and
// how each store writes, stay with the dialect.
package sqlstore

import (
	"context"
	"fmt"
)

// Row is one row of either driver's result.
type Row interface {
	Scan(dest ...any) error
}

// Rows is a result set of either driver. pgx.Rows is one as it is; a
// database/sql result needs a Close without its error.
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// Query runs a read statement; each store binds its pool, connection or
// transaction.
type Query func(ctx context.Context, query string, args ...any) (Rows, error)

// Exec runs a statement that returns no rows.
type Exec func(ctx context.Context, query string, args ...any) error

// DB is how a store reads: its name, which begins every error it
// returns, and its query.
type DB struct {
	Name  string
	Query Query
}

func (db DB) fail(what string, err error) error { return fmt.Errorf("%s: %s: %w", db.Name, what, err) }

// Each runs query and hands every row it returns to fn, stopping at fn's
// first error.
func Each(ctx context.Context, q Query, fn func(Row) error, query string, args ...any) error {
	rows, err := q(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// All runs query and scans every row it returns; an error says what was
// being read.
func All[T any](ctx context.Context, db DB, what string, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	out := []T{}
	err := Each(ctx, db.Query, func(row Row) error {
		v, err := scan(row)
		out = append(out, v)
		return err
	}, query, args...)
	if err != nil {
		return nil, db.fail(what, err)
	}
	return out, nil
}

// One runs query and scans its first row; found is false when it returns
// none.
func One[T any](ctx context.Context, db DB, what string, scan func(Row) (T, error), query string, args ...any) (v T, found bool, err error) {
	err = Each(ctx, db.Query, func(row Row) error {
		if !found {
			v, err = scan(row)
			found = err == nil
		}
		return err
	}, query, args...)
	if err != nil {
		return v, false, db.fail(what, err)
	}
	return v, found, nil
}

func scanString(row Row) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

func scanBytes(row Row) ([]byte, error) {
	var b []byte
	err := row.Scan(&b)
	return b, err
}
