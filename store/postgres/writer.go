package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/commitq"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
	"golang.org/x/mod/sumdb/tlog"
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
// transaction. One goroutine of the queue runs it by default
// (Options.Writers), so that a group gathers every caller that queued
// while the one before it was being committed; with more, while one
// group is being inserted the next is looked up (when ids came twice
// lately), ready to go the moment the first is answered.
type writer struct {
	pool    *pgxpool.Pool
	channel string
	log     *slog.Logger
	// recent keeps each committed group's submissions for the log's
	// readers, this centre's follower first.
	recent *sqlstore.Recent
	// stats has the log's tables analyzed as the log grows.
	stats *statistics
	// beforeInsert, when set (by tests), runs between the look-up and the
	// insert of every attempt.
	beforeInsert func()
	edges        sqlstore.EdgeCache

	// tipMu is held by a group from its numbering to its answer (insert),
	// and guards tip, skipTip and skipNext.
	tipMu sync.Mutex
	// tipGen moves on after every other ledger write of this process
	// (forgetTip): a tip set before it is not tried. An atomic, so that
	// those writes never wait for a group commit.
	tipGen atomic.Int64
	// tip is the log and the ledger as this process's last group left
	// them, when known: the next group is then numbered, hashed and sent
	// in one round trip (insertOnTip).
	tip tip
	// skipTip is how many groups are still to be decided under the lock
	// after the tip was found wrong, and skipNext how many the next wrong
	// tip skips: while other instances write as fast as this one, the tip
	// is mostly wrong, and trying it first would cost a refused round trip
	// per group.
	skipTip, skipNext int
	// onTip counts the groups committed on the tip; refetched those
	// decided under the lock, the tip being unknown, skipped or wrong;
	// wrongTips the tips the database found wrong.
	onTip, refetched, wrongTips atomic.Int64
	// hashMismatches counts the groups whose leaves the database hashed
	// otherwise than package ledger (insertInDB): never, but for a defect
	// or a changed function.
	hashMismatches atomic.Int64
	// lookUpFor is how many groups to come look their ids up before
	// inserting (lookUpFirst).
	lookUpFor atomic.Int64
	// lastHead is the log's head after this process's last group, -1
	// when unknown (at a start, after a failed group); guarded by tipMu.
	lastHead int64
	// contended is how many groups to come gather for contendedWindow:
	// set when a group found that another instance had moved the log
	// since this process's last one.
	contended atomic.Int64
}

// tip is the head of the log and the ledger's edge as a group expects to
// find them, with the ledger's last record, which no other write shares
// (its id is unique in the log and its content hash names its content).
type tip struct {
	known bool
	gen   int64 // tipGen when the group that set it began
	head  int64 // the log's head
	edge  ledger.Edge
	last  ledger.Record // the record of leaf edge.Size()-1
}

// gatherWindow and busyAt: after a group of busyAt callers or more, the
// next group waits up to gatherWindow for more callers. With 128
// connections a group then holds 75-85 submissions instead of 55, and
// PostgreSQL spent about a tenth less CPU per submission (a transaction,
// its statements and its flush are per group), for the same throughput
// and p99 (two runs each of 1 and 2 ms against none, shared machine). A
// lone caller, or a trickle, never waits.
//
// While another instance writes too, the two instances' commits take
// turns on the log's lock, and a group sent at once mostly waits in the
// database for the other's commit to end: the next group then gathers
// for contendedWindow, about one commit of the other instance, and goes
// to the lock with the callers that came meanwhile: fewer, larger
// commits. Two instances on this project's 2-vCPU machine, alternated
// three times: 6,195 submissions a second on average against 5,454, and
// PostgreSQL's CPU per submission 107 µs against 135 (docs/postgres-log.md;
// 8 ms did no better). One instance is never contended and unchanged.
const (
	gatherWindow    = time.Millisecond
	busyAt          = 16
	contendedWindow = 4 * time.Millisecond
	contendedGroups = 16
)

// window is how long the next busy group gathers (commitq's WindowFor).
func (w *writer) window() time.Duration {
	if w.contended.Load() > 0 {
		return contendedWindow
	}
	return gatherWindow
}

// moved records where a committed group left the log: a group that found
// the head elsewhere than this process's last group left it followed
// another instance's commit, and the next contendedGroups gather longer.
// The caller holds tipMu.
func (w *writer) moved(head, n int64) {
	if w.lastHead >= 0 && head-n != w.lastHead {
		w.contended.Store(contendedGroups)
	} else if w.contended.Load() > 0 {
		w.contended.Add(-1)
	}
	w.lastHead = head
}

