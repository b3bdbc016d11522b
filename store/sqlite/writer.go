package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
)

// A request is one caller's unit of work for the writer: either the rows of
// one Append call or a job (registry, users) run in its own transaction.
type request struct {
	ctx   context.Context
	state atomic.Int32
	rows  []row
	job   func(ctx context.Context, c *sql.Conn) error
	done  chan result // buffered: the writer never waits for a caller
}

type result struct {
	receipts []sandik.Receipt // one per row
	err      error
}

const (
	pending int32 = iota
	taken
	abandoned
)

func newRequest(ctx context.Context) *request {
	return &request{ctx: ctx, done: make(chan result, 1)}
}

// abandon lets a caller whose context ended withdraw r, but only while the
// writer has not taken it; afterwards the caller must wait for the answer.
func (r *request) abandon() bool { return r.state.CompareAndSwap(pending, abandoned) }

// take claims r for the writer. A request whose caller has gone, or whose
// context ended while it was queued, is answered at once and not written.
func (r *request) take() bool {
	if !r.state.CompareAndSwap(pending, taken) {
		return false
	}
	if err := r.ctx.Err(); err != nil {
		r.done <- result{err: err}
		return false
	}
	return true
}

// writer owns the only connection that writes. One goroutine runs it, so
// sequence numbers are handed out in commit order.
type writer struct {
	db       *sql.DB
	conn     *sql.Conn
	reqs     chan *request
	stopped  chan struct{}
	maxBatch int
	notify   *notifier
	log      *slog.Logger

	begin, commit, savepoint, release, rollbackTo *sql.Stmt
	insert, lookup                                *sql.Stmt

	stats stats
}

// stats counts the writer's work; read with Store.Stats.
type stats struct {
	commits, failed, requests, rows, commitNanos atomic.Int64
}

const (
	insertSubmission = `INSERT INTO submissions (client_id, race, box, user_id, source, kind, reason,
	captured_at, received_at, registered, voted_by_law, voted, valid_without_objection,
	valid_upon_objection, valid_total, invalid_total, votes, hash, warnings, packed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (client_id) DO NOTHING`
	lookupSubmission = `SELECT seq, received_at, hash, warnings FROM submissions WHERE client_id = ?`
)

func startWriter(ctx context.Context, db *sql.DB, conn *sql.Conn, maxBatch int, n *notifier, log *slog.Logger) (*writer, error) {
	w := &writer{db: db, conn: conn, reqs: make(chan *request, 4096), stopped: make(chan struct{}),
		maxBatch: maxBatch, notify: n, log: log}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.begin, "BEGIN IMMEDIATE"},
		{&w.commit, "COMMIT"},
		{&w.savepoint, "SAVEPOINT caller"},
		{&w.release, "RELEASE caller"},
		{&w.rollbackTo, "ROLLBACK TO caller"},
		{&w.insert, insertSubmission},
		{&w.lookup, lookupSubmission},
	} {
		s, err := conn.PrepareContext(ctx, p.sql)
		if err != nil {
			w.closeStmts()
			return nil, fmt.Errorf("prepare %q: %w", p.sql, err)
		}
		*p.stmt = s
	}
	go w.run()
	return w, nil
}

// run gathers whatever appends are queued, up to maxBatch submissions, and
// commits them together: while one fsync runs the next group queues up.
func (w *writer) run() {
	defer close(w.stopped)
	var next *request
	for {
		r := next
		next = nil
		if r == nil {
			var ok bool
			if r, ok = <-w.reqs; !ok {
				return
			}
		}
		if r.job != nil {
			if r.take() {
				w.runJob(r)
			}
			continue
		}
		var group []*request
		n := 0
		if r.take() {
			group, n = append(group, r), len(r.rows)
		}
	gather:
		for n < w.maxBatch {
			select {
			case q, ok := <-w.reqs:
				if !ok {
					break gather
				}
				if q.job != nil {
					next = q
					break gather
				}
				if q.take() {
					group, n = append(group, q), n+len(q.rows)
				}
			default:
				break gather
			}
		}
		if len(group) > 0 {
			w.appendGroup(group)
		}
	}
}

func (w *writer) runJob(r *request) {
	err := inTx(r.ctx, w.conn, func() error { return r.job(r.ctx, w.conn) })
	r.done <- result{err: err}
}

// appendGroup writes every request of the group in one transaction and
// commits once. Any failure other than a conflict, the COMMIT's included,
// fails the whole group: nothing is acknowledged that was not committed.
func (w *writer) appendGroup(group []*request) {
	ctx := context.Background() // callers' contexts must not interrupt a shared transaction
	results := make([]result, len(group))
	last, stage, err := w.writeGroup(ctx, group, results, len(group))
	var redo redoFrom
	if errors.As(err, &redo) {
		rollback(w.conn)
		last, stage, err = w.writeGroup(ctx, group, results, int(redo))
	}
	if err == nil {
		start := time.Now()
		if _, err = w.commit.ExecContext(ctx); err != nil {
			stage = "commit"
		}
		w.stats.commitNanos.Add(int64(time.Since(start)))
	}
	if err != nil {
		rollback(w.conn)
		w.log.Error("group commit failed; answering every caller with an error",
			"stage", stage, "callers", len(group), "err", err)
		w.stats.failed.Add(1)
		err = writeFailed(stage, err)
		for i, r := range group {
			if results[i].err == nil {
				results[i] = result{err: err}
			}
			r.done <- results[i]
		}
		return
	}
	w.notify.publish(last)
	w.stats.commits.Add(1)
	w.stats.requests.Add(int64(len(group)))
	for i, r := range group {
		w.stats.rows.Add(int64(len(results[i].receipts)))
		r.done <- results[i]
	}
}

