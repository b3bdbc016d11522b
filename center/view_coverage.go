package center

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/org"
)

// Coverage returns how the boxes of election below area are watched, for
// a user whose areas hold area, from the centre's cache of coverages
// (coverageCache). The result is shared: callers must not change it.
func (v *View) Coverage(ctx context.Context, election sandik.ElectionCode, area sandik.AreaCode) (org.Coverage, error) {
	if _, ok := v.reg.Area(area); ok {
		if err := v.reg.Allow(v.user, sandik.ActionReadBox, area); err != nil {
			return org.Coverage{}, err
		}
	}
	return v.c.coverage(ctx, v.reg, election, area)
}

// assignmentsUnder reads the assignments of election whose boxes may lie
// below area: those whose codes begin with area's when every code below
// area does (as the registry's usually do), else all of the election's.
// Callers keep those reg.Contains.
func (c *Center) assignmentsUnder(ctx context.Context, reg *sandik.Registry, election sandik.ElectionCode, area sandik.AreaCode) ([]sandik.Assignment, error) {
	f := sandik.AssignmentFilter{Election: election}
	if nests(reg, area) {
		f.Under = area
	}
	return c.store.Assignments(ctx, f)
}

// nests reports whether every code below area begins with area's.
func nests(reg *sandik.Registry, area sandik.AreaCode) bool {
	prefix := string(area)
	var walk func(code sandik.AreaCode) bool
	walk = func(code sandik.AreaCode) bool {
		for _, ch := range reg.Children(code) {
			if !strings.HasPrefix(string(ch), prefix) || !walk(ch) {
				return false
			}
		}
		return true
	}
	return walk(area)
}

// SilentBox is a box whose observers have sent nothing.
type SilentBox struct {
	Box   sandik.AreaCode `json:"box"`
	Name  string          `json:"name"`
	Place []string        `json:"place"` // where it stands below the area, from the top
	// Observers are the people assigned, their phones only where the
	// user may see them (ShowContact).
	Observers []Observer `json:"observers"`
}

// Observer is who stands at a silent box: a name to ask for and the
// phones to call, nothing else of the person.
type Observer struct {
	ID     sandik.PersonID `json:"id"`
	Name   string          `json:"name"`
	Phones []string        `json:"phones,omitempty"`
}

// Silent is the list of assigned but silent boxes of an area.
type Silent struct {
	Election sandik.ElectionCode `json:"election"`
	Area     sandik.AreaCode     `json:"area"`
	// PollsClosed is when the polls closed; From when boxes begin to count
	// as silent (PollsClosed plus the election's minutes).
	PollsClosed time.Time `json:"polls_closed"`
	From        time.Time `json:"from"`
	Minutes     int       `json:"minutes"`
	// SinceClose is how many whole minutes have passed since the polls
	// closed; the list is empty while it is below Minutes.
	SinceClose int `json:"since_close"`
	// Total is how many boxes are silent; Boxes the page of them asked
	// for, in the Turkish order of their place, and Next the box to ask
	// after for the next page (empty on the last).
	Total int             `json:"total"`
	Boxes []SilentBox     `json:"boxes"`
	Next  sandik.AreaCode `json:"next,omitempty"`
	// Withheld says why phones are missing from the rows from some row
	// on: the user reached the contacts they may see in a minute
	// (sandik.ETooMany). The list itself is still whole.
	Withheld string `json:"contacts_withheld,omitempty"`
}

