package center

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cdf"
)

// MaxOpenDataBoxes bounds one open-data export: the provenance of each
// box's official figures is read from the log, box by box.
const MaxOpenDataBoxes = 50_000

// OpenData gathers the per-box figures of election over area — the
// official ones with their provenance and the verified ones — for the
// open-data export (cdf). Verified figures are read beside the official
// ones only by those who see every entry, within their areas.
func (v *View) OpenData(ctx context.Context, election sandik.ElectionCode, area sandik.AreaCode) (cdf.Input, error) {
	e, ok := v.reg.Election(election)
	if !ok {
		return cdf.Input{}, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	a, ok := v.reg.Area(area)
	if !ok {
		return cdf.Input{}, sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
	}
	if a.Level == sandik.LevelSandik {
		return cdf.Input{}, sandik.Errorf(sandik.EInvalid, "area %q is a ballot box: export an area", area)
	}
	if !v.user.Role.SeesAllEntries() {
		return cdf.Input{}, sandik.Errorf(sandik.EForbidden, "user %q (%s) does not export sheets", v.user.ID, v.user.Role)
	}
	if !v.reg.InScope(v.user, area) {
		return cdf.Input{}, sandik.Errorf(sandik.EForbidden, "%s is outside the areas of user %q", area, v.user.ID)
	}
	in := cdf.Input{Election: e, Registry: v.reg, Scope: area, Generated: v.c.now()}
	for i := range v.reg.Races {
		rc := &v.reg.Races[i]
		if rc.Election != election {
			continue
		}
		at := rc.Scope
		switch {
		case v.reg.Contains(area, rc.Scope):
		case v.reg.Contains(rc.Scope, area):
			at = area
		default:
			continue
		}
		figs, err := v.eng.Figures(rc.Code, at)
		if err != nil {
			return cdf.Input{}, err
		}
		in.Races = append(in.Races, rc)
		for _, f := range figs {
			if f.Official == nil && f.Resolved == nil {
				continue
			}
			if len(in.Boxes) >= MaxOpenDataBoxes {
				return cdf.Input{}, sandik.Errorf(sandik.ETooLarge, "%s holds more than %d boxes with figures: export its parts", area, MaxOpenDataBoxes)
			}
			b := cdf.Box{Race: rc.Code, Box: f.Box, Official: f.Official, Verified: f.Resolved}
			if f.Official != nil {
				if err := v.provenance(ctx, &b); err != nil {
					return cdf.Input{}, err
				}
			}
			in.Boxes = append(in.Boxes, b)
		}
	}
	if len(in.Races) == 0 {
		return cdf.Input{}, sandik.Errorf(sandik.ENotFound, "election %q has no race over %s", election, area)
	}
	return in, nil
}

// provenance fills the id, first-seen time and source of a box's latest
// official figures.
func (v *View) provenance(ctx context.Context, b *cdf.Box) error {
	subs, err := v.c.store.BoxSubmissions(ctx, b.Race, b.Box)
	if err != nil {
		return fmt.Errorf("official figures of %s: %w", b.Box, err)
	}
	for i := len(subs) - 1; i >= 0; i-- {
		if subs[i].Source != sandik.SourceOfficial {
			continue
		}
		b.OfficialID, b.OfficialSeen = subs[i].ID, subs[i].ReceivedAt
		ps, err := v.c.store.Provenances(ctx, []sandik.SubmissionID{subs[i].ID})
		if err != nil {
			return err
		}
		if p, ok := ps[subs[i].ID]; ok {
			b.OfficialSeen, b.OfficialSource = p.FirstSeen, p.SourceURL
		}
		return nil
	}
	return nil
}
