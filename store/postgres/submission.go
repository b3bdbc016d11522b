package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// row is a submission ready for the writer, prepared in the caller's
// goroutine.
type row struct {
	sqlstore.Pending
	sub *sandik.Submission
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
	rows                                           []*row // for their ledger records
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
	in.rows = append(in.rows, r)
	in.id = append(in.id, string(s.ID))
	in.race = append(in.race, string(s.Race))
	in.box = append(in.box, string(s.Box))
	in.user = append(in.user, string(s.User))
	in.source = append(in.source, string(s.Source))
	in.kind = append(in.kind, int64(s.Kind))
	in.reason = append(in.reason, s.Reason)
	in.captured = append(in.captured, sqlstore.Nanos(s.CapturedAt))
	in.received = append(in.received, r.ReceivedAt)
	in.registered = append(in.registered, t.Registered)
	in.byLaw = append(in.byLaw, t.VotedByLaw)
	in.voted = append(in.voted, t.Voted)
	in.without = append(in.without, t.ValidWithoutObjection)
	in.upon = append(in.upon, t.ValidUponObjection)
	in.valid = append(in.valid, t.ValidTotal)
	in.invalid = append(in.invalid, t.Invalid)
	in.votes = append(in.votes, voteLiteral(t.Votes))
	in.hash = append(in.hash, r.Hash[:])
	in.warnings = append(in.warnings, int64(s.Warnings))
}

// committed returns the rows as the log holds them once committed below
// base (the head before the group).
func (in *inserts) committed(base int64) []sandik.Submission {
	out := make([]sandik.Submission, len(in.rows))
	for i, r := range in.rows {
		out[i] = sqlstore.NormalizeStored(*r.sub, base+in.seq[i], r.Pending)
	}
	return out
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

// Append implements sandik.LogWriter: a call's rows travel to the writer
// as one request.
func (s *Store) Append(ctx context.Context, subs []sandik.Submission) ([]sandik.Receipt, error) {
	return sqlstore.Append(ctx, "postgres", subs, s.now, func(sub *sandik.Submission, p sqlstore.Pending) row {
		return row{Pending: p, sub: sub}
	}, s.queue.Do)
}

// logReads are the methods of sandik.LogReader, over logQueries.
type logReads = sqlstore.LogReads

// logQueries read the log through query, column by column.
var logQueries = sqlstore.LogQueries{
	Since: selectSubmission + `WHERE seq > $1 ORDER BY seq LIMIT $2`,
	ByID:  selectSubmission + `WHERE client_id = $1`,
	ByBox: selectSubmission + `WHERE race = $1 AND box = $2 ORDER BY seq`,
	Head:  `SELECT coalesce(max(seq), 0) FROM submissions`,
}

const selectSubmission = `SELECT seq, client_id, race, box, user_id, source, kind, reason, captured_at, received_at,
	registered, voted_by_law, voted, valid_without_objection, valid_upon_objection, valid_total, invalid_total,
	votes, hash, warnings FROM submissions `

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
	s.CapturedAt, s.ReceivedAt = sqlstore.Time(captured), sqlstore.Time(received)
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
