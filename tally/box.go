package tally

import (
	"slices"

	"github.com/sandik-dev/sandik"
)

// box is the double-entry state of one box in one race. It holds what the
// rule needs and nothing more: each person's latest entry, the number of
// those per distinct sheet, and the latest adjudication. A person who
// enters the box again replaces their own entry, so the size of a box and
// the cost of an entry grow with the number of people who entered it,
// never with how often they did.
type box struct {
	status sandik.BoxStatus
	// entries holds each person's latest entry, in log order.
	entries []entry
	// groups counts entries per distinct sheet; every group has n ≥ 1.
	groups []group
	adj    *entry // the latest adjudication, or nil
	// first is when the box's first entry or adjudication arrived (unix
	// nanoseconds, 0 for none): the box's arrival, which a person
	// replacing their entry later does not move.
	first int64
	// prov and res are the figures the box now contributes to provisional
	// and verified totals (nil for none). They alias entries' sheets.
	prov, res []int32
}

type entry struct {
	seq      int64
	received int64 // unix nanoseconds
	user     sandik.UserID
	kind     sandik.Kind
	// entered counts the person's entries of the box, the replaced ones
	// included: what entry quotas are counted from.
	entered int32
	// sheet is shared by equal entries of the box (their group's), so that
	// agreement is a pointer comparison.
	sheet []int32
}

// group is the entries of a box with equal sheets.
type group struct {
	sheet []int32
	n     int
}

// enter records en as its person's entry of the box, replacing their
// earlier one. sheet holds en's figures and is copied if kept.
func (b *box) enter(en entry, sheet []int32) {
	en.sheet = b.join(sheet)
	en.entered = 1
	if i := slices.IndexFunc(b.entries, func(o entry) bool { return o.user == en.user }); i >= 0 {
		en.entered = b.entries[i].entered + 1
		b.leave(b.entries[i].sheet)
		b.entries = slices.Delete(b.entries, i, i+1)
	}
	b.entries = append(b.entries, en)
}

// adjudicate records en as the box's latest adjudication; earlier ones
// no longer matter. sheet holds en's figures and is copied.
func (b *box) adjudicate(en entry, sheet []int32) {
	if g := b.group(sheet); g >= 0 {
		en.sheet = b.groups[g].sheet
	} else {
		en.sheet = slices.Clone(sheet)
	}
	b.adj = &en
}

// group returns the index of the group whose sheet equals sheet, or -1.
func (b *box) group(sheet []int32) int {
	return slices.IndexFunc(b.groups, func(g group) bool { return slices.Equal(g.sheet, sheet) })
}

// join adds one entry to the group of sheet, starting it if needed, and
// returns the group's sheet.
func (b *box) join(sheet []int32) []int32 {
	if g := b.group(sheet); g >= 0 {
		b.groups[g].n++
		return b.groups[g].sheet
	}
	b.groups = append(b.groups, group{sheet: slices.Clone(sheet), n: 1})
	return b.groups[len(b.groups)-1].sheet
}

// leave takes one entry from the group of the interned sheet, dropping the
// group when it empties.
func (b *box) leave(sheet []int32) {
	g := slices.IndexFunc(b.groups, func(g group) bool { return same(g.sheet, sheet) })
	if g < 0 {
		panic("tally: an entry's sheet belongs to no group")
	}
	if b.groups[g].n--; b.groups[g].n == 0 {
		last := len(b.groups) - 1
		b.groups[g] = b.groups[last]
		b.groups[last] = group{}
		b.groups = b.groups[:last]
	}
}

// same reports whether two interned sheets are the same sheet.
func same(a, b []int32) bool {
	return len(a) > 0 && len(b) > 0 && &a[0] == &b[0]
}

// decide applies the double-entry rule to a box: the latest adjudication
// wins; otherwise, counting only each person's latest entry, a group of
// equal sheets of at least quorum size that outnumbers every other group
// is verified; agreement below quorum is pending; anything else is a
// conflict. Provisional figures are the settled ones, else the earliest
// counted entry. Its cost is that of a look at every group.
func (b *box) decide(quorum int) (status sandik.BoxStatus, prov, res []int32) {
	if b.adj != nil {
		return sandik.StatusAdjudicated, b.adj.sheet, b.adj.sheet
	}
	if len(b.entries) == 0 {
		return sandik.StatusMissing, nil, nil
	}
	var best []int32
	bestCount, ties := 0, 0
	for _, g := range b.groups {
		switch {
		case g.n > bestCount:
			best, bestCount, ties = g.sheet, g.n, 1
		case g.n == bestCount:
			ties++
		}
	}
	first := b.entries[0].sheet
	switch {
	case bestCount >= quorum && ties == 1:
		return sandik.StatusVerified, best, best
	case len(b.groups) == 1:
		return sandik.StatusPending, first, nil
	default:
		return sandik.StatusConflict, first, nil
	}
}
