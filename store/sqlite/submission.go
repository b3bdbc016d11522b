package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
)

// row is a submission ready for the insert statement, prepared in the
// caller's goroutine so the writer only executes.
type row struct {
	id         sandik.SubmissionID
	hash       [32]byte
	receivedAt int64
	warnings   sandik.Warnings
	args       []any
}

func newRow(s *sandik.Submission, now time.Time) row {
	recv := s.ReceivedAt
	if recv.IsZero() {
		recv = now
	}
	t := &s.Sheet
	hash := s.Hash // the row's own copy, bound as a blob
	r := row{id: s.ID, hash: hash, receivedAt: recv.UnixNano(), warnings: s.Warnings}
	r.args = []any{
		string(s.ID), string(s.Race), string(s.Box), string(s.User), string(s.Source), int64(s.Kind), s.Reason,
		nanos(s.CapturedAt), r.receivedAt,
		t.Registered, t.VotedByLaw, t.Voted, t.ValidWithoutObjection, t.ValidUponObjection, t.ValidTotal, t.Invalid,
		appendVotes(make([]byte, 0, 3*len(t.Votes)), t.Votes), hash[:], int64(s.Warnings),
		pack(s, r.receivedAt),
	}
	return r
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
		return nil, fmt.Errorf("sqlite: append: %w", err)
	}
	now := s.now().UTC()
	index := make([]int, len(subs)) // receipt i is the answer for rows[index[i]]
	rows := make([]row, 0, len(subs))
	var first map[sandik.SubmissionID]int
	if len(subs) > 1 {
		first = make(map[sandik.SubmissionID]int, len(subs))
	}
	for i := range subs {
		sub := &subs[i]
		if j, dup := first[sub.ID]; dup {
			if rows[j].hash != sub.Hash {
				return nil, fmt.Errorf("sqlite: append: %w", conflict(sub.ID))
			}
			index[i] = j
			continue
		}
		if first != nil {
			first[sub.ID] = len(rows)
		}
		index[i] = len(rows)
		rows = append(rows, newRow(sub, now))
	}
	rs, err := s.queue.Do(ctx, work{rows: rows})
	if err != nil {
		return nil, fmt.Errorf("sqlite: append: %w", err)
	}
	out := make([]sandik.Receipt, len(subs))
	for i, j := range index {
		out[i] = rs[j]
	}
	return out, nil
}

const selectSubmission = `SELECT seq, packed FROM submissions `

// Since implements sandik.LogReader.
func (s *Store) Since(ctx context.Context, after int64, limit int) ([]sandik.Submission, error) {
	if limit <= 0 {
		return []sandik.Submission{}, nil
	}
	// The committed head bounds how many rows can come back; it saves
	// growing a large page step by step.
	head := s.notify.Head()
	hint := min(int64(limit), max(head-after, 0))
	subs, err := s.query(ctx, int(hint), selectSubmission+`WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: read log after %d: %w", after, err)
	}
	return subs, nil
}

// Submission implements sandik.LogReader.
func (s *Store) Submission(ctx context.Context, id sandik.SubmissionID) (sandik.Submission, error) {
	subs, err := s.query(ctx, 1, selectSubmission+`WHERE client_id = ?`, string(id))
	if err != nil {
		return sandik.Submission{}, fmt.Errorf("sqlite: read submission %q: %w", id, err)
	}
	if len(subs) == 0 {
		return sandik.Submission{}, sandik.Errorf(sandik.ENotFound, "submission %q not found", id)
	}
	return subs[0], nil
}

// BoxSubmissions implements sandik.LogReader.
func (s *Store) BoxSubmissions(ctx context.Context, race sandik.RaceCode, box sandik.AreaCode) ([]sandik.Submission, error) {
	subs, err := s.query(ctx, 4, selectSubmission+`WHERE race = ? AND box = ? ORDER BY seq`, string(race), string(box))
	if err != nil {
		return nil, fmt.Errorf("sqlite: read submissions of box %q race %q: %w", box, race, err)
	}
	return subs, nil
}

// LastSeq implements sandik.LogReader. It asks the database rather than
// the writer so that it also sees commits made by another process.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM submissions`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("sqlite: read last seq: %w", err)
	}
	return seq, nil
}

// WaitFor implements sandik.LogReader with an in-process broadcast from
// the writer; the poll interval bounds the wait for commits made by
// another process.
func (s *Store) WaitFor(ctx context.Context, after int64, poll time.Duration) error {
	return s.notify.Wait(ctx, after, poll)
}

func (s *Store) query(ctx context.Context, sizeHint int, query string, args ...any) ([]sandik.Submission, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	subs := make([]sandik.Submission, 0, sizeHint)
	var (
		seq    int64
		packed sql.RawBytes
		u      unpacker
	)
	for rows.Next() {
		if err := rows.Scan(&seq, &packed); err != nil {
			return nil, err
		}
		subs = append(subs, sandik.Submission{Seq: seq})
		if err := u.unpack(packed, &subs[len(subs)-1]); err != nil {
			return nil, fmt.Errorf("seq %d: %w", seq, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return subs, rows.Close()
}
