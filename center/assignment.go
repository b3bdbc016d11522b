package center

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
)

// Assignments: who stands at which box for which election. They are
// changed by administrators and by coordinators within their areas, and
// read by anyone whose areas reach the box; an observer reads only their
// own (the person linked to their user), which the caller passes.

// SaveAssignments stores as for u, all or nothing: each box checked
// against the registry and within u's areas, AssignedAt and AssignedBy
// set here (now, u).
func (c *Center) SaveAssignments(ctx context.Context, u sandik.User, as []sandik.Assignment) ([]sandik.Assignment, error) {
	if !u.Role.CanAdjudicate() {
		return nil, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not assign observers; administrators and coordinators may", u.ID, u.Role)
	}
	out := c.stamp(u, as)
	if err := sandik.CheckAssignments(out); err != nil {
		return nil, err
	}
	reg := c.Registry()
	if err := org.CheckAssignments(reg, out); err != nil {
		return nil, err
	}
	for i, a := range out {
		if err := reg.Allow(u, sandik.ActionReadBox, a.Box); err != nil {
			return nil, fmt.Errorf("assignments[%d].box: %w", i, err)
		}
	}
	if err := c.writeAssignments(ctx, out, func() error { return c.store.SaveAssignments(ctx, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// stamp returns as assigned by u now: who and when are the centre's to
// say, not the caller's.
func (c *Center) stamp(u sandik.User, as []sandik.Assignment) []sandik.Assignment {
	if len(as) == 0 {
		return as
	}
	now := c.now().UTC()
	out := slices.Clone(as)
	for i := range out {
		out[i].AssignedAt, out[i].AssignedBy = now, u.ID
	}
	return out
}

// RemoveAssignment removes one assignment for u, within u's areas.
func (c *Center) RemoveAssignment(ctx context.Context, u sandik.User, election sandik.ElectionCode, box sandik.AreaCode, person sandik.PersonID) error {
	if !u.Role.CanAdjudicate() {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not remove observers; administrators and coordinators may", u.ID, u.Role)
	}
	if err := c.Registry().Allow(u, sandik.ActionReadBox, box); err != nil {
		return err
	}
	removed := []sandik.Assignment{{Election: election, Box: box, Person: person}}
	return c.writeAssignments(ctx, removed, func() error { return c.store.RemoveAssignment(ctx, election, box, person) })
}

// Assignments returns the assignments of election within area that u may
// read: those of boxes in u's areas. self is the person linked to u (empty
// if none): an observer reads only their own.
func (c *Center) Assignments(ctx context.Context, u sandik.User, election sandik.ElectionCode, area sandik.AreaCode, self sandik.PersonID) ([]sandik.Assignment, error) {
	reg := c.Registry()
	if _, ok := reg.Election(election); !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	if area != "" {
		if _, ok := reg.Area(area); !ok {
			return nil, sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
		}
		if !reg.Overlaps(u, area) {
			return nil, reg.Allow(u, sandik.ActionReadBox, area)
		}
	}
	if u.Role == sandik.RoleObserver && self == "" {
		return []sandik.Assignment{}, nil
	}
	all, err := c.assignmentsUnder(ctx, reg, election, area)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(a sandik.Assignment) bool {
		return (area != "" && !reg.Contains(area, a.Box)) || !reg.InScope(u, a.Box) ||
			(u.Role == sandik.RoleObserver && a.Person != self)
	}), nil
}

// AssignedBoxes returns the boxes person is assigned to in the
// registry's elections, sorted and without repeats: an observer's boxes
// when their user is linked to that person. Boxes no longer registered
// for the election are left out.
func (c *Center) AssignedBoxes(ctx context.Context, person sandik.PersonID) ([]sandik.AreaCode, error) {
	as, err := c.store.Assignments(ctx, sandik.AssignmentFilter{Person: person})
	if err != nil {
		return nil, err
	}
	reg := c.Registry()
	out := []sandik.AreaCode{}
	for _, a := range as {
		if _, ok := reg.Registered(a.Election, a.Box); ok {
			out = append(out, a.Box)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// silentKey is the setting that holds an election's SilentAfter.
func silentKey(e sandik.ElectionCode) string { return "silent_after/" + string(e) }

// SilentAfter is an election's minutes after the polls close from which
// an assigned box with no sheet counts as silent.
type SilentAfter struct {
	Election  sandik.ElectionCode `json:"election"`
	Minutes   int                 `json:"minutes"`
	Version   int                 `json:"version"` // 0 while the default holds
	UpdatedBy sandik.UserID       `json:"updated_by,omitempty"`
	UpdatedAt time.Time           `json:"updated_at,omitzero"`
}

type silentValue struct {
	Minutes int `json:"minutes"`
}

// SilentAfter returns an election's minutes: those saved, or the default.
func (c *Center) SilentAfter(ctx context.Context, election sandik.ElectionCode) (SilentAfter, error) {
	if _, ok := c.Registry().Election(election); !ok {
		return SilentAfter{}, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	out := SilentAfter{Election: election, Minutes: sandik.DefaultSilentAfter}
	st, err := c.store.Setting(ctx, silentKey(election))
	if sandik.CodeOf(err) == sandik.ENotFound {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("silent minutes of election %s: %w", election, err)
	}
	var v silentValue
	if err := json.Unmarshal(st.Value, &v); err != nil || sandik.CheckSilentAfter(v.Minutes) != nil {
		c.log.Warn("stored silent minutes unreadable; using the default", "election", election, "value", string(st.Value))
		v.Minutes = sandik.DefaultSilentAfter
	}
	out.Minutes, out.Version, out.UpdatedBy, out.UpdatedAt = v.Minutes, st.Version, st.UpdatedBy, st.UpdatedAt
	return out, nil
}

// SaveSilentAfter sets an election's minutes for everyone. Like the
// anomaly thresholds it applies to every box of the election, so only
// administrators and coordinators not limited to areas save it.
// EConflict if someone saved it since version (0: the default).
func (c *Center) SaveSilentAfter(ctx context.Context, u sandik.User, election sandik.ElectionCode, minutes, version int) (SilentAfter, error) {
	if !CanSaveThresholds(u) {
		return SilentAfter{}, sandik.Errorf(sandik.EForbidden, "user %q (%s) may not set when boxes count as silent; administrators and coordinators not limited to areas may", u.ID, u.Role)
	}
	if _, ok := c.Registry().Election(election); !ok {
		return SilentAfter{}, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	if err := sandik.CheckSilentAfter(minutes); err != nil {
		return SilentAfter{}, err
	}
	value, _ := json.Marshal(silentValue{minutes})
	out := SilentAfter{Election: election, Minutes: minutes, Version: version + 1, UpdatedBy: u.ID, UpdatedAt: c.now().UTC()}
	err := c.store.PutSetting(ctx, sandik.Setting{Key: silentKey(election), Value: value, Version: out.Version, UpdatedBy: u.ID, UpdatedAt: out.UpdatedAt}, version)
	if err != nil {
		return SilentAfter{}, fmt.Errorf("save the silent minutes of election %s: %w", election, err)
	}
	return out, nil
}
