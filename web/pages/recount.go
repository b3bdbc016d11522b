package pages

import (
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// recountOf describes a box's recount (yeniden sayım) for its page: its
// status and the board's decision, and each figure the settled recount
// moved from the figures counted before it (the official ones when
// published, else the settled sheet).
func recountOf(l *lang, rc *sandik.Race, st *tally.BoxState) (line string, moved []string) {
	r := st.Recount
	if r == nil {
		return "", nil
	}
	line = l.F("recount.state", statusText(l, r.Status))
	if r.Decision != "" {
		line = l.F("recount.decision", line, r.Decision)
	}
	before := st.Official
	if before == nil {
		before = st.Resolved
	}
	if r.Resolved == nil || before == nil {
		return line, nil
	}
	row := func(label string, from, to int64) {
		if from != to {
			moved = append(moved, l.F("recount.row", label, l.Num(from), l.Num(to), signed(l, to-from)))
		}
	}
	for i, f := range sandik.SheetFields {
		row(l.T(sheetLabels[i]), f.Get(before), f.Get(r.Resolved))
	}
	for i, c := range rc.Choices {
		var from, to int64
		if i < len(before.Votes) {
			from = before.Votes[i]
		}
		if i < len(r.Resolved.Votes) {
			to = r.Resolved.Votes[i]
		}
		row(c.Name, from, to)
	}
	return line, moved
}
