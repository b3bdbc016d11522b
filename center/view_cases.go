package center

import (
	"context"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/verify"
)

// Case returns one case for the user to handle: EForbidden when the case
// is about areas outside theirs, or the user may not handle objections.
func (v *View) Case(ctx context.Context, id itiraz.CaseID) (*itiraz.Case, error) {
	u := v.user
	if err := canManage(u); err != nil {
		return nil, err
	}
	cs, err := v.c.loadCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if mayHandle(v.reg, u, cs.Race, cs.Boxes, cs.Areas) != nil {
		// Naming the subject outside would tell what the case is about.
		return nil, sandik.Errorf(sandik.EForbidden, "case %s is outside the areas of user %q (%s)", id, u.ID, u.Role)
	}
	return cs, nil
}

// Cases returns the cases of race (all races when empty) the user may
// open, by id.
func (v *View) Cases(ctx context.Context, race sandik.RaceCode) ([]*itiraz.Case, error) {
	u := v.user
	if err := canManage(u); err != nil {
		return nil, err
	}
	all, err := v.c.allCases(ctx, race)
	if err != nil || !u.Scoped() {
		return all, err
	}
	out := []*itiraz.Case{}
	for _, cs := range all {
		// Listed only if it can be opened: every subject inside u's areas.
		if mayHandle(v.reg, u, cs.Race, cs.Boxes, cs.Areas) == nil {
			out = append(out, cs)
		}
	}
	return out, nil
}

// Evidence returns a stored document, verified: one attached to a case the
// user may open. Any other checksum is "not found", so that a checksum
// seen elsewhere opens nothing.
func (v *View) Evidence(ctx context.Context, sum string) ([]byte, error) {
	u := v.user
	if err := canManage(u); err != nil {
		return nil, err
	}
	if u.Scoped() {
		cases, err := v.Cases(ctx, "")
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(cases, func(cs *itiraz.Case) bool {
			return slices.ContainsFunc(cs.Evidence, func(e itiraz.Evidence) bool { return e.SHA256 == sum })
		}) {
			return nil, sandik.Errorf(sandik.ENotFound, "no evidence %s among the cases of user %q", sum, u.ID)
		}
	}
	return v.c.evidence(ctx, sum)
}

// Margins returns a race's margin of a over b (choice codes; the two
// leaders when empty) as counted and under its cases. Counted figures are
// the official ones where published, else the verified sheets.
//
// The counted margin belongs to the whole race: it is counted over every
// box, whatever the user's areas, as a district's totals are for a
// coordinator of one of its neighbourhoods. The cases are those the user
// may open (View.Cases): a claim outside their areas, added to a margin
// they also read without it, would tell what that case claims.
func (v *View) Margins(ctx context.Context, race sandik.RaceCode, a, b sandik.ChoiceCode) (itiraz.Margins, error) {
	if err := canManage(v.user); err != nil {
		return itiraz.Margins{}, err
	}
	rc, ok := v.reg.Race(race)
	if !ok {
		return itiraz.Margins{}, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	if len(rc.Choices) < 2 {
		return itiraz.Margins{}, sandik.Invalid("no margin", []sandik.Problem{{Field: "race", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("race %q has one choice: it has no margin", race)}})
	}
	// Official results arrive box by box: each box counts with its
	// published figures where there are some, else its verified sheet.
	figs, err := v.eng.Figures(race, rc.Scope)
	if err != nil {
		return itiraz.Margins{}, err
	}
	counted := make([]int64, len(rc.Choices))
	recounted := make([]int64, len(rc.Choices))
	boxesRecounted := 0
	for i := range figs {
		t := figs[i].Official
		if t == nil {
			t = figs[i].Resolved
		}
		if t != nil {
			for j, n := range t.Votes {
				counted[j] += n
			}
		}
		// A settled recount supersedes the box's earlier figures.
		if r := figs[i].Recounted; r != nil {
			t = r
			boxesRecounted++
		}
		if t != nil {
			for j, n := range t.Votes {
				recounted[j] += n
			}
		}
	}
	ia, ib, err := verify.Pair(rc, counted, a, b)
	if err != nil {
		return itiraz.Margins{}, err
	}
	cases, err := v.Cases(ctx, race)
	if err != nil {
		return itiraz.Margins{}, err
	}
	m := itiraz.ComputeMargins(rc, counted, ia, ib, cases)
	m.AsRecounted, m.BoxesRecounted = recounted[ia]-recounted[ib], boxesRecounted
	return m, nil
}
