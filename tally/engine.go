package tally

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
)

// Engine holds the live totals of every race of a registry. One goroutine
// applies the log; any number read concurrently.
type Engine struct {
	reg *sandik.Registry

	mu      sync.RWMutex
	users   users
	races   map[sandik.RaceCode]*raceTally
	seq     int64
	skipped int64
	changed chan struct{} // closed and replaced whenever seq moves
	chunk   int           // submissions applied under one hold of mu
	// progress keeps the last Progress of each area asked for.
	progress progressCache
}

// New returns an engine with every race of reg at zero.
func New(reg *sandik.Registry) *Engine { return newEngine(reg, storedMin) }

// newEngine keeps the figures of nodes of at least stored boxes (1: all
// of them, as tests compare).
func newEngine(reg *sandik.Registry, stored int) *Engine {
	e := &Engine{reg: reg, races: make(map[sandik.RaceCode]*raceTally, len(reg.Races)), changed: make(chan struct{}), chunk: applyChunkSize}
	// Shapes are independent of each other: build them side by side.
	shapes := map[shapeKey]*shape{}
	var keys []shapeKey
	for _, rc := range reg.Races {
		k := shapeKey{rc.Election, rc.Scope}
		if _, ok := shapes[k]; !ok {
			shapes[k] = nil
			keys = append(keys, k)
		}
	}
	built := make([]*shape, len(keys))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, k := range keys {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			built[i] = newShape(reg, k.election, k.scope, stored)
		})
	}
	wg.Wait()
	for i, k := range keys {
		shapes[k] = built[i]
	}
	for i := range reg.Races {
		rc := &reg.Races[i]
		e.races[rc.Code] = newRaceTally(reg, rc, shapes[shapeKey{rc.Election, rc.Scope}], &e.users)
	}
	return e
}

// Registry returns the registry the engine was built for.
func (e *Engine) Registry() *sandik.Registry { return e.reg }

// Apply feeds submissions in Seq order; ones at or below Seq are skipped,
// so feeding an overlapping page twice is harmless. Submissions of races or
// boxes the registry does not know leave the totals as they are. Official
// figures are kept beside the sheets, for comparison, and never count as an
// entry.
//
// The lock is taken for at most applyChunk submissions at a time, so a
// reader waits for a fraction of a millisecond however far behind the
// follower is: a page of 50,000 applied at once kept every reader of the
// totals waiting about 65 ms. Readers between chunks see a prefix of the
// log, as they would between two calls.
func (e *Engine) Apply(subs []sandik.Submission) {
	moved := false
	for len(subs) > 0 {
		n := min(len(subs), e.chunk)
		moved = e.applyChunk(subs[:n]) || moved
		subs = subs[n:]
		if len(subs) > 0 {
			// Let a reader woken meanwhile run now rather than after
			// the scheduler preempts this loop, up to 10 ms later, on
			// cores the night keeps busy.
			runtime.Gosched()
		}
	}
	if moved {
		e.mu.Lock()
		close(e.changed)
		e.changed = make(chan struct{})
		e.mu.Unlock()
	}
}

// applyChunkSize is how many submissions Apply applies under one hold of
// the lock: about 0.3 ms of work.
const applyChunkSize = 256

// applyChunk applies subs under the lock and reports whether Seq moved.
func (e *Engine) applyChunk(subs []sandik.Submission) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	moved := false
	for i := range subs {
		s := &subs[i]
		if s.Seq <= e.seq {
			continue
		}
		e.seq, moved = s.Seq, true
		rt, ok := e.races[s.Race]
		if !ok {
			e.skipped++
			continue
		}
		var applied bool
		switch s.Source {
		case sandik.SourceOfficial:
			applied = rt.applyOfficial(s)
		case sandik.SourceRecount:
			applied = rt.applyRecount(s)
		default:
			applied = rt.apply(s)
		}
		switch {
		case !applied:
			e.skipped++
		case s.Source == sandik.SourceOfficial || s.Source == sandik.SourceRecount:
			// Official and recounted figures are public: any of them moves
			// the box (an entry moves it only when it settles it, in settle).
			rt.publicMoved(rt.boxIdx[s.Box], s)
		}
	}
	return moved
}

