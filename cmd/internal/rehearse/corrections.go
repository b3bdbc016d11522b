package rehearse

import (
	"bytes"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
)

// Corrections are the entries sent after (or beside) the night's own: the
// soak's steady load, the overload's extra entries, the slow and the
// abandoned bodies. Correction c re-enters entry e = c mod 2·sheets with
// the figures its typist entered the first time, as a volunteer who
// re-types a photo does. Each person's latest entry is the one that
// counts, so however many corrections arrive, and in whatever order with
// the night's own entries, the totals the night must end with stay the
// same, and the final check still knows them. A box takes at most
// sandik.DefaultMaxEntriesPerPerson entries from one person: each entry is
// corrected at most maxCorrectionRounds times.
const maxCorrectionRounds = sandik.DefaultMaxEntriesPerPerson - 2

// What became of a correction, as the check needs it.
const (
	corrUnanswered uint8 = iota // sent, no answer (or not yet): may or may not be logged
	corrAcked                   // acknowledged: must be in the log
	corrRefused                 // refused for load or time (429, 503, 408): must not be
	corrAbandoned               // its body was cut off half-way: must not be
)

// corrections hands out correction numbers and keeps what became of each.
type corrections struct {
	n     *Night
	mu    sync.Mutex
	state []uint8 // by correction number
}

func newCorrections(n *Night) *corrections { return &corrections{n: n} }

// capacity is how many corrections the night's entries can take.
func (c *corrections) capacity() int64 {
	return int64(maxCorrectionRounds) * 2 * int64(c.n.Pairs())
}

// take returns a fresh correction number; ok is false when every entry
// has had all its corrections.
func (c *corrections) take() (num int64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	num = int64(len(c.state))
	if num >= c.capacity() {
		return 0, false
	}
	c.state = append(c.state, corrUnanswered)
	return num, true
}

func (c *corrections) set(num int64, s uint8) {
	c.mu.Lock()
	c.state[num] = s
	c.mu.Unlock()
}

// states is a copy of every correction's state.
func (c *corrections) states() []uint8 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]uint8(nil), c.state...)
}

// entry is the night's entry (pair p, entry k) that correction num
// re-enters.
func (c *corrections) entry(num int64) (p, k int) {
	e := int(num % int64(2*c.n.Pairs()))
	return e / 2, e % 2
}

// CorrectionID is correction num's client id.
func CorrectionID(num int64) sandik.SubmissionID {
	return sandik.SubmissionID("prova-c" + strconv.FormatInt(num, 10))
}

// ParseCorrectionID is CorrectionID backwards.
func ParseCorrectionID(id sandik.SubmissionID) (int64, bool) {
	rest, ok := strings.CutPrefix(string(id), "prova-c")
	if !ok {
		return 0, false
	}
	num, err := strconv.ParseInt(rest, 10, 64)
	return num, err == nil && num >= 0
}

// correctionJSON writes correction num's body: entry (p, k) under the
// correction's own id.
func (n *Night) correctionJSON(w *bytes.Buffer, num int64, p, k int) {
	w.Reset()
	n.JSON(w, p, k)
	b := w.Bytes()
	old := `"id":"` + string(EntryID(p, k)) + `"`
	i := bytes.Index(b, []byte(old))
	rest := append([]byte(nil), b[i+len(old):]...)
	w.Truncate(i)
	fmt.Fprintf(w, `"id":%q`, CorrectionID(num))
	w.Write(rest)
}

// steady is an open-model schedule of corrections at rate per second
// from start for d: the soak's load. It ends early when the corrections
// run out (the check at the start makes that rare).
func steady(corr *corrections, rate float64, d time.Duration) iter.Seq[slot] {
	return func(yield func(slot) bool) {
		every := time.Duration(float64(time.Second) / rate)
		for at := time.Duration(0); at < d; at += every {
			num, ok := corr.take()
			if !ok || !yield(slot{at: at, corr: num + 1}) {
				return
			}
		}
	}
}
