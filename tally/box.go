package tally

import (
	"slices"

	"github.com/sandik-dev/sandik"
)

// box is the double-entry state of one box in one race. It holds what the
// rule needs and nothing more: each person's latest entry and the latest
// adjudication, their sheets kept once per distinct sheet in the race's
// arena. A person who enters the box again replaces their own entry, so
// the size of a box and the cost of an entry grow with the number of
// people who entered it, never with how often they did. The box's full
// history (replaced entries, reasons, sources) is the log's: the box page
// reads it from the store.
type box struct {
	// entries holds each person's latest entry, in log order. Entries
	// with equal sheets share one ref, so agreement is a comparison of
	// refs and a group is the entries holding the same ref.
	entries []entry
	adj     *entry // the latest adjudication, or nil
	// first is when the box's first entry or adjudication arrived (unix
	// nanoseconds, 0 for none): the box's arrival, which a person
	// replacing their entry later does not move.
	first int64
	// prov and res are the sheets the box now contributes to provisional
	// and verified totals (0 for none): refs of its entries or
	// adjudication.
	prov, res ref
	status    sandik.BoxStatus
}

type entry struct {
	seq      int64
	received int64  // unix nanoseconds
	user     uint32 // in the engine's users
	sheet    ref
	// entered counts the person's entries of the box, the replaced ones
	// included: what entry quotas are counted from.
	entered int32
	kind    sandik.Kind
}

// enter records en as its person's entry of the box, replacing their
// earlier one. sheet holds en's figures and is copied if kept. It returns
// a sheet the box no longer holds (0 for none), for the caller to drop
// once the box's old contribution has been taken off the totals.
func (b *box) enter(a *arena, en entry, sheet []int32) (gone ref) {
	en.sheet = b.intern(a, sheet)
	en.entered = 1
	for i := range b.entries {
		if b.entries[i].user != en.user {
			continue
		}
		old := b.entries[i]
		en.entered = old.entered + 1
		copy(b.entries[i:], b.entries[i+1:])
		b.entries[len(b.entries)-1] = en
		if !b.holds(old.sheet) {
			gone = old.sheet
		}
		return gone
	}
	if b.entries == nil {
		// Room for the quorum of two from the start: one allocation per
		// box instead of two, and none left as garbage.
		b.entries = make([]entry, 0, 2)
	}
	b.entries = append(b.entries, en)
	return 0
}

// adjudicate records en as the box's latest adjudication; earlier ones
// no longer matter. sheet holds en's figures and is copied if kept. It
// returns a sheet the box no longer holds, as enter does.
func (b *box) adjudicate(a *arena, en entry, sheet []int32) (gone ref) {
	en.sheet = b.intern(a, sheet)
	old := b.adj
	b.adj = &en
	if old != nil && !b.holds(old.sheet) {
		gone = old.sheet
	}
	return gone
}

// intern returns the ref of the box's sheet equal to sheet, keeping a copy
// if the box holds none.
func (b *box) intern(a *arena, sheet []int32) ref {
	for i := range b.entries {
		if equal(a.get(b.entries[i].sheet), sheet) {
			return b.entries[i].sheet
		}
	}
	if b.adj != nil && equal(a.get(b.adj.sheet), sheet) {
		return b.adj.sheet
	}
	return a.add(sheet)
}

// holds reports whether an entry or the adjudication of the box holds r.
func (b *box) holds(r ref) bool {
	if b.adj != nil && b.adj.sheet == r {
		return true
	}
	for i := range b.entries {
		if b.entries[i].sheet == r {
			return true
		}
	}
	return false
}

// equal reports whether kept sheet a holds the figures of sheet b.
func equal(a view, b []int32) bool {
	if a.len() != len(b) {
		return false
	}
	if a.w != nil {
		return slices.Equal(a.w, b)
	}
	for i, x := range a.n {
		if int32(x) != b[i] {
			return false
		}
	}
	return true
}

// decide applies the double-entry rule to a box: the latest adjudication
// wins; otherwise, counting only each person's latest entry, a group of
// equal sheets of at least quorum size that outnumbers every other group
// is verified; agreement below quorum is pending; anything else is a
// conflict. Provisional figures are the settled ones, else the earliest
// counted entry.
func (b *box) decide(quorum int) (status sandik.BoxStatus, prov, res ref) {
	if b.adj != nil {
		return sandik.StatusAdjudicated, b.adj.sheet, b.adj.sheet
	}
	if len(b.entries) == 0 {
		return sandik.StatusMissing, 0, 0
	}
	best, bestCount, ties, groups := b.groups()
	first := b.entries[0].sheet
	switch {
	case bestCount >= quorum && ties == 1:
		return sandik.StatusVerified, best, best
	case groups == 1:
		return sandik.StatusPending, first, 0
	default:
		return sandik.StatusConflict, first, 0
	}
}

// manyPeople is where counting groups by comparing every pair of entries
// gives way to a map: a box is entered by a handful of people unless the
// entry quotas were lifted.
const manyPeople = 32

// groups counts the entries per distinct sheet: the largest group's sheet
// and size, how many groups have that size, and how many groups there are.
func (b *box) groups() (best ref, bestCount, ties, groups int) {
	count := func(r ref, n int) {
		groups++
		switch {
		case n > bestCount:
			best, bestCount, ties = r, n, 1
		case n == bestCount:
			ties++
		}
	}
	if len(b.entries) > manyPeople {
		n := make(map[ref]int, len(b.entries))
		for i := range b.entries {
			n[b.entries[i].sheet]++
		}
		// In the order of first appearance, as below, so that the
		// result does not depend on the map's order.
		for i := range b.entries {
			if r := b.entries[i].sheet; n[r] > 0 {
				count(r, n[r])
				n[r] = 0
			}
		}
		return best, bestCount, ties, groups
	}
next:
	for i := range b.entries {
		r := b.entries[i].sheet
		for j := range i {
			if b.entries[j].sheet == r {
				continue next
			}
		}
		n := 1
		for j := i + 1; j < len(b.entries); j++ {
			if b.entries[j].sheet == r {
				n++
			}
		}
		count(r, n)
	}
	return best, bestCount, ties, groups
}