func startWriter(pool *pgxpool.Pool, channel string, maxBatch, goroutines int, n *commitq.Notifier, recent *sqlstore.Recent, log *slog.Logger) (*writer, *commitq.Queue[[]row]) {
	w := &writer{pool: pool, channel: channel, log: log, recent: recent, stats: newStatistics(pool, log), lastHead: -1}
	w.lookUpFor.Store(lookUpAfterDuplicate)
	q := commitq.Start(commitq.Options[[]row]{
		Commit:    w.commit,
		Failed:    writeFailed,
		Size:      func(rows []row) int { return len(rows) },
		MaxBatch:  maxBatch,
		Writers:   goroutines,
		Window:    gatherWindow,
		WindowFor: w.window,
		BusyAt:    busyAt,
		Notify:    n,
		Log:       log,
	})
	return w, q
}

// commit commits the group's new rows in one transaction. A caller
// whose rows conflict with the log is answered EConflict and its rows are
// left out; any other failure, the COMMIT's included, fails every caller.
func (w *writer) commit(group []*request) commitq.Outcome {
	// Callers' contexts must not interrupt a shared transaction; a bound
	// of its own ends one whose connection went silent (the answer is
	// then lost, and resolve finds out whether it committed).
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
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

// commitGroup looks up which of the group's ids are in the log (or, while
// none has come twice lately, lets the insert find out: lookUpFirst),
// answers each caller, and commits the new rows in one round trip: BEGIN; move
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
	looked := 0
	for attempt := 1; ; attempt++ {
		existing := map[sandik.SubmissionID]stored{}
		if attempt > 1 || w.lookUpFirst() {
			looked++
			if existing, err = lookUp(ctx, c, ids); err != nil {
				return 0, "look up", err
			}
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
			if h, lv, ok := w.resolve(&ins, n); ok {
				head, leaves, err = h, lv, nil
			}
		}
		if isUniqueViolation(err) && looked < 3 {
			w.lookUpFor.Store(lookUpAfterDuplicate)
			if looked == 0 {
				w.log.Debug("an id of the group is in the log; looking the group up", "err", err)
			} else {
				w.log.Info("an id of the group was written by another instance meanwhile; deciding again", "err", err)
			}
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

// lookUpIDs finds which of the ids $1 are in the log, with each one's
// leaf. It is planned afresh at every execution (pgx.QueryExecModeExec),
// never from a plan the connection kept: a plan PostgreSQL makes generic
// while the log is still nearly empty scans the whole table and compares
// every row with every id of the array, and stays in use as the log
// grows. That scan was three quarters of the database's CPU per
// submission, and would grow with the night.
const lookUpIDs = `SELECT client_id, seq, received_at, hash, warnings,
	coalesce((SELECT idx FROM ledger_records l WHERE l.seq = s.seq AND l.ref = s.client_id), -1)
FROM submissions s WHERE client_id = ANY($1::text[])`

// lookUpAfterDuplicate is how many groups look their ids up first after
// a group met one already in the log, and after a start: replays come in
// runs (clients sending again after a cut or a restart), and a group that
// inserts one costs a refused round trip before it is looked up.
const lookUpAfterDuplicate = 64

// lookUpFirst says whether the next group looks its ids up before
// inserting. Otherwise it inserts at once, and the log's unique index
// refuses an id already there (a replay, a conflict, another instance's
// write): nothing is written and the group is looked up and decided again,
// so every caller gets the answer a look-up first would have given. That
// saves a statement, its plan and a round trip per group while no id
// comes twice.
func (w *writer) lookUpFirst() bool {
	for {
		n := w.lookUpFor.Load()
		if n <= 0 {
			return false
		}
		if w.lookUpFor.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

func lookUp(ctx context.Context, c *pgxpool.Conn, ids []string) (map[sandik.SubmissionID]stored, error) {
	rows, err := c.Query(ctx, lookUpIDs, pgx.QueryExecModeExec, ids)
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
// returns the new head and each row's leaf: on the tip in one round trip
// when it is known and right, otherwise under the lock in two. One group
// of this process is being inserted at a time: a second sent on the tip
// before the first's answer could reach the log's lock first and be
// refused, and one decided under the lock would move the tip under the
// first (both would cost more round trips than they save; the log's lock
// lets only one commit at a time anyway).
func (w *writer) insert(ctx context.Context, c *pgxpool.Conn, ins *inserts, n int64) (head int64, leaves map[sandik.SubmissionID]int64, err error) {
	w.tipMu.Lock()
	defer w.tipMu.Unlock()
	w.recent.Begin()
	defer func() {
		var done []sandik.Submission
		if err == nil {
			done = ins.committed(head - n)
			w.stats.grew(head)
			w.moved(head, n)
		} else {
			w.lastHead = -1
		}
		w.recent.End(done)
	}()
	gen := w.tipGen.Load()
	switch {
	case !w.tip.known || w.tip.gen != gen:
	case w.skipTip > 0:
		w.skipTip--
	default:
		head, leaves, err := w.insertOnTip(ctx, c, ins, n, gen)
		if !errors.Is(err, errTipMoved) {
			if err == nil {
				w.onTip.Add(1)
			}
			return head, leaves, err
		}
	}
	w.refetched.Add(1)
	return w.insertInDB(ctx, c, ins, n, gen)
}

// errTipMoved is a group on the tip that tipCheck found wrong.
var errTipMoved = errors.New("the log's tip moved")

// onTip is the condition every write of a group on the tip is made on:
// the transaction's setting tipCheck leaves on when the tip was right.
const onTip = `current_setting('sandik.tip') = 'on'`

// tipCheck runs once the transaction holds log_head's lock: it says, and
// sets sandik.tip for the rest of the transaction to say, whether the log
// and the ledger are what the group was numbered and hashed on: head $1,
// $2 leaves, the last of which is the record ($3, $4) this process put
// there. Every writer of either takes the same lock, so nothing moves
// between the check and the commit. A wrong tip is no error: every write
// after is made on onTip, so the transaction writes nothing and commits,
// and the connection's prepared statements stay (a failed batch would
// have pgx prepare them all again).
const tipCheck = `SELECT set_config('sandik.tip', CASE WHEN (SELECT seq FROM log_head) = $1
	AND (SELECT coalesce(max(idx) + 1, 0) FROM ledger_records) = $2::bigint
	AND ($2::bigint = 0 OR EXISTS (SELECT 1 FROM ledger_records WHERE idx = $2::bigint - 1 AND ref = $3 AND content_hash = $4))
	THEN 'on' ELSE 'off' END, true) = 'on'`

// insertOnTip numbers and hashes the group on the tip, and sends BEGIN,
// the log's lock, tipCheck, the move of the head, the rows, the ledger's
// rows and COMMIT as one batch: the lock is taken and let go within that
// one round trip, never held across a round trip to this process. The
// caller holds tipMu.
//
// When the tip was wrong (another instance, or a ledger write of another
// process, went in between), nothing is written and errTipMoved is
// returned; the tip is forgotten until a group decided under the lock
// sets it again, and the groups after skip it (0, 1, 2, 4 … 64 of them as
// wrong tips follow one another).
func (w *writer) insertOnTip(ctx context.Context, c *pgxpool.Conn, ins *inserts, n, gen int64) (head int64, leaves map[sandik.SubmissionID]int64, err error) {
	t := w.tip
	size := t.edge.Size()
	recs := make([]ledger.Record, len(ins.seq))
	leaves = make(map[sandik.SubmissionID]int64, len(ins.seq))
	for i := range ins.seq {
		recs[i] = ins.rows[i].Record(t.head + ins.seq[i])
		leaves[ins.rows[i].ID] = size + int64(i)
	}
	edge := t.edge
	lv, err := sqlstore.AppendLeaves(&edge, recs)
	if err != nil {
		return 0, nil, err
	}
	head = t.head + n
	var b pgx.Batch
	var right bool
	b.Queue(beginReadCommitted)
	b.Queue(`SELECT seq FROM log_head FOR UPDATE`)
	b.Queue(tipCheck, t.head, size, t.last.ID, t.last.ContentHash[:]).QueryRow(func(row pgx.Row) error { return row.Scan(&right) })
	// The row lock gave the transaction an id: a wrong tip's empty
	// commit would wait for a flush of the WAL, holding the lock.
	b.Queue(`SELECT set_config('synchronous_commit', 'off', true) WHERE NOT ` + onTip)
	b.Queue(`UPDATE log_head SET seq = seq + $1 WHERE `+onTip, n)
	b.Queue(insertSubmissions+` WHERE `+onTip, append([]any{n}, ins.args()...)...)
	queueLeavesIf(&b, lv, onTip)
	b.Queue(`SELECT pg_notify($1, (SELECT seq FROM log_head)::text) WHERE `+onTip, w.channel)
	var tag string
	b.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error { tag = ct.String(); return nil })
	err = closeCommit(c.SendBatch(ctx, &b), &tag)
	if err == nil && !right {
		err = errTipMoved
		w.wrongTips.Add(1)
		w.skipTip, w.skipNext = w.skipNext, min(max(1, 2*w.skipNext), 64)
	}
	if err != nil {
		if !errors.Is(err, errTipMoved) {
			rollback(c)
		}
		w.tip = tip{}
		return 0, nil, err
	}
	w.skipNext = 0
	w.tip = tip{known: true, gen: gen, head: head, edge: edge, last: recs[len(recs)-1]}
	w.edges.Committed(sqlstore.Grown{Edge: edge, Leaves: lv})
	return head, leaves, nil
}

// forgetTip is called after a ledger write of this process other than a
// group of submissions: the tip no longer holds, and the next group is
// decided under the lock rather than sent on a tip the database would
// find wrong. It never waits.
func (w *writer) forgetTip() { w.tipGen.Add(1) }

// groupTimeout bounds a group commit, its look-ups and retries included:
// a connection that dies without a word (a dropped NAT entry, a failover)
// would otherwise hold every group of the instance behind tipMu until the
// operating system gave up on it, many minutes later.
const groupTimeout = 30 * time.Second

// beginReadCommitted begins a transaction of the writer: what it reads
// after taking the log's lock must be what the lock's last holder
// committed, which a database defaulting to REPEATABLE READ would not
// show.
const beginReadCommitted = "BEGIN ISOLATION LEVEL READ COMMITTED"

// closeCommit reads a batch ending in COMMIT whose tag goes to *tag: an
// error if any statement failed or the transaction was rolled back.
func closeCommit(br pgx.BatchResults, tag *string) error {
	if err := br.Close(); err != nil {
		return err
	}
	if *tag != "COMMIT" {
		return fmt.Errorf("the transaction was rolled back (%s)", *tag)
	}
	return nil
}

// appendLeavesInDB appends the ledger's leaves of a group in the
// database (ledger_append_leaves, migration 0023): $1-$4 the records'
// kinds, ids, numbers within the group and content hashes, $5 the
// group's size, by which the head has just moved on.
const appendLeavesInDB = `SELECT first_leaf, old_edge, hashes FROM ledger_append_leaves($1::smallint[], $2::text[],
	$3::bigint[], $4::bytea[], (SELECT seq FROM log_head) - $5::bigint)`

// insertInDB commits the n rows of ins when the tip is not known, in one
// round trip: BEGIN, the move of log_head (its row lock), the rows, the
// ledger's leaves hashed by the database on the edge it finds under the
// lock, NOTIFY and COMMIT. The lock is held only while the database
// works, never across a round trip to this process, whichever instance
// committed last. Every instance takes the same lock, so leaves follow
// the log's one total order by seq.
//
// The database answers with the edge it hashed on and the hashes it
// stored; this process hashes the same records on that edge again. A
// group whose hashes differ is still acknowledged (its rows are durable),
// but logged as an error and kept neither as the tip nor in the receipts'
// hash cache, whose proofs then read the stored hashes: the tip and the
// cache only ever hold what package ledger computes. Once committed and
// checked, the group sets the tip for the groups after it. The caller
// holds tipMu.
func (w *writer) insertInDB(ctx context.Context, c *pgxpool.Conn, ins *inserts, n, gen int64) (head int64, leaves map[sandik.SubmissionID]int64, err error) {
	// Whatever happens, the tip is this group's or none: an answer lost
	// on the way may hide a commit.
	w.tip = tip{}
	k := len(ins.seq)
	kinds, refs, content := make([]int16, k), make([]string, k), make([][]byte, k)
	for i := range ins.seq {
		r := ins.rows[i].Record(ins.seq[i])
		kinds[i], refs[i], content[i] = int16(r.Kind), r.ID, r.ContentHash[:]
	}
	var (
		first         int64
		edgeAt, added [][]byte
		tag           string
		b             pgx.Batch
	)
	b.Queue(beginReadCommitted)
	b.Queue(`UPDATE log_head SET seq = seq + $1 RETURNING seq`, n).QueryRow(func(row pgx.Row) error { return row.Scan(&head) })
	b.Queue(insertSubmissions, append([]any{n}, ins.args()...)...)
	b.Queue(appendLeavesInDB, kinds, refs, ins.seq, content, n).QueryRow(func(row pgx.Row) error { return row.Scan(&first, &edgeAt, &added) })
	b.Queue(`SELECT pg_notify($1, (SELECT seq FROM log_head)::text)`, w.channel)
	b.Queue("COMMIT").Exec(func(ct pgconn.CommandTag) error { tag = ct.String(); return nil })
	if err := closeCommit(c.SendBatch(ctx, &b), &tag); err != nil {
		rollback(c)
		return 0, nil, err
	}
	recs := make([]ledger.Record, k)
	leaves = make(map[sandik.SubmissionID]int64, k)
	for i := range ins.seq {
		recs[i] = ins.rows[i].Record(head - n + ins.seq[i])
		leaves[ins.rows[i].ID] = first + int64(i)
	}
	edge, err := ledger.LoadEdge(first, storedEdge(edgeAt))
	var lv sqlstore.Leaves
	if err == nil {
		lv, err = sqlstore.AppendLeaves(&edge, recs)
	}
	if err == nil && !sameHashes(lv.Hashes, added) {
		err = fmt.Errorf("the database hashed leaves %d to %d otherwise than package ledger", first, first+int64(k)-1)
	}
	if err != nil {
		// The rows are durable and the callers are answered so; what no
		// longer holds is this process's copy of the tree, which is why
		// nothing of it is kept. An audit finds which side is wrong.
		w.hashMismatches.Add(1)
		w.log.Error("the ledger's leaves the database committed differ from package ledger's; not keeping them as the tip", "err", err)
		return head, leaves, nil
	}
	w.edges.Committed(sqlstore.Grown{Edge: edge, Leaves: lv})
	w.tip = tip{known: true, gen: gen, head: head, edge: edge, last: recs[k-1]}
	return head, leaves, nil
}

// storedEdge is the edge ledger_append_leaves read, one hash per level
// from the leaves up: the order ledger.LoadEdge asks for them.
type storedEdge [][]byte

func (e storedEdge) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	if len(idx) != len(e) {
		return nil, fmt.Errorf("the database read %d hashes of the edge, %d needed", len(e), len(idx))
	}
	out := make([]tlog.Hash, len(e))
	for i, h := range e {
		if len(h) != len(out[i]) {
			return nil, fmt.Errorf("a hash of the edge has %d bytes", len(h))
		}
		out[i] = tlog.Hash(h)
	}
	return out, nil
}

func sameHashes(ours [][32]byte, theirs [][]byte) bool {
	if len(ours) != len(theirs) {
		return false
	}
	for i := range ours {
		if string(ours[i][:]) != string(theirs[i]) {
			return false
		}
	}
	return true
}

// resolve finds out, on a fresh connection, whether a transaction whose
// answer was lost did commit: it did if every row of ins is in the log
// with its content and the numbers the transaction would have given it,
// and its leaf in the ledger. Then the callers get their receipts, leaves
// included, rather than an error for something that was saved. ok is false when the rows are not there or the log
// cannot be read (the callers then get an error, and a retry with the
// same ids is answered from the log either way).
func (w *writer) resolve(ins *inserts, n int64) (head int64, leaves map[sandik.SubmissionID]int64, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := w.pool.Acquire(ctx)
	if err != nil {
		return 0, nil, false
	}
	defer c.Release()
	got, err := lookUp(ctx, c, ins.id)
	if err != nil {
		return 0, nil, false
	}
	type found struct {
		seq, leaf int64
		hash      []byte
	}
	in := make(map[string]found, len(got))
	for id, s := range got {
		in[string(id)] = found{seq: s.seq, leaf: s.leaf, hash: s.hash}
	}
	first, ok := in[ins.id[0]]
	if !ok || int64(len(in)) != n {
		return 0, nil, false
	}
	base := first.seq - ins.seq[0]
	leaves = make(map[sandik.SubmissionID]int64, len(ins.id))
	for i, id := range ins.id {
		f := in[id]
		if f.seq != base+ins.seq[i] || string(f.hash) != string(ins.hash[i]) || f.leaf < 0 {
			return 0, nil, false
		}
		leaves[sandik.SubmissionID(id)] = f.leaf
	}
	w.log.Warn("the answer to a group commit was lost, but the log holds it: acknowledging", "rows", n)
	return base + n, leaves, true
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