// redoFrom asks for the group to be written again, with a savepoint for
// every request from this index on.
type redoFrom int

func (r redoFrom) Error() string {
	return fmt.Sprintf("conflict; redo with savepoints from request %d", int(r))
}

// writeGroup opens a transaction and writes the requests that have no
// answer yet. Conflicts are rare (a client reusing an id), and a savepoint
// costs a copy of every page it touches, so the first pass runs without
// them: at the first conflict it records it and returns redoFrom, and the
// second pass puts a savepoint around each later request so that a
// conflict there undoes only that caller's rows.
func (w *writer) writeGroup(ctx context.Context, group []*request, results []result, savepointsFrom int) (last int64, stage string, err error) {
	if _, err := w.begin.ExecContext(ctx); err != nil {
		return 0, "begin", err
	}
	for i, r := range group {
		if results[i].err != nil {
			continue
		}
		sp := i >= savepointsFrom
		if sp {
			if _, err := w.savepoint.ExecContext(ctx); err != nil {
				return 0, "savepoint", err
			}
		}
		rs, err := w.writeRows(ctx, r.rows)
		switch {
		case sandik.CodeOf(err) == sandik.EConflict && !sp:
			results[i].err = err
			return 0, "", redoFrom(i + 1)
		case sandik.CodeOf(err) == sandik.EConflict:
			results[i].err = err
			if _, err := w.rollbackTo.ExecContext(ctx); err != nil {
				return 0, "rollback to savepoint", err
			}
		case err != nil:
			return 0, "insert", err
		default:
			results[i].receipts = rs
			for _, rc := range rs {
				last = max(last, rc.Seq)
			}
		}
		if sp {
			if _, err := w.release.ExecContext(ctx); err != nil {
				return 0, "release savepoint", err
			}
		}
	}
	return last, "", nil
}

// writeRows inserts rows, or recognises those already in the log: the same
// hash is a replay and gets the original receipt; another hash is a
// conflict naming the id.
func (w *writer) writeRows(ctx context.Context, rows []row) ([]sandik.Receipt, error) {
	rs := make([]sandik.Receipt, len(rows))
	var (
		hash     []byte
		recv     int64
		warnings int64
	)
	for i := range rows {
		rw := &rows[i]
		res, err := w.insert.ExecContext(ctx, rw.args...)
		if err != nil {
			return nil, fmt.Errorf("insert submission %q: %w", rw.id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			seq, err := res.LastInsertId()
			if err != nil {
				return nil, err
			}
			rs[i] = sandik.Receipt{Seq: seq, ID: rw.id, ReceivedAt: fromNanos(rw.receivedAt), Warnings: rw.warnings}
			continue
		}
		rc := &rs[i]
		if err := w.lookup.QueryRowContext(ctx, string(rw.id)).Scan(&rc.Seq, &recv, &hash, &warnings); err != nil {
			return nil, fmt.Errorf("look up submission %q: %w", rw.id, err)
		}
		if string(hash) != string(rw.hash[:]) {
			return nil, conflict(rw.id)
		}
		rc.ID, rc.ReceivedAt, rc.Warnings, rc.Replayed = rw.id, fromNanos(recv), sandik.Warnings(warnings), true
	}
	return rs, nil
}

func conflict(id sandik.SubmissionID) error {
	return sandik.Errorf(sandik.EConflict, "submission id %q is already in the log with different content", id)
}

// stop lets the writer finish the queued requests and waits for it; the
// caller must have made sure no more are sent.
func (w *writer) stop() {
	close(w.reqs)
	<-w.stopped
}

// closeConn closes the writer's connection after stop. Closed last, it
// checkpoints the WAL into the database file and removes it.
func (w *writer) closeConn() error {
	w.closeStmts()
	// Cheap upkeep SQLite recommends before closing a long-lived connection.
	_, oerr := w.conn.ExecContext(context.Background(), "PRAGMA optimize")
	return errors.Join(oerr, w.conn.Close(), w.db.Close())
}

func (w *writer) closeStmts() {
	for _, s := range []*sql.Stmt{w.begin, w.commit, w.savepoint, w.release, w.rollbackTo, w.insert, w.lookup} {
		if s != nil {
			s.Close()
		}
	}
}

// notifier wakes WaitFor callers: each commit closes the current channel
// and installs a fresh one.
type notifier struct {
	mu  sync.Mutex
	seq int64
	ch  chan struct{}
}

func (n *notifier) init() { n.ch = make(chan struct{}) }

func (n *notifier) publish(seq int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if seq <= n.seq {
		return
	}
	n.seq = seq
	close(n.ch)
	n.ch = make(chan struct{})
}

func (n *notifier) state() (int64, <-chan struct{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.seq, n.ch
}

// waitFor returns nil once seq passes after, or when poll passes (poll <= 0
// waits without limit), and ctx's error if ctx ends first.
func (n *notifier) waitFor(ctx context.Context, after int64, poll time.Duration) error {
	var timeout <-chan time.Time
	if poll > 0 {
		t := time.NewTimer(poll)
		defer t.Stop()
		timeout = t.C
	}
	for {
		seq, ch := n.state()
		if seq > after {
			return nil
		}
		select {
		case <-ch:
		case <-timeout:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
