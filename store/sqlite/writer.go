package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/sandik-dev/sandik/ledger"
	"log/slog"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/commitq"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// work is one caller's unit for the writer: either the rows of one Append
// call or a job (registry, users) run in its own transaction.
type work struct {
	rows []row
	job  func(ctx context.Context, c *sql.Conn) error
	// logged is a job whose writes are leaves of the ledger: it returns
	// their records, appended in its transaction.
	logged func(ctx context.Context, c *sql.Conn) ([]ledger.Record, error)
	// bare is a job run outside any transaction, for what SQLite refuses
	// inside one (VACUUM, a checkpoint that empties the log).
	bare func(ctx context.Context, c *sql.Conn) error
	// unchecked runs the job with SQLite's foreign-key checks off: for a
	// bulk change that has looked up every reference itself, and would
	// otherwise pay two more index lookups a row for the same answer.
	unchecked bool
	// batched makes the records logged returns batch leaves
	// (ledger.Batch): for a bulk change, whose leaf per record would cost
	// more rows than the change itself.
	batched bool
}

type request = commitq.Request[work]

// writer owns the only connection that writes. One goroutine of the
// commit queue runs it, so sequence numbers are handed out in commit order.
type writer struct {
	db   *sql.DB
	conn *sql.Conn

	begin, commit, savepoint, release, rollbackTo *sql.Stmt
	insert, lookup                                *sql.Stmt
	leafCount                                     *sql.Stmt
	rowStmts                                      map[string]*sql.Stmt // by text and rows: see execRows

	edges sqlstore.EdgeCache
	// recent keeps each committed group's submissions for the log's
	// readers, this centre's follower first.
	recent *sqlstore.Recent
}

const (
	insertSubmission = `INSERT INTO submissions (client_id, race, box, user_id, source, kind, reason,
	captured_at, received_at, registered, voted_by_law, voted, valid_without_objection,
	valid_upon_objection, valid_total, invalid_total, votes, hash, warnings, packed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (client_id) DO NOTHING`
	lookupSubmission = `SELECT seq, received_at, hash, warnings,
	coalesce((SELECT idx FROM ledger_records l WHERE l.seq = s.seq AND l.ref = s.client_id), -1)
FROM submissions s WHERE client_id = ?`
)

// startWriter prepares the writer's statements and starts the queue that
// feeds it.
func startWriter(ctx context.Context, db *sql.DB, conn *sql.Conn, maxBatch int, n *commitq.Notifier, recent *sqlstore.Recent, log *slog.Logger) (*writer, *commitq.Queue[work], error) {
	w := &writer{db: db, conn: conn, recent: recent}
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
		{&w.leafCount, ledgerQueries.Size},
	} {
		s, err := conn.PrepareContext(ctx, p.sql)
		if err != nil {
			w.closeStmts()
			return nil, nil, fmt.Errorf("prepare %q: %w", p.sql, err)
		}
		*p.stmt = s
	}
	q := commitq.Start(commitq.Options[work]{
		Commit:   w.commitGroup,
		Failed:   writeFailed,
		Alone:    func(wk work) bool { return wk.job != nil || wk.logged != nil || wk.bare != nil },
		RunAlone: w.runJob,
		Size:     func(wk work) int { return len(wk.rows) },
		MaxBatch: maxBatch,
		Notify:   n,
		Log:      log,
	})
	return w, q, nil
}

func (w *writer) runJob(r *request) (err error) {
	ctx := r.Context()
	if r.Work.bare != nil {
		return r.Work.bare(ctx, w.conn)
	}
	if r.Work.unchecked {
		// The pragma is a no-op inside a transaction: it is set around it,
		// on the writer's own goroutine, so no other write runs unchecked.
		if _, err := w.conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return fmt.Errorf("turn foreign-key checks off for a bulk change: %w", err)
		}
		defer func() {
			if _, onErr := w.conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); onErr != nil {
				err = errors.Join(err, fmt.Errorf("turn foreign-key checks on again after a bulk change (what it wrote stands unless an error above says otherwise; restart the instance): %w", onErr))
			}
		}()
	}
	if r.Work.logged == nil {
		return inTx(ctx, w.conn, func() error { return r.Work.job(ctx, w.conn) })
	}
	var grown sqlstore.Grown
	err = inTx(ctx, w.conn, func() error {
		recs, err := r.Work.logged(ctx, w.conn)
		if err != nil || len(recs) == 0 {
			return err
		}
		size, err := w.ledgerSize(ctx)
		if err != nil {
			return err
		}
		grown, err = w.addLeaves(ctx, size, recs, r.Work.batched)
		return err
	})
	if err == nil {
		w.edges.Committed(grown)
	}
	return err
}

