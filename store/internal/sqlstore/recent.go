package sqlstore

import (
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
)

// Recent keeps the submissions this process committed lately, by seq, as
// a read of the log would return them. Every centre follows the log by
// reading it after its tally's position (center.catchUp), so without it a
// store would read back every row it had just written: on PostgreSQL, at
// 8,000 submissions a second, a quarter of the database's time. A read
// after a seq this process wrote is answered from here up to the first
// seq it did not write (another instance's, or one older than the ring);
// the next read goes to the database. Only rows whose COMMIT succeeded
// are added, and a seq is given once, so what is served here is what the
// database holds.
type Recent struct {
	mu   sync.Mutex
	ring []sandik.Submission // the submission of seq s at s % len(ring), when its Seq is s
	// writing counts the writer's commits between Begin and End, and
	// ended is closed (and replaced) at each End: another process's
	// notice of a commit (PostgreSQL's NOTIFY) may wake a follower before
	// the writer has had the answer, and the follower then waits for it
	// rather than read the rows back.
	writing int
	ended   chan struct{}
	waiting int // followers waiting for an End (for tests)
}

// recentRing is how many submissions Recent keeps: a few seconds of a
// national night's peak, about 5 MB.
const recentRing = 1 << 14

// recentWait bounds how long Since waits for a commit under way.
const recentWait = 100 * time.Millisecond

// NewRecent returns an empty Recent.
func NewRecent() *Recent {
	return &Recent{ring: make([]sandik.Submission, recentRing), ended: make(chan struct{})}
}

// Begin is called by the writer before it sends a commit.
func (r *Recent) Begin() {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.writing++
	r.mu.Unlock()
}

// End is called by the writer once a commit begun with Begin has its
// answer, with the submissions it committed (none when it failed), each
// with its Seq and its fields as the store keeps them (NormalizeStored).
func (r *Recent) End(subs []sandik.Submission) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := int64(len(r.ring))
	for i := range subs {
		if subs[i].Seq > 0 {
			r.ring[subs[i].Seq%n] = subs[i]
		}
	}
	r.writing--
	close(r.ended)
	r.ended = make(chan struct{})
}

// Since returns the submissions of seqs after+1, after+2, … that it
// holds, up to limit, stopping at the first it does not: none when it
// does not hold after+1. When it does not and a commit is under way, it
// waits for that commit's answer (up to recentWait) and looks again.
func (r *Recent) Since(after int64, limit int) []sandik.Submission {
	if r == nil || limit <= 0 || after < 0 {
		return nil
	}
	for waited := false; ; waited = true {
		r.mu.Lock()
		out := r.run(after, limit)
		writing, ended := r.writing, r.ended
		r.mu.Unlock()
		if len(out) > 0 || writing == 0 || waited {
			return out
		}
		r.mu.Lock()
		r.waiting++
		r.mu.Unlock()
		t := time.NewTimer(recentWait)
		select {
		case <-ended:
		case <-t.C:
		}
		t.Stop()
		r.mu.Lock()
		r.waiting--
		r.mu.Unlock()
	}
}

func (r *Recent) run(after int64, limit int) []sandik.Submission {
	n := int64(len(r.ring))
	var out []sandik.Submission
	for seq := after + 1; len(out) < limit && seq-after <= n; seq++ {
		s := &r.ring[seq%n]
		if s.Seq != seq {
			break
		}
		if out == nil {
			out = make([]sandik.Submission, 0, min(limit, 256))
		}
		out = append(out, *s)
	}
	return out
}

// NormalizeStored sets what a store's read of s, written at seq with p,
// would return: the server's seq, time of receipt and warnings, times as
// kept (Nanos, Time), and no votes as nil.
func NormalizeStored(s sandik.Submission, seq int64, p Pending) sandik.Submission {
	s.Seq = seq
	s.ReceivedAt, s.Warnings = Time(p.ReceivedAt), p.Warnings
	s.CapturedAt = Time(Nanos(s.CapturedAt))
	if len(s.Sheet.Votes) == 0 {
		s.Sheet.Votes = nil
	}
	return s
}
