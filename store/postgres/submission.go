package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
)

// row is a submission ready for the writer, prepared in the caller's
// goroutine.
type row struct {
	id         sandik.SubmissionID
	hash       [32]byte
	receivedAt int64
	warnings   sandik.Warnings
	sub        *sandik.Submission
}

// inserts gathers a group's new rows column by column: the INSERT sends
// one array per column and unnests them, so a group of any size is one
// statement with twenty parameters. seq holds the rows' numbers within
// the group.
type inserts struct {
	seq                                            []int64
	id, race, box, user, source, reason, votes     []string
	kind, captured, received, warnings             []int64
	registered, byLaw, voted, without, upon, valid []int64
	invalid                                        []int64
	hash                                           [][]byte
	firstSeq                                       int64
}

// insertSubmissions numbers the rows below the head its transaction has
// just moved on by $1.
const insertSubmissions = `INSERT INTO submissions (seq, client_id, race, box, user_id, source, kind, reason,
	captured_at, received_at, registered, voted_by_law, voted, valid_without_objection,
	valid_upon_objection, valid_total, invalid_total, votes, hash, warnings)
SELECT (SELECT seq FROM log_head) - $1::bigint + u.n, client_id, race, box, user_id, source, kind, reason,
	captured_at, received_at, registered, voted_by_law, voted, valid_without_objection, valid_upon_objection,
	valid_total, invalid_total, votes::bigint[], hash, warnings
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[],
	$9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[],
	$16::bigint[], $17::bigint[], $18::text[], $19::bytea[], $20::bigint[]) WITH ORDINALITY
	AS u(client_id, race, box, user_id, source, kind, reason, captured_at, received_at, registered,
	voted_by_law, voted, valid_without_objection, valid_upon_objection, valid_total, invalid_total,
	votes, hash, warnings, n)`

func (in *inserts) add(seq int64, r *row) {
	if len(in.seq) == 0 {
		in.firstSeq = seq
	}
	s := r.sub
	t := &s.Sheet
	in.seq = append(in.seq, seq)
	in.id = append(in.id, string(s.ID))
	in.race = append(in.race, string(s.Race))
	in.box = append(in.box, string(s.Box))
	in.user = append(in.user, string(s.User))
	in.source = append(in.source, string(s.Source))
	in.kind = append(in.kind, int64(s.Kind))
	in.reason = append(in.reason, s.Reason)
	in.captured = append(in.captured, nanos(s.CapturedAt))
	in.received = append(in.received, r.receivedAt)
	in.registered = append(in.registered, t.Registered)
	in.byLaw = append(in.byLaw, t.VotedByLaw)
	in.voted = append(in.voted, t.Voted)
	in.without = append(in.without, t.ValidWithoutObjection)
	in.upon = append(in.upon, t.ValidUponObjection)
	in.valid = append(in.valid, t.ValidTotal)
	in.invalid = append(in.invalid, t.Invalid)
	in.votes = append(in.votes, voteLiteral(t.Votes))
	in.hash = append(in.hash, r.hash[:])
	in.warnings = append(in.warnings, int64(s.Warnings))
}

// hashOf returns the hash of the row given seq in this group.
func (in *inserts) hashOf(seq int64) [32]byte {
	return [32]byte(in.hash[seq-in.firstSeq])
}

func (in *inserts) args() []any {
	return []any{in.id, in.race, in.box, in.user, in.source, in.kind, in.reason, in.captured, in.received,
		in.registered, in.byLaw, in.voted, in.without, in.upon, in.valid, in.invalid, in.votes, in.hash, in.warnings}
}

// voteLiteral writes votes as an array literal: unnest would flatten an
// array of arrays, so each row's votes travel as text and are cast back.
func voteLiteral(votes []int64) string {
	b := make([]byte, 0, 2+4*len(votes))
	b = append(b, '{')
	for i, v := range votes {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, v, 10)
	}
	return string(append(b, '}'))
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Append implements sandik.LogWriter. The submissions travel to the writer
// as one request, so they commit together or not at all. An id given twice
// in one call with the same hash is written once and both receipts are the
// same; with different hashes the call fails with EConflict.
func (s *Store) Append(ctx context.Context, subs []sandik.Submission) ([]sandik.Receipt, error) {
	if len(subs) == 0 {
		return []sandik.Receipt{}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("postgres: append: %w", err)
	}
	now := s.now().UTC()
	index := make([]int, len(subs)) // receipt i is the answer for rows[index[i]]
	rows := make([]row, 0, len(subs))
	first := make(map[sandik.SubmissionID]int, len(subs))
	for i := range subs {
		sub := &subs[i]
		if j, dup := first[sub.ID]; dup {
			if rows[j].hash != sub.Hash {
				return nil, fmt.Errorf("postgres: append: %w", conflict(sub.ID))
			}
			index[i] = j
			continue
		}
		first[sub.ID] = len(rows)
		index[i] = len(rows)
		recv := sub.ReceivedAt
		if recv.IsZero() {
			recv = now
		}
		rows = append(rows, row{id: sub.ID, hash: sub.Hash, receivedAt: recv.UnixNano(), warnings: sub.Warnings, sub: sub})
	}
	rs, err := s.queue.Do(ctx, rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: append: %w", err)
	}
	out := make([]sandik.Receipt, len(subs))
	for i, j := range index {
		out[i] = rs[j]
	}
	return out, nil
}

