package postgres

import (
	"context"
	"embed"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	schema "github.com/sandik-dev/sandik/store/migration"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

func migrate(ctx context.Context, pool *pgxpool.Pool, schemaName string, log *slog.Logger) error {
	ms, err := schema.Load(migrationFiles)
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	return applyMigrations(ctx, pool, schemaName, ms, log)
}

// applyMigrations applies the pending migrations, each in one transaction
// with its row in schema_migrations. Instances starting together queue on
// a session advisory lock of the schema: the first migrates, the others
// wait and then find nothing left to do.
func applyMigrations(ctx context.Context, pool *pgxpool.Pool, schemaName string, ms []schema.Migration, log *slog.Logger) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	key := "sandik.migrate." + schemaName
	if _, err := c.Exec(ctx, `SELECT pg_advisory_lock(hashtext($1))`, key); err != nil {
		return fmt.Errorf("lock for migration: %w", err)
	}
	defer func() {
		if _, err := c.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext($1))`, key); err != nil {
			// A session lock outlives the statement: drop the connection
			// rather than return it to the pool still holding the lock.
			c.Conn().Close(context.WithoutCancel(ctx)) //nolint:errcheck // closing a connection already in trouble
		}
	}()
	if _, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    int         PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := c.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	return schema.Apply(ms, current, func(m schema.Migration) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			// Without arguments pgx sends the simple protocol, which runs
			// a file of several statements.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
	}, log, "schema", schemaName)
}
