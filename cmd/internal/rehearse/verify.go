package rehearse

import (
	"context"
	"log/slog"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
)

// logCheck is what the log holds of the night's entries.
type logCheck struct {
	present     []bool // by entry index 2p+k
	lost        int    // acknowledged, not in the log
	changed     int    // in the log with other figures, race or box than sent
	duplicates  int    // one client id logged twice
	contentRead bool   // figures compared, not only presence
}

// readBack reads the whole log from the database and compares it with
// what was sent and acknowledged.
func readBack(ctx context.Context, db string, n *Night, acked []bool) (*logCheck, error) {
	st, err := cli.OpenStore(ctx, db, false, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	lc := &logCheck{present: make([]bool, len(acked)), contentRead: true}
	for after := int64(0); ; {
		page, err := st.Since(ctx, after, 50_000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for i := range page {
			s := &page[i]
			p, k, ok := ParseEntryID(s.ID)
			if !ok || p >= n.Pairs() {
				continue // not the rehearsal's: the feed's official figures
			}
			e := 2*p + k
			if lc.present[e] {
				lc.duplicates++
			}
			lc.present[e] = true
			if !sameEntry(n, p, k, s) {
				lc.changed++
			}
		}
		after = page[len(page)-1].Seq
	}
	lc.countLost(acked)
	return lc, nil
}

func (lc *logCheck) countLost(acked []bool) {
	for e, a := range acked {
		if a && !lc.present[e] {
			lc.lost++
		}
	}
}

func sameEntry(n *Night, p, k int, s *sandik.Submission) bool {
	rc, b := n.pair(p)
	want := n.Entry(p, k)
	got := &s.Sheet
	return s.Race == rc.Code && s.Box == n.Boxes[b] && got.Registered == want.Registered && got.Voted == want.Voted &&
		got.Invalid == want.Invalid && got.ValidTotal == want.ValidTotal && got.ValidWithoutObjection == want.ValidWithoutObjection &&
		slices.Equal(got.Votes, want.Votes)
}

// readBackHTTP asks a server for every entry by its client id, when the
// rehearsal has no access to the database: presence only.
func readBackHTTP(host, token string, n *Night, acked []bool) *logCheck {
	lc := &logCheck{present: make([]bool, len(acked))}
	c := &loadclient.Client{Addr: host}
	defer c.Close()
	for e := range acked {
		code, _, _, err := c.Do("GET", "/api/v1/submissions/"+string(EntryID(e/2, e%2)), "Bearer "+token, nil)
		lc.present[e] = err == nil && code == 200
	}
	lc.countLost(acked)
	return lc
}

// expectFromLog is what a race's national totals must be given what the
// log holds: a sheet with both entries in is verified when they agree and
// in conflict when not.
func expectFromLog(n *Night, lc *logCheck) []Expected {
	out := make([]Expected, len(n.Races))
	for r, rc := range n.Races {
		out[r] = Expected{Race: rc.Code, Votes: make([]int64, len(rc.Choices))}
	}
	for p := range n.Pairs() {
		if !lc.present[2*p] || !lc.present[2*p+1] {
			continue
		}
		e := &out[p%len(n.Races)]
		if n.Disagrees(p) {
			e.Conflict++
			continue
		}
		e.Verified++
		for c, v := range n.Sheet(p).Votes {
			e.Votes[c] += v
		}
	}
	return out
}