// Seq returns the last applied log position: the version of every total.
func (e *Engine) Seq() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.seq
}

// Skipped counts submissions that did not fit the registry.
func (e *Engine) Skipped() int64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.skipped
}

// Changed returns a channel closed at the next change of Seq, for live
// views that want to know when to look again.
func (e *Engine) Changed() <-chan struct{} {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.changed
}

// WaitFor blocks until Seq reaches seq or ctx ends.
func (e *Engine) WaitFor(ctx context.Context, seq int64) error {
	for {
		e.mu.RLock()
		done, ch := e.seq >= seq, e.changed
		e.mu.RUnlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

func (e *Engine) race(code sandik.RaceCode) (*raceTally, error) {
	rt, ok := e.races[code]
	if !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "race %q does not exist", code)
	}
	return rt, nil
}

// Totals returns an area's totals for a race with its children's. The area
// must lie within the race's scope (a box included).
func (e *Engine) Totals(race sandik.RaceCode, area sandik.AreaCode) (AreaTotals, error) {
	at, _, err := e.TotalsChanged(race, area)
	return at, err
}

// Change is the latest submission that moved what the public reads of an
// area (its settled, official and recounted figures and its children's;
// an entry left pending moves nothing): its log position and arrival. Two
// instances that have read the same log name the same Change of an area
// however late each looks, and those figures are the same at any position
// from it until the next.
type Change struct {
	Seq int64
	At  time.Time
}

// TotalsChanged returns Totals and the area's latest Change, read
// together.
func (e *Engine) TotalsChanged(race sandik.RaceCode, area sandik.AreaCode) (AreaTotals, Change, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rt, err := e.race(race)
	if err != nil {
		return AreaTotals{}, Change{}, err
	}
	if bi, ok := rt.boxIdx[area]; ok {
		return AreaTotals{Seq: e.seq, Totals: rt.boxTotals(bi), Children: []Totals{}}, rt.boxChanged[bi].public(), nil
	}
	ni, ok := rt.nodeIdx[area]
	if !ok {
		return AreaTotals{}, Change{}, sandik.Errorf(sandik.ENotFound, "area %q is not part of race %q", area, race)
	}
	n := &rt.nodes[ni]
	out := AreaTotals{Seq: e.seq, Totals: rt.nodeTotals(ni), Children: make([]Totals, 0, len(n.childNodes)+len(n.childBoxes))}
	for _, c := range n.childNodes {
		out.Children = append(out.Children, rt.nodeTotals(c))
	}
	for _, c := range n.childBoxes {
		out.Children = append(out.Children, rt.boxTotals(c))
	}
	return out, rt.changeOf(ni), nil
}

