package postgres

import (
	"context"
	"slices"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// recent keeps the entries this process's writer committed last, each as
// a read of the log returns it, so that the process's own follower (the
// tally) takes them without reading them back: with one instance that
// read was a query per group commit, every row sent back over the
// connection and decoded again. Entries another instance wrote are never
// here, and an answer stops at the first of them: the follower reads
// those, and anything after, from the database.
type recent struct {
	mu     sync.Mutex
	groups []recentGroup // in sequence order, without overlaps
	rows   int
}

type recentGroup struct {
	first int64 // the sequence number of subs[0]
	subs  []sandik.Submission
}

// recentRows bounds what recent keeps: many group commits' worth, the
// follower applying each as soon as it is committed.
const recentRows = 8192

// add keeps subs, committed at first, first+1, …. The writer commits one
// group at a time, in order; anything not past what is kept replaces it.
func (r *recent) add(first int64, subs []sandik.Submission) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.groups); n > 0 {
		if last := r.groups[n-1]; first < last.first+int64(len(last.subs)) {
			r.groups, r.rows = r.groups[:0], 0
		}
	}
	r.groups = append(r.groups, recentGroup{first: first, subs: subs})
	r.rows += len(subs)
	drop := 0
	for r.rows > recentRows && drop < len(r.groups)-1 {
		r.rows -= len(r.groups[drop].subs)
		drop++
	}
	if drop > 0 {
		r.groups = slices.Delete(r.groups, 0, drop)
	}
}

// since returns the kept entries from after+1 on, at most limit of them,
// contiguous; ok is false when entry after+1 is not kept.
func (r *recent) since(after int64, limit int) (subs []sandik.Submission, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	next := after + 1
	for _, g := range r.groups {
		if len(subs) >= limit {
			break
		}
		end := g.first + int64(len(g.subs))
		if end <= next {
			continue
		}
		if g.first > next {
			break // entries of another instance lie in between
		}
		take := g.subs[next-g.first:]
		take = take[:min(len(take), limit-len(subs))]
		subs = append(subs, take...)
		next += int64(len(take))
	}
	return subs, len(subs) > 0
}

// committed keeps the rows of ins, just committed below head, as a read
// of the log would return them (scanner.scan).
func (r *recent) committed(ins *inserts, head, n int64) {
	subs := make([]sandik.Submission, len(ins.rows))
	for i, rw := range ins.rows {
		s := *rw.sub
		s.Seq = head - n + ins.seq[i]
		s.ReceivedAt = sqlstore.Time(rw.ReceivedAt)
		s.CapturedAt = sqlstore.Time(sqlstore.Nanos(s.CapturedAt))
		s.Warnings, s.Hash = rw.Warnings, rw.Hash
		s.Sheet.Votes = slices.Clone(s.Sheet.Votes)
		if len(s.Sheet.Votes) == 0 {
			s.Sheet.Votes = nil
		}
		subs[i] = s
	}
	r.add(head-n+1, subs)
}

// FollowSince is Since for the process's own follower: the entries its
// writer committed last are answered from memory, up to the first one
// another instance wrote, which the follower then reads from the log.
// A page may therefore hold fewer than limit entries while the log holds
// more; the follower waits for the head only after a short page, and the
// head it waits for is past what it holds, so it reads on.
func (s *Store) FollowSince(ctx context.Context, after int64, limit int) ([]sandik.Submission, error) {
	if limit > 0 {
		if subs, ok := s.writer.recent.since(after, limit); ok {
			return subs, nil
		}
	}
	return s.Since(ctx, after, limit)
}
