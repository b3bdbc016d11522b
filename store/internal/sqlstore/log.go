package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/commitq"
)

// ReadSubmissions runs a statement that selects submissions and decodes
// them, the dialect's way, into a slice with room for about sizeHint.
type ReadSubmissions func(ctx context.Context, sizeHint int, query string, args ...any) ([]sandik.Submission, error)

// LogQueries are the statements LogReads runs: Since, ByID and ByBox
// select what ReadSubmissions decodes, by seq > $1 up to $2 rows, by
// client id, and by race and box, each in seq order; Head selects the
// highest seq, 0 for an empty log.
type LogQueries struct {
	Since, ByID, ByBox, Head string
}

// LogReads implement sandik.LogReader over a dialect's statements and
// decoder; a store embeds them. The notifier is the store's: its commits,
// and whatever else the store hears of, move the head.
type LogReads struct {
	db     DB
	q      LogQueries
	read   ReadSubmissions
	notify *commitq.Notifier
	recent *Recent
}

// NewLogReads returns the log reads of a store; recent, when not nil,
// holds what the store's own writer committed lately.
func NewLogReads(db DB, q LogQueries, read ReadSubmissions, notify *commitq.Notifier, recent *Recent) LogReads {
	return LogReads{db: db, q: q, read: read, notify: notify, recent: recent}
}

// Since implements sandik.LogReader.
func (l LogReads) Since(ctx context.Context, after int64, limit int) ([]sandik.Submission, error) {
	if limit <= 0 {
		return []sandik.Submission{}, nil
	}
	// The committed head bounds how many rows can come back; it saves
	// growing a large page step by step.
	hint := min(int64(limit), max(l.notify.Head()-after, 0))
	subs, err := l.read(ctx, int(hint), l.q.Since, after, limit)
	if err != nil {
		return nil, l.db.fail(fmt.Sprintf("read log after %d", after), err)
	}
	return subs, nil
}

// RecentSince implements sandik.RecentWrites.
func (l LogReads) RecentSince(after int64, limit int) []sandik.Submission {
	return l.recent.Since(after, limit)
}

// Submission implements sandik.LogReader.
func (l LogReads) Submission(ctx context.Context, id sandik.SubmissionID) (sandik.Submission, error) {
	subs, err := l.read(ctx, 1, l.q.ByID, string(id))
	switch {
	case err != nil:
		return sandik.Submission{}, l.db.fail(fmt.Sprintf("read submission %q", id), err)
	case len(subs) == 0:
		return sandik.Submission{}, sandik.Errorf(sandik.ENotFound, "submission %q not found", id)
	}
	return subs[0], nil
}

// BoxSubmissions implements sandik.LogReader.
func (l LogReads) BoxSubmissions(ctx context.Context, race sandik.RaceCode, box sandik.AreaCode) ([]sandik.Submission, error) {
	subs, err := l.read(ctx, 4, l.q.ByBox, string(race), string(box))
	if err != nil {
		return nil, l.db.fail(fmt.Sprintf("read submissions of box %q race %q", box, race), err)
	}
	return subs, nil
}

// LastSeq implements sandik.LogReader. It asks the database rather than
// the writer, so that it also sees commits of other processes.
func (l LogReads) LastSeq(ctx context.Context) (int64, error) {
	seq, _, err := One(ctx, l.db, "read last seq", func(row Row) (int64, error) {
		var seq int64
		err := row.Scan(&seq)
		return seq, err
	}, l.q.Head)
	return seq, err
}

// WaitFor implements sandik.LogReader: the store's notifier wakes it, and
// the poll interval bounds the wait for commits no one told it of.
func (l LogReads) WaitFor(ctx context.Context, after int64, poll time.Duration) error {
	return l.notify.Wait(ctx, after, poll)
}