func (rt *raceTally) nodeTotals(ni int32) Totals {
	n := &rt.nodes[ni]
	w := rt.width
	var st [5]int32
	var prov, res, off, rec []int64
	var offBoxes, recBoxes int
	if sl := int(rt.slot[ni]); sl >= 0 {
		st = rt.status[sl]
		prov, res = rt.vals[sl*2*w:sl*2*w+w], rt.vals[sl*2*w+w:sl*2*w+2*w]
		off, rec = make([]int64, w), res
		if rt.off != nil {
			off, offBoxes = rt.off.vals[sl*w:(sl+1)*w], int(rt.off.boxes[sl])
		}
		if rt.rec != nil {
			rec, recBoxes = rt.rec.vals[sl*w:(sl+1)*w], int(rt.rec.counted[sl])
		}
	} else {
		// A small node: summed from its boxes, at most storedMin of them.
		prov, res, off, rec = make([]int64, w), make([]int64, w), make([]int64, w), make([]int64, w)
		rt.eachBox(ni, func(bi int32) {
			b := &rt.boxes[bi]
			st[b.status]++
			addDelta(prov, view{}, rt.sheets.get(b.prov))
			addDelta(res, view{}, rt.sheets.get(b.res))
			if rt.off != nil && rt.off.sheets[bi] != 0 {
				addDelta(off, view{}, rt.sheets.get(rt.off.sheets[bi]))
				offBoxes++
			}
			if r := rt.recountedRes(bi); r != 0 {
				addDelta(rec, view{}, rt.sheets.get(r))
				recBoxes++
			} else {
				addDelta(rec, view{}, rt.sheets.get(b.res))
			}
		})
	}
	return Totals{
		Race: rt.race.Code, Area: n.area.Code, Level: n.area.Level, Name: n.area.Name,
		BoxesExpected:    n.expected,
		BoxesReported:    n.expected - int(st[sandik.StatusMissing]),
		BoxesPending:     int(st[sandik.StatusPending]),
		BoxesVerified:    int(st[sandik.StatusVerified] + st[sandik.StatusAdjudicated]),
		BoxesConflict:    int(st[sandik.StatusConflict]),
		BoxesAdjudicated: int(st[sandik.StatusAdjudicated]),
		Registered:       n.registered,
		Provisional:      counts64(prov),
		Verified:         counts64(res),
		Official:         counts64(off),
		BoxesOfficial:    offBoxes,
		Recounted:        counts64(rec),
		BoxesRecounted:   recBoxes,
	}
}

func (rt *raceTally) boxTotals(bi int32) Totals {
	b, in := &rt.boxes[bi], &rt.info[bi]
	t := Totals{
		Race: rt.race.Code, Area: in.area.Code, Level: in.area.Level, Name: in.area.Name,
		BoxesExpected: 1, Registered: in.registered,
		Provisional: counts32(rt.sheets.get(b.prov), rt.width), Verified: counts32(rt.sheets.get(b.res), rt.width),
		Official: counts64(make([]int64, rt.width)),
	}
	if off, _, _ := rt.officialBox(bi); off != nil {
		t.BoxesOfficial = 1
		t.Official = countsOf(off)
	}
	t.Recounted = t.Verified
	t.Recounted.Votes = slices.Clone(t.Verified.Votes)
	if rc := rt.recountedBox(bi); rc != nil && rc.Resolved != nil {
		t.BoxesRecounted = 1
		t.Recounted = countsOf(rc.Resolved)
	}
	switch b.status {
	case sandik.StatusMissing:
	case sandik.StatusPending:
		t.BoxesReported, t.BoxesPending = 1, 1
	case sandik.StatusConflict:
		t.BoxesReported, t.BoxesConflict = 1, 1
	case sandik.StatusVerified:
		t.BoxesReported, t.BoxesVerified = 1, 1
	case sandik.StatusAdjudicated:
		t.BoxesReported, t.BoxesVerified, t.BoxesAdjudicated = 1, 1, 1
	}
	return t
}

func counts64(v []int64) Counts {
	return Counts{
		Registered: v[0], VotedByLaw: v[1], Voted: v[2], ValidWithoutObjection: v[3],
		ValidUponObjection: v[4], ValidTotal: v[5], Invalid: v[6],
		Votes: slices.Clone(v[fixedFields:]),
	}
}

func counts32(v view, width int) Counts {
	w := make([]int64, width)
	for i := range v.len() {
		w[i] = v.at(i)
	}
	return counts64(w)
}

