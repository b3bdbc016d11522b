package center

import (
	"context"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/verify"
)

// View is what one request reads of the centre: one tally engine, so that
// the registry, the figures and their version agree however many things
// the request reads, seen by one user, so that a user limited to some
// areas reads only what the policy (Registry.Allow, Registry.AllowTotals)
// lets them. A caller for the whole centre, such as the command line,
// views as an administrator without areas.
//
// What a user limited to some areas may see of the figures: the boxes
// inside their areas, and aggregates made of those boxes only. A report
// about a whole province for a district coordinator is a report about
// their district: its box rows, its summary and its children are built
// from their boxes, so no outside box can be read off a small aggregate.
type View struct {
	c    *Center
	eng  *tally.Engine
	reg  *sandik.Registry
	user sandik.User
}

// View returns u's view of the state as it is now. It is meant for one
// request: a registry import after it is not seen through it.
func (c *Center) View(u sandik.User) *View {
	eng := c.engine.Load()
	return &View{c: c, eng: eng, reg: eng.Registry(), user: u}
}

// Registry returns the registry the view's figures are counted over.
func (v *View) Registry() *sandik.Registry { return v.reg }

// Seq returns the log position the view's figures reflect so far.
func (v *View) Seq() int64 { return v.eng.Seq() }

// Totals returns an area's totals for a race, with only the children the
// user may read (Registry.AllowTotalsOf). For those who type sheets it
// holds verified and official figures only, of areas of at least
// Config.BlindMinBoxes boxes: nothing in it moves when another person
// types a sheet, until two agree.
func (v *View) Totals(race sandik.RaceCode, area sandik.AreaCode) (tally.AreaTotals, error) {
	at, _, err := v.TotalsChanged(race, area)
	return at, err
}

// TotalsChanged is Totals with the area's latest change (tally.Change),
// read with them: what names a version of the figures alike on every
// instance.
func (v *View) TotalsChanged(race sandik.RaceCode, area sandik.AreaCode) (tally.AreaTotals, tally.Change, error) {
	acc, err := v.reg.AllowTotalsOf(v.user, area, v.c.blindMin)
	if err != nil {
		return tally.AreaTotals{}, tally.Change{}, err
	}
	at, ch, err := v.eng.TotalsChanged(race, area)
	if err != nil {
		return at, ch, err
	}
	if !acc.Allows(at.Totals.BoxesExpected) {
		return tally.AreaTotals{}, tally.Change{}, sandik.Errorf(sandik.EForbidden,
			"%s has %d boxes in race %s; user %q (%s) types sheets, so reads the totals of areas of at least %d boxes only, where no one's entry can be read off",
			area, at.Totals.BoxesExpected, race, v.user.ID, v.user.Role, acc.MinBoxes)
	}
	at.Children = slices.DeleteFunc(at.Children, func(t tally.Totals) bool { return v.reg.AllowTotals(v.user, t.Area) != nil })
	if acc.Pending {
		return at, ch, nil
	}
	boxes := make([]int, len(at.Children))
	for i := range at.Children {
		boxes[i] = at.Children[i].BoxesExpected
	}
	show := acc.Children(at.Totals.BoxesExpected, boxes)
	kept := at.Children[:0]
	for i, t := range at.Children {
		if show[i] {
			kept = append(kept, settledOnly(t))
		}
	}
	at.Totals, at.Children = settledOnly(at.Totals), kept
	return at, ch, nil
}

// settledOnly clears what entries not yet verified make of t.
func settledOnly(t tally.Totals) tally.Totals {
	t.BoxesReported, t.BoxesPending, t.BoxesConflict = 0, 0, 0
	t.Provisional = tally.Counts{Votes: make([]int64, len(t.Provisional.Votes))}
	return t
}

