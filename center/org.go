package center

import (
	"context"
	"fmt"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/orgmem"
)

// Org is the organisation as stored, for reads; what a user may see of
// it is decided by the caller with OrgAllow.
func (c *Center) Org() sandik.OrgStore { return c.store }

// OrgAllow decides whether u may read (write false) or change (write
// true) the organisation in area: reading as anyone whose areas reach
// it, changing only as an administrator or a coordinator within their
// areas. The scope is Registry.Allow's.
func (c *Center) OrgAllow(u sandik.User, area sandik.AreaCode, write bool) error {
	if write && !u.Role.CanAdjudicate() {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not change the organisation; administrators and coordinators may", u.ID, u.Role)
	}
	return c.Registry().Allow(u, sandik.ActionReadBox, area)
}

// SaveOrg stores ch for u: every unit's area checked against the
// registry, and every record within u's areas (a unit by its area, a
// person by their home unit's, a term by its unit's); a term whose kind
// gives a role only where u may give it (delegation, org.MayGive).
func (c *Center) SaveOrg(ctx context.Context, u sandik.User, ch sandik.OrgChange) error {
	ch.Assignments = c.stamp(u, ch.Assignments)
	if err := ch.Validate(); err != nil {
		return err
	}
	reg := c.Registry()
	if err := org.CheckAssignments(reg, ch.Assignments); err != nil {
		return err
	}
	for i, a := range ch.Assignments {
		if err := c.OrgAllow(u, a.Box, true); err != nil {
			return fmt.Errorf("assignments[%d].box: %w", i, err)
		}
	}
	stored := func(code sandik.UnitCode) (sandik.Unit, bool) {
		un, err := c.store.Unit(ctx, code)
		return un, err == nil
	}
	if err := org.CheckUnits(reg, ch.Units, stored); err != nil {
		return err
	}
	given := make(map[sandik.UnitCode]sandik.AreaCode, len(ch.Units))
	for i, un := range ch.Units {
		if err := c.OrgAllow(u, un.Area, true); err != nil {
			return fmt.Errorf("units[%d]: %w", i, err)
		}
		given[un.Code] = un.Area
	}
	areaOf := func(code sandik.UnitCode) (sandik.AreaCode, error) {
		if a, ok := given[code]; ok {
			return a, nil
		}
		un, err := c.store.Unit(ctx, code)
		if err != nil {
			return "", err
		}
		given[code] = un.Area
		return un.Area, nil
	}
	check := func(field string, code sandik.UnitCode) error {
		a, err := areaOf(code)
		if sandik.CodeOf(err) == sandik.ENotFound {
			return sandik.Invalid("invalid change of the organisation", []sandik.Problem{{Field: field, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no unit %q", code)}})
		}
		if err == nil {
			err = c.OrgAllow(u, a, true)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		return nil
	}
	for i, p := range ch.People {
		if err := check(fmt.Sprintf("people[%d].home", i), p.Home); err != nil {
			return err
		}
	}
	for i, p := range ch.Positions {
		field := fmt.Sprintf("positions[%d].unit", i)
		if err := check(field, p.Unit); err != nil {
			return err
		}
		// Delegation: a term gives its kind's role over the unit's area,
		// which must be u's to give (org.MayGive).
		a, _ := areaOf(p.Unit)
		if err := c.mayRecord(ctx, u, p.Kind, a); err != nil {
			return fmt.Errorf("positions[%d].kind: %w", i, err)
		}
	}
	if len(ch.Kinds) > 0 && u.Role != sandik.RoleAdmin {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not add kinds of position; administrators may", u.ID, u.Role)
	}
	err := c.writeAssignments(ctx, ch.Assignments, func() error {
		return c.writeOrg(ctx, orgChanges(ch), func() error { return c.store.SaveOrg(ctx, ch) },
			func(x *orgmem.Index, gen int64) error { return x.Apply(ch, gen) })
	})
	if err != nil {
		return err
	}
	c.forget("")
	return nil
}

// EndPosition ends a term for u within u's areas and returns it ended.
func (c *Center) EndPosition(ctx context.Context, u sandik.User, id sandik.PositionID, end sandik.Date, reason string) (sandik.Position, error) {
	p, err := c.store.Position(ctx, id)
	if err != nil {
		return p, err
	}
	un, err := c.store.Unit(ctx, p.Unit)
	if err != nil {
		return p, err
	}
	if err := c.OrgAllow(u, un.Area, true); err != nil {
		return p, err
	}
	if err := c.mayRecord(ctx, u, p.Kind, un.Area); err != nil {
		return p, err
	}
	// A term gives rights, not boxes: the coverages stay.
	err = c.writeAssignments(ctx, nil, func() error {
		return c.writeOrg(ctx, true, func() error { return c.store.EndPosition(ctx, id, end, reason) },
			func(x *orgmem.Index, gen int64) error { return x.End(p.Unit, id, end, reason, gen) })
	})
	if err != nil {
		return p, err
	}
	c.forget("")
	return c.store.Position(ctx, id)
}

// kindsCache keeps the kinds of position while the user generation
// stands still: a kind is added only by SaveOrg, which moves it on
// every instance, and every chart of a unit reads them.
type kindsCache struct {
	mu    sync.Mutex
	gen   int64
	kinds []sandik.PositionKind
}

// PositionKinds returns the default and added kinds of position, from
// memory while nothing has changed them. The slice is shared: callers
// must not change it.
func (c *Center) PositionKinds(ctx context.Context) ([]sandik.PositionKind, error) {
	gen, err := c.store.UserGeneration(ctx)
	if err != nil {
		return nil, err
	}
	c.kinds.mu.Lock()
	if c.kinds.kinds != nil && c.kinds.gen == gen {
		k := c.kinds.kinds
		c.kinds.mu.Unlock()
		return k, nil
	}
	c.kinds.mu.Unlock()
	kinds, err := c.store.PositionKinds(ctx)
	if err != nil {
		return nil, err
	}
	c.kinds.mu.Lock()
	c.kinds.gen, c.kinds.kinds = gen, kinds
	c.kinds.mu.Unlock()
	return kinds, nil
}
