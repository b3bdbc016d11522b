package center

import (
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/tally"
)

// History is the boxes of an area matched to a previous election's race
// and the swings beyond their neighbourhood's.
type History struct {
	Race       sandik.RaceCode        `json:"race"`
	Previous   sandik.RaceCode        `json:"previous"`
	Area       sandik.AreaCode        `json:"area"`
	Thresholds sandik.SwingThresholds `json:"thresholds"`
	Matches    []sandik.HistoryMatch  `json:"matches"`
	Flags      []sandik.SwingFlag     `json:"flags"`
}

// History matches the boxes of race within area to those of prev (a race
// of an earlier election of the same kind) and flags swings. A box's
// figures are its official ones, else its verified sheet. Per-box figures
// are for those who see every entry, within their areas.
func (v *View) History(race, prev sandik.RaceCode, area sandik.AreaCode, th sandik.SwingThresholds) (History, error) {
	if !v.user.Role.SeesAllEntries() {
		return History{}, sandik.Errorf(sandik.EForbidden, "user %q (%s) does not read boxes' figures", v.user.ID, v.user.Role)
	}
	if !v.reg.InScope(v.user, area) {
		return History{}, sandik.Errorf(sandik.EForbidden, "%s is outside the areas of user %q", area, v.user.ID)
	}
	rc, ok := v.reg.Race(race)
	if !ok {
		return History{}, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	pc, ok := v.reg.Race(prev)
	if !ok {
		return History{}, sandik.Errorf(sandik.ENotFound, "race %q does not exist", prev)
	}
	if pc.Code == rc.Code {
		return History{}, sandik.Invalid("invalid previous race", []sandik.Problem{{Field: "previous", Rule: sandik.RuleInvalidValue, Message: "the previous race must be another race"}})
	}
	cur, err := v.historyBoxes(rc, area)
	if err != nil {
		return History{}, err
	}
	then, err := v.historyBoxes(pc, area)
	if err != nil {
		return History{}, err
	}
	h := History{Race: race, Previous: prev, Area: area, Thresholds: th}
	h.Matches, h.Flags = sandik.SwingHistory(cur, then, rc.Choices, pc.Choices, th)
	if h.Matches == nil {
		h.Matches = []sandik.HistoryMatch{}
	}
	if h.Flags == nil {
		h.Flags = []sandik.SwingFlag{}
	}
	return h, nil
}

// historyBoxes are a race's boxes within area (or its whole scope when
// the scope lies inside area), none when they do not meet.
func (v *View) historyBoxes(rc *sandik.Race, area sandik.AreaCode) ([]sandik.HistoryBox, error) {
	at := rc.Scope
	switch {
	case v.reg.Contains(area, rc.Scope):
	case v.reg.Contains(rc.Scope, area):
		at = area
	default:
		return nil, nil
	}
	figs, err := v.eng.Figures(rc.Code, at)
	if err != nil {
		return nil, err
	}
	out := make([]sandik.HistoryBox, 0, len(figs))
	for i := range figs {
		out = append(out, historyBox(&figs[i]))
	}
	return out, nil
}

func historyBox(f *tally.BoxFigures) sandik.HistoryBox {
	b := sandik.HistoryBox{Box: f.Box, Parent: f.Parent, Sheet: f.Official}
	if b.Sheet == nil {
		b.Sheet = f.Resolved
	}
	return b
}

// SwingAnomalies turns cross-election swing flags into anomaly flags, so
// that they join the others (GET …/anomalies/{area}?previous=RACE): the
// kind, the field, the box's swing as the value, the bound as the
// threshold, and the neighbourhood's swing, the match and the reason as
// parameters; a share's choice is named as the race names it.
func SwingAnomalies(rc *sandik.Race, fs []sandik.SwingFlag) []anomaly.Flag {
	out := make([]anomaly.Flag, 0, len(fs))
	for _, f := range fs {
		a := anomaly.Flag{Box: f.Box, Kind: anomaly.KindTurnoutSwing, Field: f.Field, Value: f.Value, Threshold: f.Threshold,
			Params: map[string]any{"neighbourhood": f.Neighbourhood, "match": f.Match.By, "confidence": f.Match.Confidence, "reason": f.Reason}}
		if code, ok := strings.CutPrefix(f.Field, "votes."); ok {
			a.Kind = anomaly.KindShareSwing
			a.Params["choice"] = code
			if i := rc.ChoiceIndex(sandik.ChoiceCode(code)); i >= 0 {
				a.Params["choice"] = rc.Choices[i].Name
			}
		}
		out = append(out, a)
	}
	return out
}
