package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/commitq"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// A request is the rows of one Append call, committed all or nothing.
type request = commitq.Request[[]row]

// result is a caller's answer while its group is decided.
type result struct {
	receipts []sandik.Receipt // one per row
	local    []bool           // receipts numbered within the group, not yet shifted by the head
	err      error
}

// setLeaves sets the leaf of every receipt whose row the group wrote.
func (r *result) setLeaves(leaves map[sandik.SubmissionID]int64) {
	for i := range r.receipts {
		if leaf, ok := leaves[r.receipts[i].ID]; ok {
			r.receipts[i].LeafIndex = leaf
		}
	}
}

// shift turns the group's numbers into sequence numbers.
func (r *result) shift(base int64) {
	for i, l := range r.local {
		if l {
			r.receipts[i].Seq += base
		}
	}
	r.local = nil
}

// writer commits the groups the commit queue gathers, each in one
// transaction. Two goroutines of the queue run it: while one group waits
// for its COMMIT to reach the disk, the next is sent and queues on the
// log's lock, ready to go the moment the first lets go. (One goroutine
// idles the server between commits; two instances ran three times as fast
// as one.)
type writer struct {
	pool    *pgxpool.Pool
	channel string
	log     *slog.Logger
	// beforeInsert, when set (by tests), runs between the look-up and the
	// insert of every attempt.
	beforeInsert func()
	edges        sqlstore.EdgeCache
}

func startWriter(pool *pgxpool.Pool, channel string, maxBatch, goroutines int, n *commitq.Notifier, log *slog.Logger) (*writer, *commitq.Queue[[]row]) {
	w := &writer{pool: pool, channel: channel, log: log}
	q := commitq.Start(commitq.Options[[]row]{
		Commit:   w.commit,
		Failed:   writeFailed,
		Size:     func(rows []row) int { return len(rows) },
		MaxBatch: maxBatch,
		Writers:  goroutines,
		Notify:   n,
		Log:      log,
	})
	return w, q
}

// commit commits the group's new rows in one transaction. A caller
// whose rows conflict with the log is answered EConflict and its rows are
// left out; any other failure, the COMMIT's included, fails every caller.
func (w *writer) commit(group []*request) commitq.Outcome {
	ctx := context.Background() // callers' contexts must not interrupt a shared transaction
	results := make([]result, len(group))
	start := time.Now()
	head, stage, err := w.commitGroup(ctx, group, results)
	o := commitq.Outcome{Answers: make([]commitq.Answer, len(group)), Head: head, Stage: stage, Err: err}
	for i, r := range results {
		o.Answers[i] = commitq.Answer{Receipts: r.receipts, Err: r.err}
	}
	if err == nil {
		o.CommitTime = time.Since(start)
	}
	return o
}

type stored struct {
	seq        int64
	receivedAt int64
	hash       []byte
	warnings   int64
	leaf       int64
}

// commitGroup looks up which of the group's ids are in the log, answers
// each caller, and commits the new rows in one round trip: BEGIN; move
// log_head on by the number of new rows, which takes the row lock every
// appending transaction of every instance takes and holds it to the end;
// insert the rows with the numbers below the new head; NOTIFY (delivered
// at commit); COMMIT. The lock is held only while the server works, never
// across a round trip to this process. The look-up runs before the lock,
// so another instance may add one of the ids in between: the insert then
// meets the unique index (SQLSTATE 23505), nothing is written, and the
// group is looked up and decided again.
func (w *writer) commitGroup(ctx context.Context, group []*request, results []result) (head int64, stage string, err error) {
	c, err := w.pool.Acquire(ctx)
	if err != nil {
		return 0, "connect", err
	}
	defer c.Release()
	ids := make([]string, 0, len(group))
	for _, r := range group {
		for i := range r.Work {
			ids = append(ids, string(r.Work[i].ID))
		}
	}
	for attempt := 1; ; attempt++ {
		existing, err := lookUp(ctx, c, ids)
		if err != nil {
			return 0, "look up", err
		}
		var (
			ins   inserts
			n     int64
			fresh = map[sandik.SubmissionID]sandik.Receipt{}
		)
		for i, r := range group {
			results[i] = decide(r.Work, existing, fresh, &n, &ins)
		}
		if n == 0 {
			return 0, "", nil // only replays and conflicts: nothing to write
		}
		if w.beforeInsert != nil {
			w.beforeInsert()
		}
		var leaves map[sandik.SubmissionID]int64
		head, leaves, err = w.insert(ctx, c, &ins, n)
		if err != nil && sqlState(err) == "" {
			// No answer from the server: the COMMIT may have happened.
			if h, ok := w.resolve(&ins, n); ok {
				head, err = h, nil
			}
		}
		if isUniqueViolation(err) && attempt < 3 {
			w.log.Info("an id of the group was written by another instance meanwhile; deciding again", "err", err)
			continue
		}
		if err != nil {
			return 0, "insert and commit", err
		}
		for i := range results {
			results[i].shift(head - n)
			results[i].setLeaves(leaves)
		}
		return head, "", nil
	}
}

