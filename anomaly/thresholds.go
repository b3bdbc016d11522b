package anomaly

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/sandik-dev/sandik"
)

// Thresholds are the bounds that decide when a box is flagged. A
// coordinator tunes them for an election: a rural province's turnout
// varies more than a city's, and a flag that fires on every box is
// ignored. Percentages are in percent (100 = all).
type Thresholds struct {
	// MinGroupSize is the fewest boxes with usable figures a group needs
	// before its boxes are compared with it (turnout, invalid share, zero
	// choice). Below it, a median says little and nothing is flagged.
	MinGroupSize int `json:"min_group_size"`

	// TurnoutMaxPercent flags a box whose voters exceed this percentage of
	// the registered voters plus those who voted there by law (box
	// officials and police, Law 298 art. 94). 100 flags any box where more
	// voted than could have.
	TurnoutMaxPercent float64 `json:"turnout_max_percent"`

	// TurnoutZ flags a box whose turnout is more than this many robust
	// standard deviations (1.4826 × the median absolute deviation) from
	// its group's median turnout…
	TurnoutZ float64 `json:"turnout_z"`
	// …and at least TurnoutMinPoints percentage points from it, so that a
	// group whose boxes are all alike does not flag small differences.
	TurnoutMinPoints float64 `json:"turnout_min_points"`

	// InvalidZ and InvalidMinPoints do the same for the share of invalid
	// votes among the votes cast.
	InvalidZ         float64 `json:"invalid_z"`
	InvalidMinPoints float64 `json:"invalid_min_points"`

	// ZeroChoiceMinMedianPercent flags a choice with exactly 0 votes in a
	// box when its median share of the valid votes in the group is at
	// least this percentage: a strong party does not get nothing at one
	// box of a neighbourhood unless its votes went to another column.
	ZeroChoiceMinMedianPercent float64 `json:"zero_choice_min_median_percent"`
	// ZeroChoiceMinValid is the fewest valid votes a box needs for a zero
	// to be surprising; a box of 20 voters may well give a party nothing.
	ZeroChoiceMinValid int64 `json:"zero_choice_min_valid"`

	// RoundMinCounts is the fewest choice counts of 10 or more a box
	// needs before its last digits are judged.
	RoundMinCounts int `json:"round_min_counts"`
	// RoundMaxProbability flags a box when so many of those counts end in
	// 0 that chance would do it with at most this probability (the last
	// digit of a real count of 10 or more is 0 about once in ten; see
	// roundBaseRate). Invented figures tend to be round.
	RoundMaxProbability float64 `json:"round_max_probability"`
}

// DefaultThresholds returns bounds that flag no box of realistic clean
// data (the tests check 2,000 synthetic boxes) and catch the errors the
// tests plant.
func DefaultThresholds() Thresholds {
	return Thresholds{
		MinGroupSize:               8,
		TurnoutMaxPercent:          100,
		TurnoutZ:                   5,
		TurnoutMinPoints:           10,
		InvalidZ:                   6,
		InvalidMinPoints:           3,
		ZeroChoiceMinMedianPercent: 15,
		ZeroChoiceMinValid:         50,
		RoundMinCounts:             5,
		RoundMaxProbability:        1e-5,
	}
}

// Validate returns an EInvalid *sandik.Error naming every field out of its
// range, or nil.
func (t Thresholds) Validate() error {
	var ps []sandik.Problem
	check := func(ok bool, field, format string, args ...any) {
		if !ok {
			ps = append(ps, sandik.Problem{Field: field, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)})
		}
	}
	check(t.MinGroupSize >= 3 && t.MinGroupSize <= 10_000, "min_group_size", "must be between 3 and 10000 (got %d)", t.MinGroupSize)
	check(t.TurnoutMaxPercent >= 50 && t.TurnoutMaxPercent <= 1000, "turnout_max_percent", "must be between 50 and 1000 (got %g)", t.TurnoutMaxPercent)
	for _, z := range []struct {
		name string
		v    float64
	}{{"turnout_z", t.TurnoutZ}, {"invalid_z", t.InvalidZ}} {
		check(z.v >= 1 && z.v <= 100, z.name, "must be between 1 and 100 (got %g)", z.v)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"turnout_min_points", t.TurnoutMinPoints}, {"invalid_min_points", t.InvalidMinPoints}} {
		check(p.v >= 0 && p.v <= 100, p.name, "must be between 0 and 100 (got %g)", p.v)
	}
	check(t.ZeroChoiceMinMedianPercent > 0 && t.ZeroChoiceMinMedianPercent <= 100, "zero_choice_min_median_percent",
		"must be above 0 and at most 100 (got %g)", t.ZeroChoiceMinMedianPercent)
	check(t.ZeroChoiceMinValid >= 0 && t.ZeroChoiceMinValid <= sandik.MaxSheetNumber, "zero_choice_min_valid",
		"must be between 0 and %d (got %d)", sandik.MaxSheetNumber, t.ZeroChoiceMinValid)
	check(t.RoundMinCounts >= 1 && t.RoundMinCounts <= 1000, "round_min_counts", "must be between 1 and 1000 (got %d)", t.RoundMinCounts)
	check(t.RoundMaxProbability > 0 && t.RoundMaxProbability < 1, "round_max_probability",
		"must be above 0 and below 1 (got %g)", t.RoundMaxProbability)
	if len(ps) > 0 {
		return sandik.Invalid("invalid anomaly thresholds", ps)
	}
	return nil
}

