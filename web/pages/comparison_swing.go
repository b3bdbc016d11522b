package pages

import (
	"net/url"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/center"
)

// swingLink offers the box history's swing flags against one earlier race
// of the same kind and scope.
type swingLink struct {
	Label, Href string
	Current     bool
}

// previousRaces are the races of earlier elections with rc's kind and
// scope, the latest first: what its boxes' history is measured against.
func previousRaces(reg *sandik.Registry, rc *sandik.Race) []*sandik.Race {
	kind := sandik.RaceKind(rc)
	el, _ := reg.Election(rc.Election)
	var out []*sandik.Race
	for i := range reg.Races {
		p := &reg.Races[i]
		pe, _ := reg.Election(p.Election)
		if p.Election == rc.Election || p.Scope != rc.Scope || sandik.RaceKind(p) != kind || kind == "" || !pe.Date.Before(el.Date) {
			continue
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *sandik.Race) int {
		ea, _ := reg.Election(a.Election)
		eb, _ := reg.Election(b.Election)
		return eb.Date.Compare(ea.Date)
	})
	return out
}

// withSwings adds to flags the swings of the area's boxes since ?previous=
// (one of previousRaces), for those who read every entry, and the links
// that choose it.
func withSwings(view *center.View, u sandik.User, rc *sandik.Race, area sandik.AreaCode, self string, previous sandik.RaceCode, flags []anomaly.Flag, l *lang) ([]anomaly.Flag, []swingLink, error) {
	if !u.Role.SeesAllEntries() {
		return flags, nil, nil
	}
	var links []swingLink
	chosen := false
	for _, p := range previousRaces(view.Registry(), rc) {
		cur := p.Code == previous
		chosen = chosen || cur
		links = append(links, swingLink{Label: l.F("anom.swing.link", p.Name), Href: self + "?previous=" + url.QueryEscape(string(p.Code)), Current: cur})
	}
	if !chosen {
		return flags, links, nil
	}
	h, err := view.History(rc.Code, previous, area, sandik.DefaultSwingThresholds)
	if err != nil {
		return nil, nil, err
	}
	all := append(slices.Clone(flags), center.SwingAnomalies(rc, h.Flags)...)
	slices.SortStableFunc(all, func(a, b anomaly.Flag) int {
		switch {
		case a.Box < b.Box:
			return -1
		case a.Box > b.Box:
			return 1
		}
		return 0
	})
	return all, links, nil
}