// commitGroup writes every request of the group in one transaction and
// commits once. Any failure other than a conflict, the COMMIT's included,
// fails the whole group.
func (w *writer) commitGroup(group []*request) commitq.Outcome {
	ctx := context.Background() // callers' contexts must not interrupt a shared transaction
	answers := make([]commitq.Answer, len(group))
	w.recent.Begin()
	last, grown, stage, err := w.writeGroup(ctx, group, answers, len(group))
	var redo redoFrom
	if errors.As(err, &redo) {
		rollback(w.conn)
		last, grown, stage, err = w.writeGroup(ctx, group, answers, int(redo))
	}
	var took time.Duration
	if err == nil {
		start := time.Now()
		if _, err = w.commit.ExecContext(ctx); err != nil {
			stage = "commit"
		}
		took = time.Since(start)
		if err == nil {
			w.edges.Committed(grown)
		}
	}
	if err != nil {
		rollback(w.conn)
		w.recent.End(nil)
	} else {
		w.recent.End(committed(group, answers))
	}
	return commitq.Outcome{Answers: answers, Head: last, Stage: stage, Err: err, CommitTime: took}
}

// committed returns the submissions the group's answers say were written,
// as the log holds them.
func committed(group []*request, answers []commitq.Answer) []sandik.Submission {
	var out []sandik.Submission
	for i, r := range group {
		if answers[i].Err != nil {
			continue
		}
		for j, rc := range answers[i].Receipts {
			if !rc.Replayed && j < len(r.Work.rows) {
				rw := &r.Work.rows[j]
				out = append(out, sqlstore.NormalizeStored(*rw.sub, rc.Seq, rw.Pending))
			}
		}
	}
	return out
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
func (w *writer) writeGroup(ctx context.Context, group []*request, answers []commitq.Answer, savepointsFrom int) (last int64, grown sqlstore.Grown, stage string, err error) {
	last, stage, err = w.writeRequests(ctx, group, answers, savepointsFrom)
	if err != nil {
		return 0, grown, stage, err
	}
	grown, err = w.appendLeaves(ctx, group, answers)
	if err != nil {
		return 0, grown, "ledger", err
	}
	return last, grown, "", nil
}

func (w *writer) writeRequests(ctx context.Context, group []*request, answers []commitq.Answer, savepointsFrom int) (last int64, stage string, err error) {
	if _, err := w.begin.ExecContext(ctx); err != nil {
		return 0, "begin", err
	}
	for i, r := range group {
		if answers[i].Err != nil {
			continue
		}
		sp := i >= savepointsFrom
		if sp {
			if _, err := w.savepoint.ExecContext(ctx); err != nil {
				return 0, "savepoint", err
			}
		}
		rs, err := w.writeRows(ctx, r.Work.rows)
		switch {
		case sandik.CodeOf(err) == sandik.EConflict && !sp:
			answers[i].Err = err
			return 0, "", redoFrom(i + 1)
		case sandik.CodeOf(err) == sandik.EConflict:
			answers[i].Err = err
			if _, err := w.rollbackTo.ExecContext(ctx); err != nil {
				return 0, "rollback to savepoint", err
			}
		case err != nil:
			return 0, "insert", err
		default:
			answers[i].Receipts = rs
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
		hash                      []byte
		seq, recv, warnings, leaf int64
	)
	for i := range rows {
		rw := &rows[i]
		res, err := w.insert.ExecContext(ctx, rw.args...)
		if err != nil {
			return nil, fmt.Errorf("insert submission %q: %w", rw.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			if seq, err = res.LastInsertId(); err != nil {
				return nil, err
			}
			rs[i] = rw.Receipt(seq)
			continue
		}
		if err := w.lookup.QueryRowContext(ctx, string(rw.ID)).Scan(&seq, &recv, &hash, &warnings, &leaf); err != nil {
			return nil, fmt.Errorf("look up submission %q: %w", rw.ID, err)
		}
		if string(hash) != string(rw.Hash[:]) {
			return nil, sqlstore.Conflict(rw.ID)
		}
		rs[i] = rw.Replayed(seq, recv, warnings, leaf)
	}
	return rs, nil
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
	for _, s := range []*sql.Stmt{w.begin, w.commit, w.savepoint, w.release, w.rollbackTo, w.insert, w.lookup, w.leafCount} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range w.rowStmts {
		s.Close()
	}
}
