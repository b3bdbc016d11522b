package baseline

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the driver Sandık's SQLite store uses
)

// DB is a baseline's own database: a SQLite file in a directory, or a
// schema of its own in a PostgreSQL database, made at Open and (for
// PostgreSQL) dropped at Close. Exactly one of the handles is set.
type DB struct {
	// SQLite: one writer connection, as Sandık's store has, and a pool
	// of read-only connections.
	write, read *sql.DB
	// PostgreSQL: a pool whose connections work in schema.
	pg     *pgxpool.Pool
	url    string
	schema string
}

// IsPostgres reports whether where names a PostgreSQL database.
func IsPostgres(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// Open makes a baseline's database named name: in a PostgreSQL database
// when where is its URL (a schema of its own, with at most conns
// connections), else a SQLite file in the directory where. Either way
// the durability settings are checked first: WAL with synchronous=FULL,
// or fsync, synchronous_commit and full_page_writes on.
func Open(ctx context.Context, where, name string, conns int) (*DB, error) {
	if IsPostgres(where) {
		return openPostgres(ctx, where, name, conns)
	}
	return openSQLite(ctx, filepath.Join(where, "baseline-"+name+".db"), conns)
}

func openSQLite(ctx context.Context, path string, readers int) (*DB, error) {
	dsn := func(readOnly bool) string {
		q := url.Values{}
		// Sandık's store's pragmas, so the files differ only in what
		// they hold.
		q.Add("_pragma", "busy_timeout(5000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Add("_pragma", "cache_size(-32768)")
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Add("_pragma", "wal_autocheckpoint(10000)")
		if readOnly {
			q.Set("_query_only", "1")
		}
		u := url.URL{Path: path}
		return "file:" + u.EscapedPath() + "?" + q.Encode()
	}
	d := &DB{}
	var err error
	if d.write, err = sql.Open("sqlite", dsn(false)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	d.write.SetMaxOpenConns(1)
	var mode string
	var sync int
	if err := d.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		d.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := d.write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		d.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if mode != "wal" || sync != 2 {
		d.write.Close()
		return nil, fmt.Errorf("open %s: journal_mode %s, synchronous %d: want wal and 2 (FULL)", path, mode, sync)
	}
	if d.read, err = sql.Open("sqlite", dsn(true)); err != nil {
		d.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	d.read.SetMaxOpenConns(max(readers, 1))
	return d, nil
}

func openPostgres(ctx context.Context, where, name string, conns int) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(where)
	if err != nil {
		// The parser's message may repeat the URL, password included.
		return nil, errors.New("baseline: the PostgreSQL URL cannot be parsed")
	}
	var b [4]byte
	rand.Read(b[:])
	schema := "sandik_baseline_" + name + "_" + hex.EncodeToString(b[:])
	admin, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("baseline %s: connect: %w", name, err)
	}
	defer admin.Close(context.Background())
	var fsync, syncCommit, fullPages string
	if err := admin.QueryRow(ctx, `SELECT current_setting('fsync'), current_setting('synchronous_commit'),
		current_setting('full_page_writes')`).Scan(&fsync, &syncCommit, &fullPages); err != nil {
		return nil, fmt.Errorf("baseline %s: durability settings: %w", name, err)
	}
	// Every synchronous_commit but off flushes the local WAL before the
	// commit returns: the same test as Sandık's store.
	if fsync != "on" || syncCommit == "off" || fullPages != "on" {
		return nil, fmt.Errorf("baseline %s: fsync %s, synchronous_commit %s, full_page_writes %s: a baseline runs only as durable as Sandık",
			name, fsync, syncCommit, fullPages)
	}
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	cfg.MaxConns = int32(max(conns, 1))
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	return &DB{pg: pool, url: where, schema: schema}, nil
}

// Postgres reports whether the database is PostgreSQL.
func (d *DB) Postgres() bool { return d.pg != nil }

// exec runs a statement that returns no rows on the writer.
func (d *DB) exec(ctx context.Context, q string, args ...any) error {
	if d.pg != nil {
		_, err := d.pg.Exec(ctx, q, args...)
		return err
	}
	_, err := d.write.ExecContext(ctx, q, args...)
	return err
}

// Exec runs setup statements on the writer (tests add constraints with it).
func (d *DB) Exec(ctx context.Context, q string) error { return d.exec(ctx, q) }

// count returns the single integer a query answers.
func (d *DB) count(ctx context.Context, q string) (int64, error) {
	var n int64
	var err error
	if d.pg != nil {
		err = d.pg.QueryRow(ctx, q).Scan(&n)
	} else {
		err = d.read.QueryRowContext(ctx, q).Scan(&n)
	}
	return n, err
}

// each runs a read on the reader, scanning every row into dest and then
// calling fn.
func (d *DB) each(ctx context.Context, q string, args []any, dest []any, fn func()) error {
	var rows interface {
		Next() bool
		Scan(...any) error
		Err() error
	}
	if d.pg != nil {
		r, err := d.pg.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer r.Close()
		rows = r
	} else {
		r, err := d.read.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer r.Close()
		rows = r
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		fn()
	}
	return rows.Err()
}

// Close closes the handles and drops a PostgreSQL schema with its tables.
func (d *DB) Close() error {
	if d.pg == nil {
		return errors.Join(d.read.Close(), d.write.Close())
	}
	d.pg.Close()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(d.url)
	if err != nil {
		return errors.New("baseline: the PostgreSQL URL cannot be parsed")
	}
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("drop schema %s: %w", d.schema, err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "DROP SCHEMA "+d.schema+" CASCADE"); err != nil {
		return fmt.Errorf("drop schema %s: %w", d.schema, err)
	}
	return nil
}
