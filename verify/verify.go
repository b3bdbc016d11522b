// Package verify compares what the sheets say with the official published
// figures, box by box, and rolls the differences up the area tree with
// their effect on the margin between two choices. It is pure: it reads
// tally figures and the registry and imports neither HTTP nor SQL.
package verify

import (
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// Basis says which sheet figures are compared with the official ones.
type Basis string

const (
	// BasisVerified compares only settled sheets (verified by double entry
	// or adjudicated): what the centre would put its name to.
	BasisVerified Basis = "verified"
	// BasisProvisional also uses a box's first entry while it waits.
	BasisProvisional Basis = "provisional"
)

// ParseBasis reads a basis; "" means verified.
func ParseBasis(s string) (Basis, error) {
	switch Basis(s) {
	case "", BasisVerified:
		return BasisVerified, nil
	case BasisProvisional:
		return BasisProvisional, nil
	}
	return "", sandik.Invalid("unknown basis", []sandik.Problem{{Field: "basis", Rule: sandik.RuleInvalidValue,
		Message: fmt.Sprintf("basis %q is not verified or provisional", s)}})
}

// Outcome is how a box's official figures relate to its sheet.
type Outcome string

const (
	Equal           Outcome = "equal"
	Discrepancy     Outcome = "discrepancy"
	OfficialMissing Outcome = "official_missing" // a sheet but no published figure
	SheetMissing    Outcome = "sheet_missing"    // a published figure but no sheet on this basis
	NoFigures       Outcome = "no_figures"       // neither yet
)

// Outcomes lists every outcome in report order.
var Outcomes = []Outcome{Discrepancy, SheetMissing, OfficialMissing, Equal, NoFigures}

// FieldDelta is one fixed field of the tutanak that differs.
type FieldDelta struct {
	Field    string `json:"field"`
	Sheet    int64  `json:"sheet"`
	Official int64  `json:"official"`
}

// Box is the comparison of one box.
type Box struct {
	Box         sandik.AreaCode  `json:"box"`
	Name        string           `json:"name"`
	Parent      sandik.AreaCode  `json:"parent"`
	Outcome     Outcome          `json:"outcome"`
	SheetStatus sandik.BoxStatus `json:"sheet_status"`
	Sheet       *sandik.Tutanak  `json:"-"`
	Official    *sandik.Tutanak  `json:"-"`
	// Fields lists the fixed fields that differ; VoteDelta is official −
	// sheet per choice (nil unless both figures exist).
	Fields    []FieldDelta `json:"fields"`
	VoteDelta []int64      `json:"vote_delta"`
	// MarginEffect is how much the official figures move the margin of
	// choice A over choice B against the sheet: positive favours A.
	MarginEffect int64 `json:"margin_effect"`
	// OfficialWarnings are the identity breaks of the published row.
	OfficialWarnings []string `json:"official_warnings"`
}

// CompareBox compares one box's figures on basis; a and b index the pair of
// choices whose margin is followed.
func CompareBox(f *tally.BoxFigures, basis Basis, a, b int) Box {
	sheet := f.Resolved
	if basis == BasisProvisional {
		sheet = f.Provisional
	}
	out := Box{Box: f.Box, Name: f.Name, Parent: f.Parent, SheetStatus: f.Status, Sheet: sheet, Official: f.Official,
		Fields: []FieldDelta{}, OfficialWarnings: f.OfficialWarnings.Names()}
	switch {
	case sheet == nil && f.Official == nil:
		out.Outcome = NoFigures
		return out
	case sheet == nil:
		out.Outcome = SheetMissing
		return out
	case f.Official == nil:
		out.Outcome = OfficialMissing
		return out
	}
	for _, fd := range sandik.SheetFields {
		if s, o := fd.Get(sheet), fd.Get(f.Official); s != o {
			out.Fields = append(out.Fields, FieldDelta{Field: fd.Name, Sheet: s, Official: o})
		}
	}
	out.VoteDelta = make([]int64, len(sheet.Votes))
	differs := len(out.Fields) > 0
	for i := range sheet.Votes {
		out.VoteDelta[i] = f.Official.Votes[i] - sheet.Votes[i]
		differs = differs || out.VoteDelta[i] != 0
	}
	out.MarginEffect = MarginEffect(out.VoteDelta, a, b)
	out.Outcome = Equal
	if differs {
		out.Outcome = Discrepancy
	}
	return out
}

// MarginEffect is the change of the margin of choice a over choice b that
// a vote delta brings: delta[a] − delta[b].
func MarginEffect(delta []int64, a, b int) int64 {
	if delta == nil || a < 0 || b < 0 || a >= len(delta) || b >= len(delta) {
		return 0
	}
	return delta[a] - delta[b]
}

// Leaders returns the indexes of the two choices with the most votes (ties
// go to ballot order); b is -1 when there is only one choice.
func Leaders(votes []int64) (a, b int) {
	// One pass, no allocation: pages call it for every row they draw.
	a, b = -1, -1
	for i, v := range votes {
		switch {
		case a < 0 || v > votes[a]:
			a, b = i, a
		case b < 0 || v > votes[b]:
			b = i
		}
	}
	return a, b
}
