// Package sqlite is Sandık's embedded store: one SQLite file in WAL mode,
// written by a single goroutine that groups concurrent appends into shared
// commits, and read through a separate pool of read-only connections.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik/ledger"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/commitq"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options configure Open. Only Path is required.
type Options struct {
	// Path is the database file; it is created if missing.
	Path string
	// Logger receives warnings and failures; nil discards them.
	Logger *slog.Logger
	// Unsafe opens the store even when the durability settings in force
	// are not the required ones (WAL, synchronous=FULL, foreign keys,
	// SQLite >= 3.51.3). The shortfall is logged as a warning.
	Unsafe bool
	// MaxBatch bounds how many submissions one group commit gathers from
	// waiting callers; a single larger call is still written whole.
	// Default 2000.
	MaxBatch int
	// Readers is the size of the read pool. Default max(4, GOMAXPROCS).
	Readers int
	// BusyTimeout is how long a statement waits for a lock held by another
	// process. Default 5s.
	BusyTimeout time.Duration
	// Now stamps submissions that arrive without ReceivedAt. Default
	// time.Now.
	Now func() time.Time
	// MmapSize is how many bytes of the file the read connections map into
	// memory. Mapping halves the cost of reading the log at start-up (no
	// system call and no copy per page); the price is that a disk error
	// while reading a mapped page stops the process instead of failing the
	// query. Default 4 GiB; negative disables.
	MmapSize int64
	// UserPoll is how often the user generation is read, to see changes
	// of users made by another process on the file (`sandik user reset`
	// beside a running server); this process's own are seen at once.
	// Default 20ms.
	UserPoll time.Duration
}

// Store implements sandik.Store over one SQLite file.
type Store struct {
	path string
	log  *slog.Logger
	now  func() time.Time

	read        *sql.DB     // query_only pool
	db          sqlstore.DB // reads from it
	logReads                // Since, Submission…: packed copies, through query
	ledgerReads             // LedgerSize, LedgerRecords…
	orgReads                // Units, People, Positions…: the organisation's reads

	writer     *writer
	queue      *commitq.Queue[work]
	notify     commitq.Notifier
	userWrites              // CreateUser, SetUserAreas, SaveUsers: through saveUsers
	userGen    *sql.Stmt    // reads user_generation
	users      atomic.Int64 // the user generation last read
	stopPoll   func()
	close      func() error
}

var _ sandik.Store = (*Store)(nil)

