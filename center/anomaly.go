package center

import (
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/tally"
)

// AnomalyBasis says which figures of a box are judged.
type AnomalyBasis string

const (
	AnomalyOfficial    AnomalyBasis = "official"    // the published figures, against the verified sheet
	AnomalyVerified    AnomalyBasis = "verified"    // settled sheets, against another typing
	AnomalyProvisional AnomalyBasis = "provisional" // first entries too
)

// ParseAnomalyBasis reads a basis; "" means official.
func ParseAnomalyBasis(s string) (AnomalyBasis, error) {
	switch b := AnomalyBasis(s); b {
	case "":
		return AnomalyOfficial, nil
	case AnomalyOfficial, AnomalyVerified, AnomalyProvisional:
		return b, nil
	}
	return "", sandik.Invalid("unknown basis", []sandik.Problem{{Field: "basis", Rule: sandik.RuleInvalidValue,
		Message: fmt.Sprintf("basis %q is not official, verified or provisional", s)}})
}

// Anomalies flags the boxes of a race's area on basis under thresholds th.
// A box is compared with the other boxes of its neighbourhood, or of its
// district when the neighbourhood has fewer than th.MinGroupSize boxes.
func (c *Center) Anomalies(race sandik.RaceCode, area sandik.AreaCode, basis AnomalyBasis, th anomaly.Thresholds) ([]anomaly.Flag, []tally.BoxFigures, int64, error) {
	if err := th.Validate(); err != nil {
		return nil, nil, 0, err
	}
	eng := c.Engine()
	reg := eng.Registry()
	rc, ok := reg.Race(race)
	if !ok {
		return nil, nil, 0, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	seq := eng.Seq()
	figs, err := eng.Figures(race, area)
	if err != nil {
		return nil, nil, 0, err
	}
	// A neighbourhood too small to be a distribution borrows its district's.
	perParent := map[sandik.AreaCode]int{}
	for i := range figs {
		perParent[figs[i].Parent]++
	}
	group := func(f *tally.BoxFigures) sandik.AreaCode {
		if perParent[f.Parent] >= th.MinGroupSize {
			return f.Parent
		}
		for _, a := range reg.Ancestors(f.Box) {
			if ar, ok := reg.Area(a); ok && ar.Level <= sandik.LevelIlce {
				return a
			}
		}
		return f.Parent
	}
	boxes := make([]anomaly.Box, 0, len(figs))
	for i := range figs {
		f := &figs[i]
		var sheet, other *sandik.Tutanak
		switch basis {
		case AnomalyOfficial:
			sheet, other = f.Official, f.Resolved
		case AnomalyVerified:
			sheet = f.Resolved
		case AnomalyProvisional:
			sheet = f.Provisional
		}
		if sheet == nil {
			continue
		}
		if other == nil && basis == AnomalyProvisional {
			// Another typing that differs from the judged figures, if any;
			// only on the provisional basis, which only those who see every
			// entry may ask for: a pending typing stays blind to the rest.
			for j := range f.Entries {
				if !f.Entries[j].Equal(*sheet) {
					other = &f.Entries[j]
					break
				}
			}
		}
		// An observer network's sheet carries votes and their total only.
		partial := sheet.Voted == 0 && sheet.Invalid == 0 && sheet.ValidTotal > 0
		boxes = append(boxes, anomaly.Box{Code: f.Box, Group: group(f), Sheet: *sheet, Registered: f.Registered, Other: other, Partial: partial})
	}
	choices := make([]string, len(rc.Choices))
	for i, ch := range rc.Choices {
		choices[i] = ch.Name
	}
	return anomaly.Detect(boxes, choices, th), figs, seq, nil
}