// Conflicts lists the boxes in conflict within area (all of the race's
// scope when area is empty) that the user may read, oldest first, at most
// limit (0: all): a district coordinator's queue holds their district's
// conflicts only. Those who type sheets have no queue (AllowPending).
func (v *View) Conflicts(race sandik.RaceCode, area sandik.AreaCode, limit int) ([]tally.Conflict, error) {
	u := v.user
	if !u.Role.Valid() {
		return nil, v.reg.Allow(u, sandik.ActionReadBox, area)
	}
	if err := sandik.AllowPending(u); err != nil {
		return nil, err
	}
	if !u.Scoped() {
		return v.eng.Conflicts(race, area, limit)
	}
	// The queue is short beside the boxes (conflicts are a few percent of
	// them at worst), so the whole of it is read and filtered.
	all, err := v.eng.Conflicts(race, area, 0)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(x tally.Conflict) bool { return !v.reg.InScope(u, x.Box) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// BoxDetail is everything known about one box in one race.
type BoxDetail struct {
	Area    sandik.Area
	Race    *sandik.Race
	State   tally.BoxState
	Entries []sandik.Submission // from the log, in order
	// Diffs lists, for every field where the counted entries disagree, each
	// entry's value (in the order of Entries).
	Diffs []FieldDiff
}

// FieldDiff is one field on which entries disagree.
type FieldDiff struct {
	Field  string  `json:"field"`
	Values []int64 `json:"values"`
}

// Box returns one box's state, its entries from the log, and the fields on
// which they disagree; the user must be allowed to read the box. For those
// who type sheets (double entry is blind) it holds their own entries only,
// no disagreements, and no figures of the box but the published official
// ones: its status says whether others agree, never what they typed.
//
// The whole history of the box is read from the log: entry quotas
// (Config.MaxEntriesPerPerson, Config.MaxPeoplePerBox) bound it.
func (v *View) Box(ctx context.Context, race sandik.RaceCode, box sandik.AreaCode) (BoxDetail, error) {
	if err := v.reg.Allow(v.user, sandik.ActionReadBox, box); err != nil {
		return BoxDetail{}, err
	}
	st, err := v.eng.Box(race, box)
	if err != nil {
		return BoxDetail{}, err
	}
	rc, _ := v.reg.Race(race)
	area, _ := v.reg.Area(box)
	subs, err := v.c.store.BoxSubmissions(ctx, race, box)
	if err != nil {
		return BoxDetail{}, fmt.Errorf("box %s: %w", box, err)
	}
	if v.user.Role.SeesAllEntries() {
		return BoxDetail{Area: area, Race: rc, State: st, Entries: subs, Diffs: diffs(rc, subs)}, nil
	}
	own := func(id sandik.UserID) bool { return id == v.user.ID }
	subs = slices.DeleteFunc(subs, func(s sandik.Submission) bool { return !own(s.User) })
	st.Entries = slices.DeleteFunc(st.Entries, func(e tally.Entry) bool { return !own(e.User) })
	// A box is an area of one box: its settled figures are as blind as its
	// totals (a third typist would copy them).
	st.Provisional, st.Resolved = nil, nil
	if st.Recount != nil {
		// A recount is as blind as the night's sheet.
		rc := *st.Recount
		rc.Entries = slices.DeleteFunc(slices.Clone(rc.Entries), func(e tally.Entry) bool { return !own(e.User) })
		rc.Provisional, rc.Resolved = nil, nil
		st.Recount = &rc
	}
	return BoxDetail{Area: area, Race: rc, State: st, Entries: subs}, nil
}

// Status returns a box's status without reading its entries from the log:
// what a submitter waits for.
func (v *View) Status(race sandik.RaceCode, box sandik.AreaCode) (sandik.BoxStatus, error) {
	if err := v.reg.Allow(v.user, sandik.ActionReadBox, box); err != nil {
		return 0, err
	}
	st, err := v.eng.Box(race, box)
	if err != nil {
		return 0, err
	}
	return st.Status, nil
}

// Submission returns one submission from the log by its client id, if the
// user may read it: their own, or any within their areas for those who see
// every entry. Another's is "not found", so that ids do not leak.
func (v *View) Submission(ctx context.Context, id sandik.SubmissionID) (sandik.Submission, error) {
	sub, err := v.c.store.Submission(ctx, id)
	if err != nil {
		return sandik.Submission{}, err
	}
	u := v.user
	if sub.User != u.ID && (!u.Role.SeesAllEntries() || !v.reg.InScope(u, sub.Box)) {
		return sandik.Submission{}, sandik.Errorf(sandik.ENotFound, "submission %q does not exist", id)
	}
	return sub, nil
}

func diffs(rc *sandik.Race, subs []sandik.Submission) []FieldDiff {
	if len(subs) < 2 {
		return nil
	}
	var out []FieldDiff
	add := func(name string, get func(*sandik.Tutanak) int64) {
		vals := make([]int64, len(subs))
		differ := false
		for i := range subs {
			vals[i] = get(&subs[i].Sheet)
			if vals[i] != vals[0] {
				differ = true
			}
		}
		if differ {
			out = append(out, FieldDiff{Field: name, Values: vals})
		}
	}
	for _, f := range sandik.SheetFields {
		add(f.Name, f.Get)
	}
	for i, ch := range rc.Choices {
		add("votes."+string(ch.Code), func(t *sandik.Tutanak) int64 {
			if i < len(t.Votes) {
				return t.Votes[i]
			}
			return 0
		})
	}
	return out
}

// Compare compares the sheets of a race's area (its scope when empty) with
// the official figures, on the user's boxes only. It returns the report
// and the log position it reflects.
func (v *View) Compare(race sandik.RaceCode, area sandik.AreaCode, opts verify.Options) (verify.Report, int64, error) {
	rc, ok := v.reg.Race(race)
	if !ok {
		return verify.Report{}, 0, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	if area == "" {
		area = rc.Scope
	}
	if err := sandik.AllowPending(v.user); err != nil {
		return verify.Report{}, 0, err
	}
	if err := v.overlap(area); err != nil {
		return verify.Report{}, 0, err
	}
	seq := v.eng.Seq()
	figs, err := v.eng.Figures(race, area)
	if err != nil {
		return verify.Report{}, 0, err
	}
	rep, err := verify.Compare(v.reg, rc, area, v.inScope(figs), opts)
	return rep, seq, err
}

// Anomalies flags the boxes of a race's area (its scope when empty) on
// basis under thresholds th. Boxes are judged against their whole
// neighbourhood, as for everyone (the same box gets the same flags
// whoever asks); a scoped user gets the flags and figures of their own
// boxes only. It returns the log position they reflect.
func (v *View) Anomalies(race sandik.RaceCode, area sandik.AreaCode, basis AnomalyBasis, th anomaly.Thresholds) ([]anomaly.Flag, []tally.BoxFigures, int64, error) {
	if rc, ok := v.reg.Race(race); ok && area == "" {
		area = rc.Scope
	}
	if err := sandik.AllowPending(v.user); err != nil {
		return nil, nil, 0, err
	}
	if err := v.overlap(area); err != nil {
		return nil, nil, 0, err
	}
	flags, figs, seq, err := anomalies(v.eng, race, area, basis, th)
	if err != nil || !v.user.Scoped() {
		return flags, figs, seq, err
	}
	flags = slices.DeleteFunc(flags, func(f anomaly.Flag) bool { return !v.reg.InScope(v.user, f.Box) })
	return flags, v.inScope(figs), seq, nil
}

// overlap refuses an area that holds nothing of the user's.
func (v *View) overlap(area sandik.AreaCode) error {
	if v.reg.Overlaps(v.user, area) {
		return nil
	}
	return sandik.Errorf(sandik.EForbidden, "%s is outside the areas of user %q (%s)", area, v.user.ID, v.user.Role)
}

func (v *View) inScope(figs []tally.BoxFigures) []tally.BoxFigures {
	if !v.user.Scoped() {
		return figs
	}
	return slices.DeleteFunc(figs, func(f tally.BoxFigures) bool { return !v.reg.InScope(v.user, f.Box) })
}

// Moved returns two channels for live views: the first closes when the
// totals next move, the second when a registry import replaces the tally
// engine (whose own signal would then never fire). Either means: look at
// Seq again.
func (c *Center) Moved() (changed, replaced <-chan struct{}) {
	c.swapMu.Lock()
	defer c.swapMu.Unlock()
	return c.engine.Load().Changed(), c.swapped
}