// Open opens or creates the database at opt.Path, checks its durability
// settings, applies pending migrations and starts the writer.
func Open(ctx context.Context, opt Options) (*Store, error) {
	if opt.Path == "" {
		return nil, fmt.Errorf("sqlite: open: no path given")
	}
	path, err := filepath.Abs(opt.Path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", opt.Path, err)
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 2000
	}
	if opt.Readers <= 0 {
		opt.Readers = max(4, runtime.GOMAXPROCS(0))
	}
	if opt.BusyTimeout <= 0 {
		opt.BusyTimeout = 5 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MmapSize == 0 {
		opt.MmapSize = 4 << 30
	}
	s := &Store{path: path, log: opt.Logger.With("store", "sqlite"), now: opt.Now}
	s.close = sync.OnceValue(s.shutdown)
	s.userWrites = sqlstore.NewUserWrites("sqlite", s.saveUsers)
	if err := createPrivate(path, s.log); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	wdb, err := sql.Open("sqlite", dsn(path, opt.BusyTimeout, 0, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	conn, err := wdb.Conn(ctx)
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	fail := func(err error) (*Store, error) {
		conn.Close()
		wdb.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := checkDurability(ctx, conn, opt.Unsafe, s.log); err != nil {
		return fail(err)
	}
	if err := migrate(ctx, conn, s.log); err != nil {
		return fail(err)
	}
	var last int64
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM submissions`).Scan(&last); err != nil {
		return fail(fmt.Errorf("read last seq: %w", err))
	}
	s.notify.Publish(last)

	s.read, err = sql.Open("sqlite", dsn(path, opt.BusyTimeout, max(opt.MmapSize, 0), true))
	if err != nil {
		return fail(err)
	}
	s.db = sqlstore.DB{Name: "sqlite", Query: queryOn(s.read)}
	recent := sqlstore.NewRecent()
	s.logReads = sqlstore.NewLogReads(s.db, logQueries, s.query, &s.notify, recent)
	s.ledgerReads = sqlstore.NewLedgerReads(s.db, s.exec, ledgerQueries)
	s.orgReads = sqlstore.NewOrg(s.db, nil)
	s.read.SetMaxOpenConns(opt.Readers)
	s.read.SetMaxIdleConns(opt.Readers)
	// A read connection keeps the pages it has read mapped (MmapSize), and
	// they count in the process's resident memory until the mapping goes:
	// after the start-up rebuild read the whole log, that is most of the
	// file (800 MiB for a national night). Renewing the connections keeps
	// what stays mapped to what is being read now; the pages themselves
	// stay in the system's cache.
	s.read.SetConnMaxLifetime(readerLifetime)
	if err := s.read.PingContext(ctx); err != nil {
		s.read.Close()
		return fail(err)
	}
	if s.userGen, err = s.read.PrepareContext(ctx, `SELECT gen FROM user_generation`); err != nil {
		s.read.Close()
		return fail(err)
	}
	if err := s.readUserGeneration(ctx); err != nil {
		s.userGen.Close()
		s.read.Close()
		return fail(err)
	}
	s.stopPoll = s.pollUserGeneration(cmp.Or(opt.UserPoll, 20*time.Millisecond))
	s.writer, s.queue, err = startWriter(ctx, wdb, conn, opt.MaxBatch, &s.notify, recent, s.log)
	if err != nil {
		s.read.Close()
		return fail(err)
	}
	return s, nil
}

// readerLifetime is how long a read connection is used before it is
// closed and a fresh one opened (a few milliseconds).
const readerLifetime = time.Minute

// dsn applies the pragmas on every connection the pool opens, not only on
// the first, so a reconnect cannot quietly lose durability.
func dsn(path string, busy time.Duration, mmap int64, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busy.Milliseconds(), 10)+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "cache_size(-32768)") // KiB: 32 MiB per connection
	q.Add("_pragma", "temp_store(MEMORY)")
	// Checkpoints run in the writer after a commit; a larger WAL means
	// fewer of them and fewer rewrites of the same hot pages (~40 MiB).
	q.Add("_pragma", "wal_autocheckpoint(10000)")
	if mmap > 0 {
		q.Add("_pragma", "mmap_size("+strconv.FormatInt(mmap, 10)+")")
	}
	if readOnly {
		q.Set("_query_only", "1")
	}
	u := url.URL{Path: path}
	return "file:" + u.EscapedPath() + "?" + q.Encode()
}

// Stats describes the writer's work since Open, for metrics and tuning;
// CommitTime is the time spent in COMMIT (writing the WAL and fsync).
type Stats = commitq.Stats

// Stats returns the writer's counters.
func (s *Store) Stats() Stats { return s.queue.Stats() }

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close lets the writer finish every request already queued, then closes
// the connections. Appends arriving after Close fail with EUnavailable.
// Calling Close again waits for the first call and returns its result.
func (s *Store) Close() error { return s.close() }

func (s *Store) shutdown() error {
	s.queue.Close()
	s.stopPoll()
	s.userGen.Close()
	rerr := s.read.Close()
	werr := s.writer.closeConn()
	if err := errors.Join(rerr, werr); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// exec runs one statement on the writer's connection, in a transaction of
// its own.
func (s *Store) exec(ctx context.Context, query string, args ...any) error {
	return s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		_, err := c.ExecContext(ctx, query, args...)
		return err
	})
}

// write runs fn on the writer's connection inside one transaction,
// committed if fn returns nil.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) error) error {
	_, err := s.queue.Do(ctx, work{job: fn})
	return err
}

// writeLogged runs fn like write, and appends the ledger records it
// returns in the same transaction.
func (s *Store) writeLogged(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error)) error {
	_, err := s.queue.Do(ctx, work{logged: fn})
	return err
}

// queryOn adapts a pool or a connection to sqlstore's reads.
func queryOn(q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}) sqlstore.Query {
	return func(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return sqlRows{rows}, nil
	}
}

// sqlRows drops the error of Close: once Next has said false, Err holds
// whatever went wrong.
type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }
