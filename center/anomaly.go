package center

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

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

// anomalies flags the boxes of a race's area on basis under thresholds th,
// for everyone. A box is compared with the other boxes of its
// neighbourhood, or of its district when the neighbourhood has fewer than
// th.MinGroupSize boxes.
func anomalies(eng *tally.Engine, race sandik.RaceCode, area sandik.AreaCode, basis AnomalyBasis, th anomaly.Thresholds) ([]anomaly.Flag, []tally.BoxFigures, int64, error) {
	if err := th.Validate(); err != nil {
		return nil, nil, 0, err
	}
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

// The anomaly thresholds in force are kept in the store, one set per
// election, so that every coordinator and every instance sharing the
// database flags the same boxes, and a set tuned at 22:00 still holds at
// 23:00. Per election, not per race: every race of an election is judged
// on the same boxes and the same voters, so the spreads of turnout and
// invalid votes that the thresholds bound belong to the election, and a
// box flagged for turnout on the mayor's page should be flagged on the
// council's too. Not one set for the whole centre either: a registry may
// hold a national election and a by-election of a few districts, whose
// groups are smaller and spreads wider. A request may still tune them for
// itself (the API's query parameters, the comparison page's form); only a
// save changes them for everyone.

// thresholdsKey is the setting that holds an election's thresholds.
func thresholdsKey(e sandik.ElectionCode) string { return "anomaly_thresholds/" + string(e) }

// ElectionThresholds are the anomaly thresholds in force for an election.
type ElectionThresholds struct {
	Election   sandik.ElectionCode
	Thresholds anomaly.Thresholds
	// Version is 0 while none were saved and the defaults hold, then 1, 2…;
	// a save names the version it was made on.
	Version   int
	UpdatedBy sandik.UserID // who saved them; empty for the defaults
	UpdatedAt time.Time     // when; zero for the defaults
}

// Thresholds returns the anomaly thresholds in force for an election:
// those last saved, or the defaults. It reads the store every time, so
// that a save through another instance counts at once; the row is tiny.
func (c *Center) Thresholds(ctx context.Context, election sandik.ElectionCode) (ElectionThresholds, error) {
	if _, ok := c.Registry().Election(election); !ok {
		return ElectionThresholds{}, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	out := ElectionThresholds{Election: election, Thresholds: anomaly.DefaultThresholds()}
	st, err := c.store.Setting(ctx, thresholdsKey(election))
	if sandik.CodeOf(err) == sandik.ENotFound {
		return out, nil
	}
	if err != nil {
		return ElectionThresholds{}, fmt.Errorf("anomaly thresholds of election %s: %w", election, err)
	}
	out.Version, out.UpdatedBy, out.UpdatedAt = st.Version, st.UpdatedBy, st.UpdatedAt
	out.Thresholds = c.storedThresholds(election, st.Value)
	return out, nil
}

// storedThresholds reads saved thresholds over the defaults, so that a
// threshold added since the save starts at its default. A value this
// version refuses (saved under other bounds) falls back to its default
// rather than stopping every anomaly page, and is logged.
func (c *Center) storedThresholds(election sandik.ElectionCode, value []byte) anomaly.Thresholds {
	def := anomaly.DefaultThresholds()
	th := def
	if err := json.Unmarshal(value, &th); err != nil {
		c.log.Warn("stored anomaly thresholds unreadable; using the defaults", "election", election, "err", err)
		return def
	}
	for _, p := range sandik.ProblemsOf(th.Validate()) {
		text, _ := def.Get(p.Field)
		if err := th.Set(p.Field, text); err != nil {
			c.log.Warn("stored anomaly thresholds invalid; using the defaults", "election", election, "field", p.Field, "err", err)
			return def
		}
		c.log.Warn("a stored anomaly threshold is out of range; using its default", "election", election, "field", p.Field,
			"problem", p.Message, "default", text)
	}
	return th
}

// RaceThresholds returns the thresholds in force for a race's election.
func (c *Center) RaceThresholds(ctx context.Context, race sandik.RaceCode) (ElectionThresholds, error) {
	rc, ok := c.Registry().Race(race)
	if !ok {
		return ElectionThresholds{}, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	return c.Thresholds(ctx, rc.Election)
}

// CanSaveThresholds reports whether u may save thresholds for everyone:
// coordinators and administrators, the roles that settle what the centre
// does. A coordinator limited to some areas may not: the thresholds flag
// every box of the election, far beyond those areas.
func CanSaveThresholds(u sandik.User) bool { return u.Role.CanAdjudicate() && !u.Scoped() }

func mayTune(u sandik.User, election sandik.ElectionCode) error {
	if !u.Role.CanAdjudicate() {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not change the anomaly thresholds; coordinators and administrators may", u.ID, u.Role)
	}
	if !CanSaveThresholds(u) {
		return sandik.Errorf(sandik.EForbidden, "the anomaly thresholds apply to every box of election %s; user %q works only in %d areas and may tune them for a view, not save them for everyone",
			election, u.ID, len(u.Areas))
	}
	return nil
}

// SaveThresholds stores th as the anomaly thresholds of an election for
// everyone, made on version (the one the user saw; 0 for the defaults).
// EForbidden unless CanSaveThresholds(u), EInvalid naming every bad threshold,
// and EConflict when someone saved since that version: nothing is saved
// then, and the user reloads and makes the change again.
func (c *Center) SaveThresholds(ctx context.Context, u sandik.User, election sandik.ElectionCode, th anomaly.Thresholds, version int) (ElectionThresholds, error) {
	if err := mayTune(u, election); err != nil {
		return ElectionThresholds{}, err
	}
	if _, ok := c.Registry().Election(election); !ok {
		return ElectionThresholds{}, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	if err := th.Validate(); err != nil {
		return ElectionThresholds{}, err
	}
	if version < 0 {
		return ElectionThresholds{}, sandik.Invalid("invalid version", []sandik.Problem{{Field: "version", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("must be 0 or more (got %d)", version)}})
	}
	value, err := json.Marshal(th)
	if err != nil {
		return ElectionThresholds{}, fmt.Errorf("encode anomaly thresholds: %w", err)
	}
	out := ElectionThresholds{Election: election, Thresholds: th, Version: version + 1, UpdatedBy: u.ID, UpdatedAt: c.now().UTC()}
	err = c.store.PutSetting(ctx, sandik.Setting{Key: thresholdsKey(election), Value: value, Version: out.Version, UpdatedBy: u.ID, UpdatedAt: out.UpdatedAt}, version)
	if sandik.CodeOf(err) == sandik.EConflict {
		return ElectionThresholds{}, c.staleThresholds(ctx, election, version, err)
	}
	if err != nil {
		return ElectionThresholds{}, fmt.Errorf("save the anomaly thresholds of election %s: %w", election, err)
	}
	c.log.Info("anomaly thresholds saved", "election", election, "version", out.Version, "user", u.ID)
	return out, nil
}

// staleThresholds says who saved the thresholds since version, as far as
// a fresh read tells.
func (c *Center) staleThresholds(ctx context.Context, election sandik.ElectionCode, version int, conflict error) error {
	cur, err := c.Thresholds(ctx, election)
	if err != nil || cur.Version == version {
		return conflict
	}
	if cur.Version == 0 {
		return sandik.Errorf(sandik.EConflict, "no anomaly thresholds are saved for election %s, but the change was made on version %d; reload them and make the change again",
			election, version)
	}
	return sandik.Errorf(sandik.EConflict, "the anomaly thresholds of election %s were changed meanwhile: version %d, saved by %s at %s; the change was made on version %d. Reload them and make the change again",
		election, cur.Version, cur.UpdatedBy, cur.UpdatedAt.Format(time.RFC3339), version)
}