func lookUp(ctx context.Context, c *pgxpool.Conn, ids []string) (map[sandik.SubmissionID]stored, error) {
	rows, err := c.Query(ctx, `SELECT client_id, seq, received_at, hash, warnings,
	coalesce((SELECT idx FROM ledger_records l WHERE l.seq = s.seq AND l.ref = s.client_id), -1)
FROM submissions s WHERE client_id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	existing := map[sandik.SubmissionID]stored{}
	var (
		id string
		s  stored
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &s.seq, &s.receivedAt, &s.hash, &s.warnings, &s.leaf}, func() error {
		existing[sandik.SubmissionID(id)] = s
		return nil
	})
	return existing, err
}

// insert commits the n rows of ins, with their leaves in the ledger, and
// returns the new head and each row's leaf.
//
// Two round trips: the first begins, moves log_head on (taking its lock)
// and reads the ledger's size; the second inserts the rows, the ledger
// records and their stored hashes, notifies and commits. The leaves'
// hashes depend on the seqs and the ledger's edge, known only once the
// lock is held, so the lock is held across one round trip to this
// process (two when the cached edge is stale, as after another instance
// wrote): that is what the ledger costs in PostgreSQL, where before the
// lock was held only while the server worked. Every instance takes the
// same lock, so leaves follow the log's one total order by seq.
func (w *writer) insert(ctx context.Context, c *pgxpool.Conn, ins *inserts, n int64) (head int64, leaves map[sandik.SubmissionID]int64, err error) {
	var b pgx.Batch
	var size int64
	b.Queue("BEGIN")
	b.Queue(`UPDATE log_head SET seq = seq + $1 RETURNING seq`, n).QueryRow(func(row pgx.Row) error { return row.Scan(&head) })
	b.Queue(ledgerQueries.Size).QueryRow(func(row pgx.Row) error { return row.Scan(&size) })
	if err := c.SendBatch(ctx, &b).Close(); err != nil {
		rollback(c)
		return 0, nil, err
	}
	db := sqlstore.DB{Name: "postgres", Query: queryOn(c)}
	edge, err := w.edges.At(size, sqlstore.HashReader(ctx, db, ledgerQueries))
	if err != nil {
		rollback(c)
		return 0, nil, err
	}
	recs := make([]ledger.Record, len(ins.seq))
	leaves = make(map[sandik.SubmissionID]int64, len(ins.seq))
	for i := range ins.seq {
		recs[i] = ins.rows[i].Record(head - n + ins.seq[i])
		leaves[ins.rows[i].ID] = size + int64(i)
	}
	lv, err := sqlstore.AppendLeaves(&edge, recs)
	if err != nil {
		rollback(c)
		return 0, nil, err
	}
	b = pgx.Batch{}
	b.Queue(insertSubmissions, append([]any{n}, ins.args()...)...)
	queueLeaves(&b, lv)
	b.Queue(`SELECT pg_notify($1, (SELECT seq FROM log_head)::text)`, w.channel)
	var tag string
	b.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error { tag = ct.String(); return nil })
	if err := c.SendBatch(ctx, &b).Close(); err != nil {
		rollback(c)
		return 0, nil, err
	}
	if tag != "COMMIT" {
		return 0, nil, fmt.Errorf("the transaction was rolled back (%s)", tag)
	}
	w.edges.Committed(sqlstore.Grown{Edge: edge, Leaves: lv})
	return head, leaves, nil
}

// resolve finds out, on a fresh connection, whether a transaction whose
// answer was lost did commit: it did if every row of ins is in the log
// with its content and the numbers the transaction would have given it.
// Then the callers get their receipts rather than an error for something
// that was saved. ok is false when the rows are not there or the log
// cannot be read (the callers then get an error, and a retry with the
// same ids is answered from the log either way).
func (w *writer) resolve(ins *inserts, n int64) (head int64, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := w.pool.Query(ctx, `SELECT client_id, seq, hash FROM submissions WHERE client_id = ANY($1)`, ins.id)
	if err != nil {
		return 0, false
	}
	type found struct {
		seq  int64
		hash []byte
	}
	in := map[string]found{}
	var (
		id string
		f  found
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &f.seq, &f.hash}, func() error { in[id] = f; return nil }); err != nil {
		return 0, false
	}
	first, ok := in[ins.id[0]]
	if !ok || int64(len(in)) != n {
		return 0, false
	}
	base := first.seq - ins.seq[0]
	for i, id := range ins.id {
		f := in[id]
		if f.seq != base+ins.seq[i] || string(f.hash) != string(ins.hash[i]) {
			return 0, false
		}
	}
	w.log.Warn("the answer to a group commit was lost, but the log holds it: acknowledging", "rows", n)
	return base + n, true
}

// decide answers one caller: EConflict if any of its ids is in the log,
// or already written by an earlier caller of the group, with another
// hash; otherwise a replay receipt for each id in the log, and for each
// new one the next number of the group (1, 2, …; shifted by the head once
// it is known), whose row joins ins.
func decide(rows []row, existing map[sandik.SubmissionID]stored, fresh map[sandik.SubmissionID]sandik.Receipt, next *int64, ins *inserts) result {
	for i := range rows {
		rw := &rows[i]
		if s, ok := existing[rw.ID]; ok && string(s.hash) != string(rw.Hash[:]) {
			return result{err: sqlstore.Conflict(rw.ID)}
		}
		if rc, ok := fresh[rw.ID]; ok && ins.hashOf(rc.Seq) != rw.Hash {
			return result{err: sqlstore.Conflict(rw.ID)}
		}
	}
	rs := make([]sandik.Receipt, len(rows))
	local := make([]bool, len(rows))
	for i := range rows {
		rw := &rows[i]
		if s, ok := existing[rw.ID]; ok {
			rs[i] = rw.Replayed(s.seq, s.receivedAt, s.warnings, s.leaf)
			continue
		}
		local[i] = true
		if rc, ok := fresh[rw.ID]; ok {
			rc.Replayed = true
			rs[i] = rc
			continue
		}
		*next++
		ins.add(*next, rw)
		rs[i] = rw.Receipt(*next)
		fresh[rw.ID] = rs[i]
	}
	return result{receipts: rs, local: local}
}

// rollback ends whatever transaction is open on c. If that fails the
// connection is closed, so the pool never hands out one inside a
// transaction.
func rollback(c *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Exec(ctx, "ROLLBACK"); err != nil {
		c.Conn().Close(ctx) //nolint:errcheck // the connection is being discarded
	}
}

// writeFailed describes a group commit that did not happen. A retry with
// the same ids is always safe: if the commit did reach the disk before the
// connection broke, the retry gets the original receipts.
func writeFailed(stage string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || transient(err) {
		return fmt.Errorf("%w: %s: %w", sandik.Errorf(sandik.EUnavailable,
			"the submission log cannot be written at the moment; retry later with the same id"), stage, err)
	}
	return fmt.Errorf("write submission log: %s: %w", stage, err)
}
