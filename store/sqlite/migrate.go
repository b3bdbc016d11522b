package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"
	"time"

	schema "github.com/sandik-dev/sandik/store/migration"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies the pending migrations, each in its own transaction
// together with its row in schema_migrations, so a crash leaves either the
// whole migration or none of it.
func migrate(ctx context.Context, c *sql.Conn, log *slog.Logger) error {
	ms, err := schema.Load(migrationFiles)
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	return applyMigrations(ctx, c, ms, log)
}

func applyMigrations(ctx context.Context, c *sql.Conn, ms []schema.Migration, log *slog.Logger) error {
	if _, err := c.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := c.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	return schema.Apply(ms, current, func(m schema.Migration) error {
		return inTx(ctx, c, func() error {
			var done int
			// Another process may have applied it between the read and the lock.
			if err := c.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&done); err != nil || done > 0 {
				return err
			}
			if _, err := c.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := c.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UnixNano())
			return err
		})
	}, log)
}

// inTx runs fn inside BEGIN IMMEDIATE … COMMIT on c, rolling back on error.
// Transactions are plain statements rather than sql.Tx so that statements
// prepared on c once are reused by every transaction.
func inTx(ctx context.Context, c *sql.Conn, fn func() error) error {
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(); err != nil {
		rollback(c)
		return err
	}
	if _, err := c.ExecContext(context.WithoutCancel(ctx), "COMMIT"); err != nil {
		rollback(c)
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// rollback ends whatever transaction is open on c. Its error is ignored:
// after some failures SQLite has already rolled back by itself, and the
// caller reports the failure that mattered.
func rollback(c *sql.Conn) {
	c.ExecContext(context.Background(), "ROLLBACK") //nolint:errcheck // see above
}