// thresholdField is one threshold by its JSON name, for the forms and
// query parameters that carry thresholds as text. A test checks the table
// against the struct's fields and tags.
type thresholdField struct {
	key   string
	whole bool
	get   func(*Thresholds) float64
	set   func(*Thresholds, float64)
}

var thresholdFields = [...]thresholdField{
	{"min_group_size", true, func(t *Thresholds) float64 { return float64(t.MinGroupSize) }, func(t *Thresholds, v float64) { t.MinGroupSize = int(v) }},
	{"turnout_max_percent", false, func(t *Thresholds) float64 { return t.TurnoutMaxPercent }, func(t *Thresholds, v float64) { t.TurnoutMaxPercent = v }},
	{"turnout_z", false, func(t *Thresholds) float64 { return t.TurnoutZ }, func(t *Thresholds, v float64) { t.TurnoutZ = v }},
	{"turnout_min_points", false, func(t *Thresholds) float64 { return t.TurnoutMinPoints }, func(t *Thresholds, v float64) { t.TurnoutMinPoints = v }},
	{"invalid_z", false, func(t *Thresholds) float64 { return t.InvalidZ }, func(t *Thresholds, v float64) { t.InvalidZ = v }},
	{"invalid_min_points", false, func(t *Thresholds) float64 { return t.InvalidMinPoints }, func(t *Thresholds, v float64) { t.InvalidMinPoints = v }},
	{"zero_choice_min_median_percent", false, func(t *Thresholds) float64 { return t.ZeroChoiceMinMedianPercent }, func(t *Thresholds, v float64) { t.ZeroChoiceMinMedianPercent = v }},
	{"zero_choice_min_valid", true, func(t *Thresholds) float64 { return float64(t.ZeroChoiceMinValid) }, func(t *Thresholds, v float64) { t.ZeroChoiceMinValid = int64(v) }},
	{"round_min_counts", true, func(t *Thresholds) float64 { return float64(t.RoundMinCounts) }, func(t *Thresholds, v float64) { t.RoundMinCounts = int(v) }},
	{"round_max_probability", false, func(t *Thresholds) float64 { return t.RoundMaxProbability }, func(t *Thresholds, v float64) { t.RoundMaxProbability = v }},
}

func fieldOf(key string) (*thresholdField, bool) {
	for i := range thresholdFields {
		if thresholdFields[i].key == key {
			return &thresholdFields[i], true
		}
	}
	return nil, false
}

// ThresholdKeys returns the JSON names of the thresholds in the order of
// the struct, the order a form lists them in.
func ThresholdKeys() []string {
	out := make([]string, len(thresholdFields))
	for i, f := range thresholdFields {
		out[i] = f.key
	}
	return out
}

// IsWhole reports whether the threshold named key takes whole numbers.
func IsWhole(key string) bool {
	f, ok := fieldOf(key)
	return ok && f.whole
}

// Get returns the threshold named key as text, as Set reads it back; ok
// is false for a name that is no threshold.
func (t Thresholds) Get(key string) (text string, ok bool) {
	f, ok := fieldOf(key)
	if !ok {
		return "", false
	}
	v := f.get(&t)
	if f.whole {
		return strconv.FormatInt(int64(v), 10), true
	}
	return strconv.FormatFloat(v, 'g', -1, 64), true
}

// maxWhole bounds the whole-number thresholds read from text, far above
// any Validate accepts, so that the conversion from float64 is exact.
const maxWhole = 1 << 53

// Set reads the threshold named key from text, as a form or a query
// parameter gives it. The error says what is wrong with text in words a
// coordinator can act on; whether the value is in range is Validate's
// business.
func (t *Thresholds) Set(key, text string) error {
	f, ok := fieldOf(key)
	if !ok {
		return fmt.Errorf("%q is not an anomaly threshold", key)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("must be a number (got %q)", text)
	}
	if f.whole && (v != math.Trunc(v) || math.Abs(v) > maxWhole) {
		return fmt.Errorf("must be a whole number (got %q)", text)
	}
	f.set(t, v)
	return nil
}
