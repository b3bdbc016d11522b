// Package postgres is Sandık's store for several `sandik serve` instances
// sharing one PostgreSQL database. Each instance groups its concurrent
// appends into shared commits; the log's sequence numbers are handed out
// under one row lock held until commit, so they become visible in order;
// and a LISTEN connection wakes every instance's follower when any
// instance commits.
package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/commitq"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// Options configure Open. Only URL is required.
type Options struct {
	// URL is a postgres:// connection URL. A search_path parameter selects
	// the schema, which must exist.
	URL string
	// Logger receives warnings and failures; nil discards them.
	Logger *slog.Logger
	// Unsafe opens the store even when the server's durability settings
	// (fsync, synchronous_commit, full_page_writes) are off; logged.
	Unsafe bool
	// MaxBatch bounds how many submissions one group commit gathers from
	// waiting callers; a single larger call is still written whole.
	// Default 2000.
	MaxBatch int
	// Writers is how many goroutines gather and commit groups. Default 1:
	// one group of an instance is inserted at a time anyway (writer.insert),
	// and a second goroutine gathered its group while the first was being
	// inserted, so groups came small and large by turns (38 submissions a
	// group against 58 with one, at 128 connections); each group costs
	// PostgreSQL a transaction, a dozen statements and a flush. A second
	// goroutine only overlaps the look-ups, which run while ids come twice.
	Writers int
	// MaxConns is the size of the connection pool, the writer's included.
	// Default 8.
	MaxConns int32
	// Now stamps submissions that arrive without ReceivedAt. Default
	// time.Now.
	Now func() time.Time
}

// Store implements sandik.Store over one PostgreSQL schema.
type Store struct {
	url     string
	log     *slog.Logger
	now     func() time.Time
	pool    *pgxpool.Pool
	db      sqlstore.DB // reads from pool
	channel string      // LISTEN/NOTIFY channel of this schema's log
	users   userGen     // the user generation, from the listener
	schema  string

	// The dialect-free methods, over this store's statements: Since,
	// Submission… read columns through query; CreateUser, SetUserAreas
	// and SaveUsers go through saveUsers.
	logReads
	ledgerReads
	orgReads // Units, People, Positions…: the organisation's reads
	userWrites

	writer   *writer
	queue    *commitq.Queue[[]row]
	notify   commitq.Notifier
	listener *listener
	close    func() error
}

var _ sandik.Store = (*Store)(nil)

