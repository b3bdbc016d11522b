package itiraz

import (
	"slices"
	"time"

	"github.com/sandik-dev/sandik/collation"
)

// Listing is the lawyers' board: each case in exactly one part, in an
// order that does not change between two reads.
type Listing struct {
	Soon    []*Case // drafts due within the window, soonest first
	Expired []*Case // drafts whose deadline passed unfiled, latest first
	Rest    []*Case // every other case, by deadline, then title in Turkish order
}

// List sorts cases into the board's parts. The rest come by deadline
// (those without one last), then by title as a Turkish reader orders
// it, then by id, so that equal deadlines never reshuffle.
func List(cases []*Case, now time.Time, window time.Duration) Listing {
	soon, expired := DeadlineBoard(cases, now, window)
	on := map[CaseID]bool{}
	var l Listing
	for _, d := range soon {
		l.Soon, on[d.Case.ID] = append(l.Soon, d.Case), true
	}
	for _, d := range expired {
		l.Expired, on[d.Case.ID] = append(l.Expired, d.Case), true
	}
	for _, c := range cases {
		if !on[c.ID] {
			l.Rest, on[c.ID] = append(l.Rest, c), true
		}
	}
	// Equal deadlines (a draft per district, made at once) come in the
	// Turkish order of their titles, as the rest do.
	SortByDeadline(l.Soon)
	sortBy(l.Expired, func(a, b *Case) int { return b.Deadline.Compare(a.Deadline) }) // the one just missed first
	SortByDeadline(l.Rest)
	return l
}

// SortByDeadline orders cases by deadline (none last), then title in
// Turkish order, then id.
func SortByDeadline(cases []*Case) {
	sortBy(cases, func(a, b *Case) int {
		switch {
		case a.Deadline.IsZero() && b.Deadline.IsZero():
			return 0
		case a.Deadline.IsZero():
			return 1
		case b.Deadline.IsZero():
			return -1
		}
		return a.Deadline.Compare(b.Deadline)
	})
}

// sortBy orders cases by cmp, then by title in Turkish order, then by id.
func sortBy(cases []*Case, cmp func(a, b *Case) int) {
	collation.Sort(cases, func(c *Case) string { return string(c.ID) })
	collation.Sort(cases, func(c *Case) string { return c.Title })
	// Stable, so the title order holds among equals.
	slices.SortStableFunc(cases, cmp)
}
