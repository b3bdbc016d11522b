package anomaly

import (
	"fmt"

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
