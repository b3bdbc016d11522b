package center

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
)

// Congresses. A congress is read by whoever's areas reach its unit's
// area and run — made, its list frozen, delegates checked in, lists
// recorded, counting opened, results approved — by an administrator or
// a coordinator of that area (OrgAllow), as meetings are. Its ballot
// boxes are boxes of its own election in the registry, so their sheets
// are entered through Submit and Adjudicate like election night's.

// congressState is the centre's memory of congresses: locks that
// serialise the changes of one congress that also change the registry
// (freezing, opening a count), so that the registry and the store agree
// on what was computed; and the frozen electorates, which never change,
// for the check-in desks.
type congressState struct {
	locks  sync.Map // sandik.CongressID → *sync.Mutex
	frozen sync.Map // sandik.CongressID → []sandik.Elector
}

func (c *Center) congressLock(id sandik.CongressID) *sync.Mutex {
	m, _ := c.congress.locks.LoadOrStore(id, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// CongressAllow decides whether u may read (write false) or run (write
// true) congress g, by its unit's area.
func (c *Center) CongressAllow(ctx context.Context, u sandik.User, g sandik.Congress, write bool) error {
	un, err := c.store.Unit(ctx, g.Unit)
	if err != nil {
		return err
	}
	return c.OrgAllow(u, un.Area, write)
}

// Congress returns congress id for u.
func (c *Center) Congress(ctx context.Context, u sandik.User, id sandik.CongressID, write bool) (sandik.Congress, error) {
	g, err := c.store.Congress(ctx, id)
	if err != nil {
		return g, err
	}
	return g, c.CongressAllow(ctx, u, g, write)
}

// Congresses lists the congresses u may read.
func (c *Center) Congresses(ctx context.Context, u sandik.User, f sandik.CongressFilter) ([]sandik.Congress, error) {
	all, err := c.store.Congresses(ctx, f)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, g := range all {
		if c.CongressAllow(ctx, u, g, false) == nil {
			out = append(out, g)
		}
	}
	return out, nil
}

// CreateCongress stores a new congress for u, its defaults filled.
func (c *Center) CreateCongress(ctx context.Context, u sandik.User, g sandik.Congress) (sandik.Congress, error) {
	g = g.WithDefaults()
	g.Frozen, g.FrozenBy = time.Time{}, ""
	if err := g.Validate(); err != nil {
		return g, err
	}
	un, err := c.store.Unit(ctx, g.Unit)
	if err != nil {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return g, sandik.Invalid("invalid congress", []sandik.Problem{{Field: "unit", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return g, err
	}
	if err := c.OrgAllow(u, un.Area, true); err != nil {
		return g, err
	}
	if a, ok := c.Registry().Area(un.Area); !ok || a.Level >= sandik.LevelBuilding {
		return g, sandik.Invalid("invalid congress", []sandik.Problem{{Field: "unit", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("the area %q of unit %s cannot hold a hall of ballot boxes", un.Area, un.Code)}})
	}
	kinds, err := c.PositionKinds(ctx)
	if err != nil {
		return g, err
	}
	for i, r := range g.Natural {
		if !slices.ContainsFunc(kinds, func(k sandik.PositionKind) bool { return k.Code == r.Kind }) {
			return g, sandik.Invalid("invalid congress", []sandik.Problem{{Field: fmt.Sprintf("natural[%d].kind", i), Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no kind of position %q", r.Kind)}})
		}
	}
	if err := c.store.SaveCongress(ctx, g); err != nil {
		return g, err
	}
	return g, nil
}

// ComputeElectorate is g's electorate as the mandates and terms stand
// now, on g's day.
func (c *Center) ComputeElectorate(ctx context.Context, g sandik.Congress) ([]sandik.Elector, error) {
	ms, err := c.store.Mandates(ctx, sandik.MandateFilter{Level: g.Level, Unit: g.Unit})
	if err != nil {
		return nil, err
	}
	terms, err := c.store.Positions(ctx, sandik.PositionFilter{At: g.Date})
	if err != nil {
		return nil, err
	}
	units, err := c.store.Units(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]sandik.PersonID, 0, len(ms)+len(terms))
	for _, m := range ms {
		ids = append(ids, m.Person)
	}
	for _, t := range terms {
		ids = append(ids, t.Person)
	}
	people, err := c.store.People(ctx, sandik.PeopleFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	names := make(map[sandik.PersonID]string, len(people))
	for _, p := range people {
		names[p.ID] = p.Name
	}
	return sandik.Electorate(g, ms, terms, units, names), nil
}

// Electorate is the congress's list: frozen once approved, computed
// from the day's mandates and terms before.
func (c *Center) Electorate(ctx context.Context, u sandik.User, id sandik.CongressID) (sandik.Congress, []sandik.Elector, error) {
	g, err := c.Congress(ctx, u, id, false)
	if err != nil {
		return g, nil, err
	}
	if g.Frozen.IsZero() {
		es, err := c.ComputeElectorate(ctx, g)
		return g, es, err
	}
	es, err := c.frozen(ctx, id)
	return g, es, err
}

func (c *Center) frozen(ctx context.Context, id sandik.CongressID) ([]sandik.Elector, error) {
	if v, ok := c.congress.frozen.Load(id); ok {
		return v.([]sandik.Elector), nil
	}
	es, err := c.store.Electorate(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(es) > 0 {
		c.congress.frozen.Store(id, es)
	}
	return es, nil
}

// FreezeElectorate approves congress id's list for u: computed now,
// stored, and its ballot boxes registered — each with the electors of
// its slice of the list as its registered voters — under the congress's
// hall, for its own election. It never changes after.
func (c *Center) FreezeElectorate(ctx context.Context, u sandik.User, id sandik.CongressID) (sandik.Congress, []sandik.Elector, error) {
	mu := c.congressLock(id)
	mu.Lock()
	defer mu.Unlock()
	g, err := c.Congress(ctx, u, id, true)
	if err != nil {
		return g, nil, err
	}
	if !g.Frozen.IsZero() {
		return g, nil, &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("the list of congress %q is frozen already", id),
			Problems: []sandik.Problem{{Field: "electorate", Rule: sandik.RuleFrozen, Message: "is frozen already"}}}
	}
	es, err := c.ComputeElectorate(ctx, g)
	if err != nil {
		return g, nil, err
	}
	if len(es) == 0 {
		return g, nil, sandik.Invalid("empty list", []sandik.Problem{{Field: "electorate", Rule: sandik.RuleRequired, Message: "no delegate holds a mandate or a natural seat on the day"}})
	}
	un, err := c.store.Unit(ctx, g.Unit)
	if err != nil {
		return g, nil, err
	}
	if err := c.extendRegistry(ctx, congressRegistry(g, un.Area, es)); err != nil {
		return g, nil, fmt.Errorf("register the congress's boxes: %w", err)
	}
	now := c.now()
	if err := c.store.FreezeElectorate(ctx, id, es, now, u.ID); err != nil {
		return g, nil, err
	}
	g, err = c.store.Congress(ctx, id)
	return g, es, err
}

// congressRegistry is the congress's hall, boxes and election.
func congressRegistry(g sandik.Congress, area sandik.AreaCode, es []sandik.Elector) sandik.Registry {
	day, _ := time.ParseInLocation(time.DateOnly, string(g.Date), sandik.Istanbul()) // Validate read it
	per := make([]int64, g.Boxes+1)
	for _, e := range es {
		per[e.Box]++
	}
	areas := []sandik.Area{{Code: g.Hall(), Parent: area, Level: sandik.LevelBuilding, Name: g.Title}}
	var regs []sandik.Registration
	for n := 1; n <= g.Boxes; n++ {
		areas = append(areas, sandik.Area{Code: g.Box(n), Parent: g.Hall(), Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", n)})
		regs = append(regs, sandik.Registration{Election: g.Election(), Box: g.Box(n), Registered: per[n]})
	}
	return sandik.Registry{Areas: areas, Elections: []sandik.Election{{Code: g.Election(), Name: g.Title, Date: day, Quorum: g.Entries}}, Registrations: regs}
}

// extendRegistry adds records to the registry in force and imports the
// whole, so that the new areas find their parents in the tree.
func (c *Center) extendRegistry(ctx context.Context, add sandik.Registry) error {
	cur := c.Registry()
	// A retry after a failure between the import and the store finds the
	// records in force: those are left out, and any that differ refused.
	add.Areas = slices.DeleteFunc(add.Areas, func(a sandik.Area) bool { _, ok := cur.Area(a.Code); return ok })
	add.Elections = slices.DeleteFunc(add.Elections, func(e sandik.Election) bool { _, ok := cur.Election(e.Code); return ok })
	add.Races = slices.DeleteFunc(add.Races, func(r sandik.Race) bool { _, ok := cur.Race(r.Code); return ok })
	var stale error
	add.Registrations = slices.DeleteFunc(add.Registrations, func(g sandik.Registration) bool {
		n, ok := cur.Registered(g.Election, g.Box)
		if ok && n != g.Registered {
			stale = sandik.Errorf(sandik.EConflict, "box %s is registered with %d voters, not %d", g.Box, n, g.Registered)
		}
		return ok
	})
	if stale != nil {
		return stale
	}
	full, err := sandik.NewRegistry(slices.Concat(cur.Areas, add.Areas), slices.Concat(cur.Elections, add.Elections),
		slices.Concat(cur.Races, add.Races), slices.Concat(cur.Registrations, add.Registrations))
	if err != nil {
		return err
	}
	return c.ImportRegistry(ctx, full)
}

// Attendance is a congress's check-ins against its frozen list.
type Attendance struct {
	Electorate int               `json:"electorate"`
	Present    int               `json:"present"`
	Needed     int               `json:"needed"`
	Reached    bool              `json:"reached"`
	Quorum     sandik.QuorumRule `json:"quorum"`
	Checkins   []sandik.Checkin  `json:"checkins"`
}

// CongressAttendance returns who came, against the quorum.
func (c *Center) CongressAttendance(ctx context.Context, u sandik.User, id sandik.CongressID) (Attendance, error) {
	g, err := c.Congress(ctx, u, id, false)
	if err != nil {
		return Attendance{}, err
	}
	return c.attendance(ctx, g)
}

func (c *Center) attendance(ctx context.Context, g sandik.Congress) (Attendance, error) {
	es, err := c.frozen(ctx, g.ID)
	if err != nil {
		return Attendance{}, err
	}
	cs, err := c.store.Checkins(ctx, g.ID)
	if err != nil {
		return Attendance{}, err
	}
	return Attendance{Electorate: len(es), Present: len(cs), Needed: g.Quorum.Needed(len(es)), Reached: g.Quorum.Reached(len(cs), len(es)), Quorum: g.Quorum, Checkins: cs}, nil
}

// AttendanceCount is CongressAttendance without the check-ins, for the
// desks' answers: a count, not the whole list, after every check-in.
func (c *Center) AttendanceCount(ctx context.Context, g sandik.Congress) (Attendance, error) {
	es, err := c.frozen(ctx, g.ID)
	if err != nil {
		return Attendance{}, err
	}
	n, err := c.store.CheckinCount(ctx, g.ID)
	if err != nil {
		return Attendance{}, err
	}
	return Attendance{Electorate: len(es), Present: n, Needed: g.Quorum.Needed(len(es)), Reached: g.Quorum.Reached(n, len(es)), Quorum: g.Quorum}, nil
}

// CheckInDelegate checks person in at desk for u, against the frozen
// list: refused when the list is not frozen, when the person is not on
// it (a substitute whose mandate did not pass to them is told so), and
// the second time (by the store's key, whichever desk came first).
func (c *Center) CheckInDelegate(ctx context.Context, u sandik.User, id sandik.CongressID, person sandik.PersonID, desk string) (sandik.Checkin, error) {
	g, err := c.Congress(ctx, u, id, true)
	if err != nil {
		return sandik.Checkin{}, err
	}
	if g.Frozen.IsZero() {
		return sandik.Checkin{}, &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("the list of congress %q is not frozen yet", id),
			Problems: []sandik.Problem{{Field: "electorate", Rule: sandik.RuleNotFrozen, Message: "approve the list before checking delegates in"}}}
	}
	if desk == "" || len(desk) > 40 {
		return sandik.Checkin{}, sandik.Invalid("invalid check-in", []sandik.Problem{{Field: "desk", Rule: sandik.RuleRequired, Message: "name the desk (1 to 40 bytes)"}})
	}
	es, err := c.frozen(ctx, id)
	if err != nil {
		return sandik.Checkin{}, err
	}
	e, err := sandik.CheckCheckin(es, nil, person)
	if err != nil {
		// Only a refusal reads the mandates, to tell a waiting substitute
		// apart from a stranger.
		ms, merr := c.store.Mandates(ctx, sandik.MandateFilter{Level: g.Level, Unit: g.Unit, Person: person})
		if merr != nil {
			return sandik.Checkin{}, merr
		}
		all, merr := c.store.Mandates(ctx, sandik.MandateFilter{Level: g.Level, Unit: g.Unit})
		if merr != nil || len(ms) == 0 {
			return sandik.Checkin{}, cmpErr(merr, err)
		}
		_, err = sandik.CheckCheckin(es, sandik.MandateStates(all, g.Date), person)
		return sandik.Checkin{}, err
	}
	ck := sandik.Checkin{Congress: id, Person: person, Mandate: e.Mandate, Desk: desk, By: u.ID, At: c.now().UTC()}
	if err := c.store.CheckInDelegate(ctx, ck); err != nil {
		return sandik.Checkin{}, err
	}
	return ck, nil
}

func cmpErr(first, second error) error {
	if first != nil {
		return first
	}
	return second
}

// Mandates returns the mandates f selects that u may read (by the
// area of the unit they sit for), with their status today.
func (c *Center) Mandates(ctx context.Context, u sandik.User, f sandik.MandateFilter) ([]sandik.MandateState, error) {
	ms, err := c.store.Mandates(ctx, f)
	if err != nil {
		return nil, err
	}
	states := sandik.MandateStates(ms, sandik.DateOf(c.now()))
	area := map[sandik.UnitCode]error{}
	out := states[:0]
	for _, s := range states {
		err, seen := area[s.Unit]
		if !seen {
			un, uerr := c.store.Unit(ctx, s.Unit)
			if uerr != nil {
				return nil, uerr
			}
			err = c.OrgAllow(u, un.Area, false)
			area[s.Unit] = err
		}
		if err == nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// SaveMandates stores mandates for u, each within u's areas by its unit.
func (c *Center) SaveMandates(ctx context.Context, u sandik.User, ms []sandik.Mandate) error {
	for i, m := range ms {
		un, err := c.store.Unit(ctx, m.Unit)
		if err != nil {
			if sandik.CodeOf(err) == sandik.ENotFound {
				return sandik.Invalid("invalid mandate", []sandik.Problem{{Field: fmt.Sprintf("mandates[%d].unit", i), Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
			}
			return err
		}
		if err := c.OrgAllow(u, un.Area, true); err != nil {
			return fmt.Errorf("mandates[%d]: %w", i, err)
		}
	}
	return c.store.SaveMandates(ctx, ms)
}

// EndMandate ends a mandate for u; the first waiting substitute moves
// up from that day (MandateStates).
func (c *Center) EndMandate(ctx context.Context, u sandik.User, id sandik.MandateID, end sandik.Date, reason string) error {
	ms, err := c.store.Mandates(ctx, sandik.MandateFilter{})
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ms, func(m sandik.Mandate) bool { return m.ID == id })
	if i < 0 {
		return sandik.Errorf(sandik.ENotFound, "no mandate %q", id)
	}
	un, err := c.store.Unit(ctx, ms[i].Unit)
	if err != nil {
		return err
	}
	if err := c.OrgAllow(u, un.Area, true); err != nil {
		return err
	}
	if _, err := sandik.ParseDate(string(end)); err != nil {
		return sandik.Invalid("invalid end", []sandik.Problem{{Field: "end", Rule: sandik.RuleInvalidValue, Message: err.Error()}})
	}
	return c.store.EndMandate(ctx, id, end, reason)
}

func randomSeed() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail
	}
	return hex.EncodeToString(b)
}
