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
	present []bool // by entry index 2p+k
	// counted is present, or corrected by the same person with the same
	// figures: the entry the tally counts (corrections.go).
	counted    []bool
	corrLogged []bool // by correction number
	// corrLost are acknowledged corrections missing from the log (also in
	// lost); refusedLogged corrections refused for load, or whose body
	// was cut off, that are in the log all the same.
	corrAcked, corrLost, refusedLogged int
	lost                               int  // acknowledged, not in the log
	changed                            int  // in the log with other figures, race or box than sent
	duplicates                         int  // one client id logged twice
	contentRead                        bool // figures compared, not only presence
}

// readBack reads the whole log from the database and compares it with
// what was sent and acknowledged.
func readBack(ctx context.Context, db string, n *Night, acked []bool, corr []uint8) (*logCheck, error) {
	st, err := cli.OpenStore(ctx, db, false, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	lc := &logCheck{present: make([]bool, len(acked)), corrLogged: make([]bool, len(corr)), contentRead: true}
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
			if num, ok := ParseCorrectionID(s.ID); ok && num < int64(len(corr)) {
				if lc.corrLogged[num] {
					lc.duplicates++
				}
				lc.corrLogged[num] = true
				e := int(num % int64(len(acked)))
				if !sameEntry(n, e/2, e%2, s) {
					lc.changed++
				}
				continue
			}
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
	lc.countCorrections(corr)
	return lc, nil
}

func (lc *logCheck) countLost(acked []bool) {
	for e, a := range acked {
		if a && !lc.present[e] {
			lc.lost++
		}
	}
	lc.counted = slices.Clone(lc.present)
}

// countCorrections compares the corrections' fates with the log, and
// marks the entries they counted for.
func (lc *logCheck) countCorrections(states []uint8) {
	for num, st := range states {
		logged := num < len(lc.corrLogged) && lc.corrLogged[num]
		if st == corrAcked {
			lc.corrAcked++
		}
		switch {
		case st == corrAcked && !logged:
			lc.corrLost++
			lc.lost++
		case (st == corrRefused || st == corrAbandoned) && logged:
			lc.refusedLogged++
		}
		if logged {
			lc.counted[num%len(lc.counted)] = true
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
func readBackHTTP(host, token string, n *Night, acked []bool, corr []uint8) *logCheck {
	lc := &logCheck{present: make([]bool, len(acked))}
	c := &loadclient.Client{Addr: host}
	defer c.Close()
	for e := range acked {
		code, _, _, err := c.Do("GET", "/api/v1/submissions/"+string(EntryID(e/2, e%2)), "Bearer "+token, nil)
		lc.present[e] = err == nil && code == 200
	}
	lc.countLost(acked)
	lc.corrLogged = make([]bool, len(corr))
	for num, st := range corr {
		// Presence is asked of those whose fate the check knows.
		if st != corrUnanswered {
			code, _, _, err := c.Do("GET", "/api/v1/submissions/"+string(CorrectionID(int64(num))), "Bearer "+token, nil)
			lc.corrLogged[num] = err == nil && code == 200
		}
	}
	lc.countCorrections(corr)
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
		if !lc.counted[2*p] || !lc.counted[2*p+1] {
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
