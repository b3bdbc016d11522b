package center

import (
	"context"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/blob"
)

// Visits, their commitments and photos, and tours. A visit is recorded
// by one who may change the organisation where the visitors came from
// (OrgAllow, write) and counts for the area of what was visited, which
// they must be able to read; it is read by those whose areas reach
// either. Photos are served only to those who may read a visit that
// holds them.

// visitArea is the area a visit counts for, resolved from its target as
// the store will.
func (c *Center) visitArea(ctx context.Context, v sandik.Visit) (sandik.AreaCode, error) {
	field := func(f string, err error) error {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return sandik.Invalid("invalid visit", []sandik.Problem{{Field: f, Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return err
	}
	switch {
	case v.Target.Unit != "":
		u, err := c.store.Unit(ctx, v.Target.Unit)
		return u.Area, field("target.unit", err)
	case v.Target.Municipality != "":
		m, err := c.store.Municipality(ctx, v.Target.Municipality)
		return m.Area, field("target.municipality", err)
	case v.Target.Person != "":
		p, err := c.store.Person(ctx, v.Target.Person)
		if err != nil {
			return "", field("target.person", err)
		}
		u, err := c.store.Unit(ctx, p.Home)
		return u.Area, field("target.person", err)
	}
	if _, ok := c.Registry().Area(v.Area); !ok {
		return "", sandik.Invalid("invalid visit", []sandik.Problem{{Field: "area", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no area %q in the registry", v.Area)}})
	}
	return v.Area, nil
}

// VisitAllow decides whether u may read v: their areas reach where the
// visit counts or the unit the visitors came from.
func (c *Center) VisitAllow(ctx context.Context, u sandik.User, v sandik.Visit) error {
	err := c.OrgAllow(u, v.Area, false)
	if err == nil {
		return nil
	}
	from, ferr := c.store.Unit(ctx, v.FromUnit)
	if ferr != nil {
		return err
	}
	return c.OrgAllow(u, from.Area, false)
}

// RecordVisit stores v and its commitments for u, drawing ids left
// empty, and returns the visit as stored.
func (c *Center) RecordVisit(ctx context.Context, u sandik.User, v sandik.Visit, cs []sandik.Commitment) (sandik.Visit, []sandik.Commitment, error) {
	if v.ID == "" {
		v.ID = sandik.VisitID("z-" + randomHex(8))
	}
	v.By = u.ID
	for i := range cs {
		if cs[i].ID == "" {
			cs[i].ID = sandik.CommitmentID("t-" + randomHex(8))
		}
		if cs[i].Status == "" {
			cs[i].Status = sandik.CommitOpen
		}
		cs[i].Visit = v.ID
	}
	if err := v.Validate(); err != nil {
		return v, nil, err
	}
	from, err := c.store.Unit(ctx, v.FromUnit)
	if err != nil {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return v, nil, sandik.Invalid("invalid visit", []sandik.Problem{{Field: "from_unit", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return v, nil, err
	}
	if err := c.OrgAllow(u, from.Area, true); err != nil {
		return v, nil, err
	}
	area, err := c.visitArea(ctx, v)
	if err != nil {
		return v, nil, err
	}
	if err := c.OrgAllow(u, area, false); err != nil {
		return v, nil, err
	}
	for i, h := range v.Photos {
		if _, err := c.store.Blob(ctx, h); err != nil {
			if sandik.CodeOf(err) == sandik.ENotFound {
				return v, nil, sandik.Invalid("invalid visit", []sandik.Problem{{Field: fmt.Sprintf("photos[%d]", i), Rule: sandik.RuleInvalidValue, Message: "no photo uploaded with this SHA-256"}})
			}
			return v, nil, err
		}
	}
	stored, err := c.store.SaveVisit(ctx, v, cs)
	if err != nil {
		return v, nil, err
	}
	out, err := c.store.Commitments(ctx, sandik.CommitmentFilter{Visit: stored.ID})
	return stored, out, err
}

// VisitDetail is a visit with its commitments, each with its follow-up
// chain.
type VisitDetail struct {
	Visit       sandik.Visit          `json:"visit"`
	Commitments []sandik.Commitment   `json:"commitments"`
	Chains      [][]sandik.Commitment `json:"chains"`
}

// Visit returns one visit u may read.
func (c *Center) Visit(ctx context.Context, u sandik.User, id sandik.VisitID) (VisitDetail, error) {
	v, err := c.store.Visit(ctx, id)
	if err != nil {
		return VisitDetail{}, err
	}
	if err := c.VisitAllow(ctx, u, v); err != nil {
		return VisitDetail{}, err
	}
	cs, err := c.store.Commitments(ctx, sandik.CommitmentFilter{Visit: id})
	if err != nil {
		return VisitDetail{}, err
	}
	all, err := c.store.Commitments(ctx, sandik.CommitmentFilter{})
	if err != nil {
		return VisitDetail{}, err
	}
	d := VisitDetail{Visit: v, Commitments: cs, Chains: [][]sandik.Commitment{}}
	for _, cm := range cs {
		d.Chains = append(d.Chains, sandik.Chain(all, cm.ID))
	}
	return d, nil
}

// Visits returns the visits counting for areas under area (empty: all)
// that u may read, newest first.
func (c *Center) Visits(ctx context.Context, u sandik.User, area sandik.AreaCode, tour sandik.TourID) ([]sandik.Visit, error) {
	reg := c.Registry()
	if area != "" {
		if err := c.OrgAllow(u, area, false); err != nil {
			return nil, err
		}
	}
	vs, err := c.store.Visits(ctx, sandik.VisitFilter{Tour: tour})
	if err != nil {
		return nil, err
	}
	out := vs[:0]
	for _, v := range vs {
		if (area == "" || v.Area == area || reg.Contains(area, v.Area)) && c.OrgAllow(u, v.Area, false) == nil {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b sandik.Visit) int { return b.At.Compare(a.At) })
	return out, nil
}

// Commitments returns the commitments counting for areas under area
// that u may read (all, or the open ones).
func (c *Center) Commitments(ctx context.Context, u sandik.User, area sandik.AreaCode, open bool) ([]sandik.Commitment, error) {
	reg := c.Registry()
	if area != "" {
		if err := c.OrgAllow(u, area, false); err != nil {
			return nil, err
		}
	}
	cs, err := c.store.Commitments(ctx, sandik.CommitmentFilter{Open: open})
	if err != nil {
		return nil, err
	}
	out := cs[:0]
	for _, cm := range cs {
		if (area == "" || cm.Area == area || reg.Contains(area, cm.Area)) && c.OrgAllow(u, cm.Area, false) == nil {
			out = append(out, cm)
		}
	}
	return out, nil
}

// DueBoard is the overdue board of area for u, as of now.
func (c *Center) DueBoard(ctx context.Context, u sandik.User, area sandik.AreaCode) (sandik.DueBoard, error) {
	cs, err := c.Commitments(ctx, u, area, true)
	if err != nil {
		return sandik.DueBoard{}, err
	}
	return sandik.NewDueBoard(cs, c.now()), nil
}

// commitmentAllow loads commitment id and checks u may change it.
func (c *Center) commitmentAllow(ctx context.Context, u sandik.User, id sandik.CommitmentID) (sandik.Commitment, error) {
	cm, err := c.store.Commitment(ctx, id)
	if err != nil {
		return cm, err
	}
	return cm, c.OrgAllow(u, cm.Area, true)
}

// SetCommitmentStatus closes or reopens a commitment for u.
func (c *Center) SetCommitmentStatus(ctx context.Context, u sandik.User, id sandik.CommitmentID, s sandik.CommitmentStatus) (sandik.Commitment, error) {
	if _, err := c.commitmentAllow(ctx, u, id); err != nil {
		return sandik.Commitment{}, err
	}
	if err := c.store.SetCommitmentStatus(ctx, id, s); err != nil {
		return sandik.Commitment{}, err
	}
	return c.store.Commitment(ctx, id)
}

// FollowUp stores a new commitment continuing another, on a visit u may
// record for.
func (c *Center) FollowUp(ctx context.Context, u sandik.User, cm sandik.Commitment) (sandik.Commitment, error) {
	if cm.ID == "" {
		cm.ID = sandik.CommitmentID("t-" + randomHex(8))
	}
	if cm.Status == "" {
		cm.Status = sandik.CommitOpen
	}
	v, err := c.store.Visit(ctx, cm.Visit)
	if err != nil {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return cm, sandik.Invalid("invalid commitment", []sandik.Problem{{Field: "visit", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return cm, err
	}
	if err := c.OrgAllow(u, v.Area, true); err != nil {
		return cm, err
	}
	if cm.Follows != "" {
		if _, err := c.commitmentAllow(ctx, u, cm.Follows); err != nil && sandik.CodeOf(err) != sandik.ENotFound {
			return cm, err
		}
	}
	return c.store.SaveCommitment(ctx, cm)
}

// PutPhoto cleans and keeps a photo for u, who must be one who records
// visits somewhere.
func (c *Center) PutPhoto(ctx context.Context, u sandik.User, data []byte) (blob.Photo, error) {
	if !u.Role.CanAdjudicate() {
		return blob.Photo{}, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not record visits; administrators and coordinators may", u.ID, u.Role)
	}
	return blob.Put(ctx, c.store, data, blob.DefaultLimits())
}

// Photo returns a photo's bytes to u if u may read a visit holding it.
// A photo held by no visit u may read is not found, whether it exists
// or not, so its sum tells nothing.
func (c *Center) Photo(ctx context.Context, u sandik.User, sum string) ([]byte, error) {
	if !validSum(sum) {
		return nil, sandik.Errorf(sandik.ENotFound, "no photo %q", sum)
	}
	vs, err := c.store.Visits(ctx, sandik.VisitFilter{Photo: sum})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if slices.Contains(v.Photos, sum) && c.VisitAllow(ctx, u, v) == nil {
			return c.store.Blob(ctx, sum)
		}
	}
	return nil, sandik.Errorf(sandik.ENotFound, "no photo %s among the visits user %q may read", sum, u.ID)
}

// CreateTour stores a tour planned by u from a unit u may change the
// organisation of, to units u may read.
func (c *Center) CreateTour(ctx context.Context, u sandik.User, t sandik.Tour) (TourView, error) {
	if t.ID == "" {
		t.ID = sandik.TourID("tur-" + randomHex(6))
	}
	t.By = u.ID
	for i := range t.Stops {
		if t.Stops[i].Status == "" {
			t.Stops[i].Status = sandik.StopPending
		}
	}
	if err := t.Validate(); err != nil {
		return TourView{}, err
	}
	un, err := c.store.Unit(ctx, t.Unit)
	if err != nil {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return TourView{}, sandik.Invalid("invalid tour", []sandik.Problem{{Field: "unit", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return TourView{}, err
	}
	if err := c.OrgAllow(u, un.Area, true); err != nil {
		return TourView{}, err
	}
	for i, s := range t.Stops {
		su, err := c.store.Unit(ctx, s.Unit)
		if err != nil {
			if sandik.CodeOf(err) == sandik.ENotFound {
				return TourView{}, sandik.Invalid("invalid tour", []sandik.Problem{{Field: fmt.Sprintf("stops[%d].unit", i), Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
			}
			return TourView{}, err
		}
		if err := c.OrgAllow(u, su.Area, false); err != nil {
			return TourView{}, fmt.Errorf("stops[%d].unit: %w", i, err)
		}
	}
	if err := c.store.SaveTour(ctx, t); err != nil {
		return TourView{}, err
	}
	return c.Tour(ctx, u, t.ID)
}

// TourView is a tour with its progress, the visits made on it, its
// suggested route from the tour unit's centre and the stops without a
// place on the map.
type TourView struct {
	Tour     sandik.Tour                `json:"tour"`
	Progress sandik.TourProgress        `json:"progress"`
	Start    *sandik.Point              `json:"start,omitempty"`
	Route    []sandik.Leg               `json:"route"`
	Unplaced []sandik.UnitCode          `json:"unplaced"`
	Visits   []sandik.Visit             `json:"visits"`
	Names    map[sandik.UnitCode]string `json:"names"`
}

// Tour returns a tour u may read: u's areas reach its unit.
func (c *Center) Tour(ctx context.Context, u sandik.User, id sandik.TourID) (TourView, error) {
	t, err := c.store.Tour(ctx, id)
	if err != nil {
		return TourView{}, err
	}
	un, err := c.store.Unit(ctx, t.Unit)
	if err != nil {
		return TourView{}, err
	}
	if err := c.OrgAllow(u, un.Area, false); err != nil {
		return TourView{}, err
	}
	vs, err := c.store.Visits(ctx, sandik.VisitFilter{Tour: id})
	if err != nil {
		return TourView{}, err
	}
	tv := TourView{Tour: t, Progress: t.Progress(vs), Visits: vs, Names: map[sandik.UnitCode]string{}, Route: []sandik.Leg{}}
	places := map[sandik.UnitCode]sandik.Point{}
	units := make([]sandik.UnitCode, 0, len(t.Stops))
	for _, s := range t.Stops {
		su, err := c.store.Unit(ctx, s.Unit)
		if err != nil {
			return TourView{}, err
		}
		tv.Names[s.Unit] = su.Name
		units = append(units, s.Unit)
		if p, ok := c.placeOf(su.Area); ok {
			places[s.Unit] = p
		}
	}
	start, ok := c.placeOf(un.Area)
	if !ok && len(units) > 0 {
		start, ok = places[units[0]]
	}
	if ok {
		tv.Start = &start
	}
	tv.Route, tv.Unplaced = sandik.NearestNeighbour(start, units, places)
	if tv.Route == nil {
		tv.Route = []sandik.Leg{}
	}
	return tv, nil
}

// SetStop postpones a stop of a tour, or sets it pending again, for u.
func (c *Center) SetStop(ctx context.Context, u sandik.User, id sandik.TourID, unit sandik.UnitCode, s sandik.StopStatus, planned sandik.Date) (TourView, error) {
	t, err := c.store.Tour(ctx, id)
	if err != nil {
		return TourView{}, err
	}
	un, err := c.store.Unit(ctx, t.Unit)
	if err != nil {
		return TourView{}, err
	}
	if err := c.OrgAllow(u, un.Area, true); err != nil {
		return TourView{}, err
	}
	if err := c.store.SetStopStatus(ctx, id, unit, s, planned); err != nil {
		return TourView{}, err
	}
	return c.Tour(ctx, u, id)
}

// Tours returns the tours u may read.
func (c *Center) Tours(ctx context.Context, u sandik.User) ([]sandik.Tour, error) {
	ts, err := c.store.Tours(ctx)
	if err != nil {
		return nil, err
	}
	out := ts[:0]
	for _, t := range ts {
		if un, err := c.store.Unit(ctx, t.Unit); err == nil && c.OrgAllow(u, un.Area, false) == nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// Unvisited returns the units below unit that no visit from unit or a
// unit below it reached in the months before now.
func (c *Center) Unvisited(ctx context.Context, u sandik.User, unit sandik.UnitCode, months int) ([]sandik.Unit, error) {
	top, err := c.store.Unit(ctx, unit)
	if err != nil {
		return nil, err
	}
	if err := c.OrgAllow(u, top.Area, false); err != nil {
		return nil, err
	}
	if months <= 0 {
		months = 6
	}
	units, err := c.store.Units(ctx)
	if err != nil {
		return nil, err
	}
	from := map[sandik.UnitCode]bool{unit: true}
	var districts []sandik.UnitCode
	byCode := map[sandik.UnitCode]sandik.Unit{}
	for _, x := range units {
		byCode[x.Code] = x
		if x.Parent == unit {
			from[x.Code] = x.Kind != sandik.UnitIlce // the province's own branches visit; districts are visited
			if x.Kind == sandik.UnitIlce {
				districts = append(districts, x.Code)
			}
		}
	}
	vs, err := c.store.Visits(ctx, sandik.VisitFilter{})
	if err != nil {
		return nil, err
	}
	since := c.now().AddDate(0, -months, 0)
	var out []sandik.Unit
	for _, code := range sandik.Unvisited(districts, vs, from, since) {
		out = append(out, byCode[code])
	}
	return out, nil
}

func validSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}