// Box returns one box's state in a race.
func (e *Engine) Box(race sandik.RaceCode, box sandik.AreaCode) (BoxState, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rt, err := e.race(race)
	if err != nil {
		return BoxState{}, err
	}
	bi, ok := rt.boxIdx[box]
	if !ok {
		return BoxState{}, sandik.Errorf(sandik.ENotFound, "ballot box %q is not part of race %q", box, race)
	}
	b := &rt.boxes[bi]
	st := BoxState{Race: race, Box: box, Status: b.status, Entries: make([]Entry, 0, len(b.entries)+1)}
	for _, en := range b.entries {
		st.Entries = append(st.Entries, rt.entryOf(&en))
	}
	if b.adj != nil {
		// Entries are in log order: the adjudication goes before the
		// entries that came after it.
		i, _ := slices.BinarySearchFunc(st.Entries, b.adj.seq, func(e Entry, seq int64) int { return cmp.Compare(e.Seq, seq) })
		st.Entries = slices.Insert(st.Entries, i, rt.entryOf(b.adj))
	}
	if b.prov != 0 {
		t := tutanak(rt.sheets.get(b.prov))
		st.Provisional = &t
	}
	if b.res != 0 {
		t := tutanak(rt.sheets.get(b.res))
		st.Resolved = &t
	}
	st.Official, st.OfficialSeq, st.OfficialWarnings = rt.officialBox(bi)
	st.Recount = rt.recountedBox(bi)
	return st, nil
}

// EntryCounts answers the entry quotas' question of box in race: how
// many people's entries it holds (of kind KindEntry, as Box lists them)
// and how many times user entered it, without copying its sheets as Box
// does: every submission asks it.
func (e *Engine) EntryCounts(race sandik.RaceCode, box sandik.AreaCode, user sandik.UserID) (people, mine int, err error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rt, err := e.race(race)
	if err != nil {
		return 0, 0, err
	}
	bi, ok := rt.boxIdx[box]
	if !ok {
		return 0, 0, sandik.Errorf(sandik.ENotFound, "ballot box %q is not part of race %q", box, race)
	}
	b := &rt.boxes[bi]
	uid, known := rt.users.idx[user]
	count := func(en *entry) {
		if en.kind != sandik.KindEntry {
			return
		}
		people++
		if known && en.user == uid {
			mine = max(int(en.entered), 1)
		}
	}
	for i := range b.entries {
		count(&b.entries[i])
	}
	if b.adj != nil {
		count(b.adj)
	}
	return people, mine, nil
}

func (rt *raceTally) entryOf(en *entry) Entry {
	return Entry{Seq: en.seq, User: rt.users.name(en.user), Kind: en.kind, ReceivedAt: time.Unix(0, en.received).UTC(),
		Sheet: tutanak(rt.sheets.get(en.sheet)), Entered: max(int(en.entered), 1)}
}

func tutanak(v view) sandik.Tutanak {
	t := sandik.Tutanak{
		Registered: v.at(0), VotedByLaw: v.at(1), Voted: v.at(2),
		ValidWithoutObjection: v.at(3), ValidUponObjection: v.at(4), ValidTotal: v.at(5), Invalid: v.at(6),
		Votes: make([]int64, v.len()-fixedFields),
	}
	for i := range t.Votes {
		t.Votes[i] = v.at(fixedFields + i)
	}
	return t
}

// Conflicts lists the boxes of a race in conflict within area (the whole
// race when area is empty), oldest first, at most limit (all if limit ≤ 0).
func (e *Engine) Conflicts(race sandik.RaceCode, area sandik.AreaCode, limit int) ([]Conflict, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rt, err := e.race(race)
	if err != nil {
		return nil, err
	}
	within := int32(-1)
	if area != "" {
		ni, ok := rt.nodeIdx[area]
		if !ok {
			return nil, sandik.Errorf(sandik.ENotFound, "area %q is not part of race %q", area, race)
		}
		within = ni
	}
	out := []Conflict{}
	for bi, c := range rt.conflicts {
		if within >= 0 && !rt.under(bi, within) {
			continue
		}
		c.Entries = len(rt.boxes[bi].entries)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Conflict) int { return cmp.Compare(a.Seq, b.Seq) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (rt *raceTally) under(bi, ni int32) bool {
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		if p == ni {
			return true
		}
	}
	return false
}