// Silent lists the boxes of election below area that have observers
// assigned and no sheet of any of the election's races, once the
// election's minutes have passed since the polls closed: up to limit
// (at least 1) after the box after (from the first when empty). Whether
// a box has sent anything is what an entry not yet verified tells, so
// only coordinators and administrators within their areas read it. The
// observers' contacts are read, and shown through ShowContact, for the
// boxes of the page only.
func (v *View) Silent(ctx context.Context, election sandik.ElectionCode, area, after sandik.AreaCode, limit int) (Silent, error) {
	if !v.user.Role.CanAdjudicate() {
		return Silent{}, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not read the silent boxes; coordinators and administrators may", v.user.ID, v.user.Role)
	}
	e, ok := v.reg.Election(election)
	if !ok {
		return Silent{}, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	if _, ok := v.reg.Area(area); !ok {
		return Silent{}, sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
	}
	if err := v.reg.Allow(v.user, sandik.ActionReadBox, area); err != nil {
		return Silent{}, err
	}
	minutes, err := v.c.SilentAfter(ctx, election)
	if err != nil {
		return Silent{}, err
	}
	closed := e.PollsClose()
	out := Silent{Election: election, Area: area, PollsClosed: closed, Minutes: minutes.Minutes,
		From: closed.Add(time.Duration(minutes.Minutes) * time.Minute), Boxes: []SilentBox{}}
	now := v.c.now()
	out.SinceClose = int(now.Sub(closed) / time.Minute)
	if now.Before(out.From) {
		return out, nil
	}
	as, err := v.c.assignmentsUnder(ctx, v.reg, election, area)
	if err != nil {
		return out, err
	}
	observers := map[sandik.AreaCode][]sandik.PersonID{}
	for _, a := range as {
		if v.reg.Contains(area, a.Box) {
			observers[a.Box] = append(observers[a.Box], a.Person)
		}
	}
	if len(observers) == 0 {
		return out, nil
	}
	arrived, err := v.arrived(election, area, observers)
	if err != nil {
		return out, err
	}
	var silent []org.Gap
	for box := range observers {
		if _, in := v.reg.Registered(election, box); in && !arrived[box] {
			a, _ := v.reg.Area(box)
			silent = append(silent, org.Gap{Box: box, Name: a.Name, Place: v.placeOf(box, area)})
		}
	}
	org.SortGaps(silent)
	out.Total = len(silent)
	start := 0
	if after != "" {
		if i := slices.IndexFunc(silent, func(g org.Gap) bool { return g.Box == after }); i >= 0 {
			start = i + 1
		}
	}
	page := silent[start:min(len(silent), start+max(limit, 1))]
	if start+len(page) < len(silent) && len(page) > 0 {
		out.Next = page[len(page)-1].Box
	}
	var ids []sandik.PersonID
	for _, g := range page {
		ids = append(ids, observers[g.Box]...)
	}
	people, err := v.c.people(ctx, ids)
	if err != nil {
		return out, err
	}
	for _, g := range page {
		sb := SilentBox{Box: g.Box, Name: g.Name, Place: g.Place}
		for _, id := range observers[g.Box] {
			p, ok := people[id]
			if !ok {
				return out, fmt.Errorf("observer %s of box %s is not stored", id, g.Box)
			}
			shown := p.HideContact()
			if out.Withheld == "" {
				var err error
				shown, err = v.c.ShowContact(ctx, v.user, p, g.Box)
				switch {
				case sandik.CodeOf(err) == sandik.ETooMany:
					// The boxes still matter more than the phones: the
					// list goes on with names only, and says why.
					out.Withheld = sandik.MessageOf(err)
				case err != nil:
					return out, err
				}
			}
			sb.Observers = append(sb.Observers, Observer{ID: shown.ID, Name: shown.Name, Phones: shown.Phones})
		}
		collation.Sort(sb.Observers, func(o Observer) string { return o.Name })
		out.Boxes = append(out.Boxes, sb)
	}
	return out, nil
}

// people reads the people of ids, a few hundred to a statement.
func (c *Center) people(ctx context.Context, ids []sandik.PersonID) (map[sandik.PersonID]sandik.Person, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[sandik.PersonID]sandik.Person, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		ps, err := c.store.People(ctx, sandik.PeopleFilter{IDs: chunk})
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

// arrived is the set of the boxes of watched (below area) with an entry
// of any race of election.
func (v *View) arrived(election sandik.ElectionCode, area sandik.AreaCode, watched map[sandik.AreaCode][]sandik.PersonID) (map[sandik.AreaCode]bool, error) {
	out := map[sandik.AreaCode]bool{}
	for i := range v.reg.Races {
		rc := &v.reg.Races[i]
		if rc.Election != election || !(v.reg.Contains(rc.Scope, area) || v.reg.Contains(area, rc.Scope)) {
			continue
		}
		under := area
		if v.reg.Contains(area, rc.Scope) {
			under = rc.Scope
		}
		pr, err := v.eng.Progress(rc.Code, under)
		if sandik.CodeOf(err) == sandik.ENotFound {
			continue // no box of the race lies there
		}
		if err != nil {
			return nil, err
		}
		missing := map[sandik.AreaCode]bool{}
		for _, c := range pr.Children {
			for _, b := range c.Missing {
				missing[b] = true
			}
		}
		for b := range watched {
			if !missing[b] && v.reg.InRace(rc, b) {
				out[b] = true
			}
		}
	}
	return out, nil
}

// placeOf names where box stands below area, from the top.
func (v *View) placeOf(box, area sandik.AreaCode) []string {
	var place []string
	if box == area {
		return place
	}
	for _, anc := range v.reg.Ancestors(box) {
		if anc == area {
			break
		}
		a, _ := v.reg.Area(anc)
		place = append([]string{a.Name}, place...)
	}
	return place
}
