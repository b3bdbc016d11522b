package anomaly

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestDefaultThresholdsValid(t *testing.T) {
	if err := DefaultThresholds().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestThresholdsValidate(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*Thresholds)
	}{
		{"min_group_size", func(th *Thresholds) { th.MinGroupSize = 2 }},
		{"turnout_max_percent", func(th *Thresholds) { th.TurnoutMaxPercent = 49 }},
		{"turnout_max_percent", func(th *Thresholds) { th.TurnoutMaxPercent = math.NaN() }},
		{"turnout_z", func(th *Thresholds) { th.TurnoutZ = 0.5 }},
		{"turnout_min_points", func(th *Thresholds) { th.TurnoutMinPoints = -1 }},
		{"invalid_z", func(th *Thresholds) { th.InvalidZ = math.Inf(1) }},
		{"invalid_min_points", func(th *Thresholds) { th.InvalidMinPoints = 101 }},
		{"zero_choice_min_median_percent", func(th *Thresholds) { th.ZeroChoiceMinMedianPercent = 0 }},
		{"zero_choice_min_valid", func(th *Thresholds) { th.ZeroChoiceMinValid = -1 }},
		{"round_min_counts", func(th *Thresholds) { th.RoundMinCounts = 0 }},
		{"round_max_probability", func(th *Thresholds) { th.RoundMaxProbability = 1 }},
	} {
		th := DefaultThresholds()
		tc.edit(&th)
		err := th.Validate()
		ps := sandik.ProblemsOf(err)
		if sandik.CodeOf(err) != sandik.EInvalid || len(ps) != 1 || ps[0].Field != tc.field || ps[0].Rule != sandik.RuleInvalidValue {
			t.Errorf("%s: %v", tc.field, err)
		}
	}
	// Every problem at once, one per field.
	if ps := sandik.ProblemsOf(Thresholds{}.Validate()); len(ps) != 7 { // the three minimums may be 0
		t.Fatalf("zero thresholds: %d problems: %v", len(ps), ps)
	}
}

// Every threshold has a JSON name, and the names are the ones Validate
// reports, so that an API can point at the field a coordinator sent.
func TestThresholdsJSON(t *testing.T) {
	b, err := json.Marshal(DefaultThresholds())
	if err != nil {
		t.Fatal(err)
	}
	var back Thresholds
	if err := json.Unmarshal(b, &back); err != nil || back != DefaultThresholds() {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	typ := reflect.TypeFor[Thresholds]()
	for i := range typ.NumField() {
		tag := typ.Field(i).Tag.Get("json")
		if tag == "" || !strings.Contains(string(b), `"`+tag+`":`) {
			t.Errorf("field %s has no JSON name", typ.Field(i).Name)
		}
	}
}