// IsURL reports whether s names a PostgreSQL database rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects, checks the server's durability settings, applies pending
// migrations (one instance at a time), and starts the writer and the
// listener.
func Open(ctx context.Context, opt Options) (*Store, error) {
	if opt.URL == "" {
		return nil, errors.New("postgres: open: no URL given")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 2000
	}
	if opt.Writers <= 0 {
		opt.Writers = 1
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 8
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	cfg, err := pgxpool.ParseConfig(opt.URL)
	if err != nil {
		// The parser's message may repeat the URL, password included.
		return nil, errors.New("postgres: open: the URL cannot be parsed")
	}
	cfg.MaxConns = opt.MaxConns
	// The store's statements are short and planned to run in well under
	// a millisecond; PostgreSQL's JIT compiles a plan whose estimated
	// cost passes jit_above_cost, 9-20 ms of compiling (seen for a read
	// of many scattered stored hashes on a large ledger) before a read
	// that takes less. An operator may still ask for it in the URL
	// (jit=on).
	if _, ok := cfg.ConnConfig.RuntimeParams["jit"]; !ok {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", where, err)
	}
	fail := func(err error) (*Store, error) {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", where, err)
	}
	s := &Store{url: opt.URL, log: opt.Logger.With("store", "postgres"), now: opt.Now, pool: pool}
	s.db = sqlstore.DB{Name: "postgres", Query: queryOn(pool)}
	s.userWrites = sqlstore.NewUserWrites("postgres", s.saveUsers)
	recent := sqlstore.NewRecent()
	s.logReads = sqlstore.NewLogReads(s.db, logQueries, s.query, &s.notify, recent)
	s.ledgerReads = sqlstore.NewLedgerReads(s.db, s.exec, ledgerQueries)
	s.orgReads = sqlstore.NewOrg(s.db, sqlstore.Dollars)
	s.close = sync.OnceValue(s.shutdown)
	if err := pool.QueryRow(ctx, `SELECT coalesce(current_schema(), '')`).Scan(&s.schema); err != nil {
		return fail(err)
	}
	if s.schema == "" {
		return fail(errors.New("no schema: the search_path names no existing schema"))
	}
	s.channel = channelOf(s.schema)
	if err := checkDurability(ctx, pool, opt.Unsafe, s.log); err != nil {
		return fail(err)
	}
	if err := migrate(ctx, pool, s.schema, s.log); err != nil {
		return fail(err)
	}
	head, err := s.LastSeq(ctx)
	if err != nil {
		return fail(err)
	}
	s.notify.Publish(head)
	lcfg := cfg.ConnConfig.Copy()
	// Named apart, so that an operator looking at pg_stat_activity (or a
	// test cutting connections) can tell it from the pool's.
	lcfg.RuntimeParams["application_name"] = strings.TrimSpace(lcfg.RuntimeParams["application_name"] + " listener")
	s.listener = startListener(lcfg, s.channel, &s.notify, &s.users, s.log)
	s.writer, s.queue = startWriter(pool, s.channel, opt.MaxBatch, opt.Writers, &s.notify, recent, s.log)
	return s, nil
}

// channelOf names the NOTIFY channel of a schema's log. Channel names
// are identifiers of at most 63 bytes; a long schema name is hashed.
func channelOf(schema string) string {
	c := "sandik_log." + schema
	if len(c) > 63 {
		h := sha256.Sum256([]byte(schema))
		c = "sandik_log." + hex.EncodeToString(h[:16])
	}
	return c
}

// checkDurability refuses a server that could lose acknowledged commits:
// fsync or full_page_writes off, or synchronous_commit off for this
// session. With unsafe set the shortfall is logged instead.
func checkDurability(ctx context.Context, pool *pgxpool.Pool, unsafe bool, log *slog.Logger) error {
	var fsync, syncCommit, fullPages string
	err := pool.QueryRow(ctx, `SELECT current_setting('fsync'), current_setting('synchronous_commit'),
		current_setting('full_page_writes')`).Scan(&fsync, &syncCommit, &fullPages)
	if err != nil {
		return fmt.Errorf("check durability settings: %w", err)
	}
	var problems []string
	if fsync != "on" {
		problems = append(problems, "fsync is "+fsync)
	}
	// Every value but off flushes the local WAL before the commit returns.
	if syncCommit == "off" {
		problems = append(problems, "synchronous_commit is off")
	}
	if fullPages != "on" {
		problems = append(problems, "full_page_writes is "+fullPages)
	}
	return sqlstore.Durability("PostgreSQL", problems, unsafe, log)
}

// Schema returns the schema the store works in.
func (s *Store) Schema() string { return s.schema }

// Stats describes the writer's work since Open; CommitTime runs from
// taking the log lock to the end of COMMIT.
type Stats = commitq.Stats

// Stats returns the writer's counters.
func (s *Store) Stats() Stats { return s.queue.Stats() }

// TipStats counts the writer's group commits made in one round trip on
// the log's tip as this instance expected it, those decided under the
// log's lock (the tip unknown, skipped, or found wrong because another
// instance or another ledger write went in between), and of those the
// tips the database found wrong.
func (s *Store) TipStats() (onTip, underLock, wrong int64) {
	return s.writer.onTip.Load(), s.writer.refetched.Load(), s.writer.wrongTips.Load()
}

// Close lets the writer finish every queued request, stops the listener
// and closes the pool. Appends after Close fail with EUnavailable; a
// second Close waits for the first.
func (s *Store) Close() error { return s.close() }

func (s *Store) shutdown() error {
	s.queue.Close()
	s.writer.stats.stop()
	s.listener.stop()
	s.pool.Close()
	return nil
}

// exec runs one statement on a pooled connection.
func (s *Store) exec(ctx context.Context, query string, args ...any) error {
	_, err := s.pool.Exec(ctx, query, args...)
	return err
}

// inTx runs fn in a transaction on a pooled connection, committed if fn
// returns nil.
func (s *Store) inTx(ctx context.Context, opts pgx.TxOptions, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // the first error is the one that matters
		return err
	}
	if err := tx.Commit(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// queryOn adapts the pool or a transaction to sqlstore's reads. A read
// that fails because the database cannot be reached (restarting, the
// connection cut) is EUnavailable: the reader is told to retry (503),
// not that the server failed.
func queryOn(q interface {
	Query(ctx context.Context, query string, args ...any) (pgx.Rows, error)
}) sqlstore.Query {
	return func(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
		if query == ledgerQueries.Hashes {
			// Planned at each execution, as the writer's look-up of ids
			// (lookUpIDs): a generic plan made while the ledger was
			// nearly empty reads every stored hash for each proof.
			args = append([]any{pgx.QueryExecModeExec}, args...)
		}
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return nil, unavailable(err)
		}
		return unavailableRows{rows}, nil
	}
}

// unavailableRows marks the error that ends a read as unavailable's does.
type unavailableRows struct{ pgx.Rows }

func (r unavailableRows) Err() error { return unavailable(r.Rows.Err()) }