const selectSubmission = `SELECT seq, client_id, race, box, user_id, source, kind, reason, captured_at, received_at,
	registered, voted_by_law, voted, valid_without_objection, valid_upon_objection, valid_total, invalid_total,
	votes, hash, warnings FROM submissions `

// Since implements sandik.LogReader.
func (s *Store) Since(ctx context.Context, after int64, limit int) ([]sandik.Submission, error) {
	if limit <= 0 {
		return []sandik.Submission{}, nil
	}
	head := s.notify.Head()
	hint := min(int64(limit), max(head-after, 0))
	subs, err := s.query(ctx, int(hint), selectSubmission+`WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: read log after %d: %w", after, err)
	}
	return subs, nil
}

// Submission implements sandik.LogReader.
func (s *Store) Submission(ctx context.Context, id sandik.SubmissionID) (sandik.Submission, error) {
	subs, err := s.query(ctx, 1, selectSubmission+`WHERE client_id = $1`, string(id))
	if err != nil {
		return sandik.Submission{}, fmt.Errorf("postgres: read submission %q: %w", id, err)
	}
	if len(subs) == 0 {
		return sandik.Submission{}, sandik.Errorf(sandik.ENotFound, "submission %q not found", id)
	}
	return subs[0], nil
}

// BoxSubmissions implements sandik.LogReader.
func (s *Store) BoxSubmissions(ctx context.Context, race sandik.RaceCode, box sandik.AreaCode) ([]sandik.Submission, error) {
	subs, err := s.query(ctx, 4, selectSubmission+`WHERE race = $1 AND box = $2 ORDER BY seq`, string(race), string(box))
	if err != nil {
		return nil, fmt.Errorf("postgres: read submissions of box %q race %q: %w", box, race, err)
	}
	return subs, nil
}

// LastSeq implements sandik.LogReader; it asks the database, so it sees
// every instance's commits.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM submissions`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("postgres: read last seq: %w", err)
	}
	return seq, nil
}

// WaitFor implements sandik.LogReader. This instance's commits and the
// NOTIFY of every instance's wake it; so does the listener losing or
// regaining its connection, because the caller then reads the log by
// sequence and misses nothing.
func (s *Store) WaitFor(ctx context.Context, after int64, poll time.Duration) error {
	return s.notify.Wait(ctx, after, poll)
}

func (s *Store) query(ctx context.Context, sizeHint int, query string, args ...any) ([]sandik.Submission, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	subs := make([]sandik.Submission, 0, sizeHint)
	var sc scanner
	for rows.Next() {
		sub, err := sc.scan(rows)
		if err != nil {
			return nil, err
		}
		subs = append(subs, sub)
	}
	return subs, rows.Err()
}

// scanner reads submission rows, keeping the strings that repeat (races,
// sources) shared between rows of one read.
type scanner struct {
	intern map[string]string
}

func (sc *scanner) scan(rows pgx.Rows) (sandik.Submission, error) {
	var (
		s                            sandik.Submission
		race, source                 string
		kind                         int32
		captured, received, warnings int64
		hash                         []byte
		t                            = &s.Sheet
	)
	if err := rows.Scan(&s.Seq, &s.ID, &race, &s.Box, &s.User, &source, &kind, &s.Reason, &captured, &received,
		&t.Registered, &t.VotedByLaw, &t.Voted, &t.ValidWithoutObjection, &t.ValidUponObjection, &t.ValidTotal,
		&t.Invalid, &t.Votes, &hash, &warnings); err != nil {
		return s, err
	}
	if len(hash) != len(s.Hash) {
		return s, fmt.Errorf("seq %d: hash of %d bytes", s.Seq, len(hash))
	}
	copy(s.Hash[:], hash)
	if len(t.Votes) == 0 {
		t.Votes = nil
	}
	s.Race, s.Source = sandik.RaceCode(sc.interned(race)), sandik.Source(sc.interned(source))
	s.Kind, s.Warnings = sandik.Kind(kind), sandik.Warnings(warnings)
	s.CapturedAt, s.ReceivedAt = fromNanos(captured), fromNanos(received)
	return s, nil
}

func (sc *scanner) interned(v string) string {
	if x, ok := sc.intern[v]; ok {
		return x
	}
	if sc.intern == nil {
		sc.intern = map[string]string{}
	}
	if len(sc.intern) < 4096 {
		sc.intern[v] = v
	}
	return v
}
