package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// row is a submission ready for the insert statement, prepared in the
// caller's goroutine so the writer only executes.
type row struct {
	sqlstore.Pending
	args []any
	sub  *sandik.Submission // for the log's readers once committed (sqlstore.Recent)
}

func newRow(s *sandik.Submission, p sqlstore.Pending) row {
	t := &s.Sheet
	hash := s.Hash // the row's own copy, bound as a blob
	r := row{Pending: p, sub: s}
	r.args = []any{
		string(s.ID), string(s.Race), string(s.Box), string(s.User), string(s.Source), int64(s.Kind), s.Reason,
		sqlstore.Nanos(s.CapturedAt), p.ReceivedAt,
		t.Registered, t.VotedByLaw, t.Voted, t.ValidWithoutObjection, t.ValidUponObjection, t.ValidTotal, t.Invalid,
		appendVotes(make([]byte, 0, 3*len(t.Votes)), t.Votes), hash[:], int64(s.Warnings),
		pack(s, p.ReceivedAt),
	}
	return r
}

// Append implements sandik.LogWriter: a call's rows travel to the writer
// as one request.
func (s *Store) Append(ctx context.Context, subs []sandik.Submission) ([]sandik.Receipt, error) {
	return sqlstore.Append(ctx, "sqlite", subs, s.now, newRow, func(ctx context.Context, rows []row) ([]sandik.Receipt, error) {
		return s.queue.Do(ctx, work{rows: rows})
	})
}

// logReads are the methods of sandik.LogReader, over logQueries.
type logReads = sqlstore.LogReads

// logQueries read the log through query: seq and the packed copy of
// each submission.
var logQueries = sqlstore.LogQueries{
	Since: `SELECT seq, packed FROM submissions WHERE seq > ? ORDER BY seq LIMIT ?`,
	ByID:  `SELECT seq, packed FROM submissions WHERE client_id = ?`,
	ByBox: `SELECT seq, packed FROM submissions WHERE race = ? AND box = ? ORDER BY seq`,
	Head:  `SELECT coalesce(max(seq), 0) FROM submissions`,
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
