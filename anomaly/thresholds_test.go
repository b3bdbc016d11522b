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

// The text table covers every field, in struct order, by its JSON name,
// and each entry reads and writes its own field and no other.
func TestThresholdKeysMatchFields(t *testing.T) {
	typ := reflect.TypeFor[Thresholds]()
	keys := ThresholdKeys()
	if len(keys) != typ.NumField() {
		t.Fatalf("%d keys for %d fields", len(keys), typ.NumField())
	}
	for i, key := range keys {
		f := typ.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != key {
			t.Errorf("key %d is %q, field %s is %q", i, key, f.Name, tag)
		}
		whole := f.Type.Kind() == reflect.Int || f.Type.Kind() == reflect.Int64
		if IsWhole(key) != whole {
			t.Errorf("%s: IsWhole %v, field kind %s", key, IsWhole(key), f.Type.Kind())
		}
		th := DefaultThresholds()
		if err := th.Set(key, "77"); err != nil {
			t.Fatalf("Set(%s, 77): %v", key, err)
		}
		got := reflect.ValueOf(th)
		def := reflect.ValueOf(DefaultThresholds())
		for j := range typ.NumField() {
			changed := !got.Field(j).Equal(def.Field(j))
			if changed != (j == i) {
				t.Errorf("Set(%s) changed field %s: %v", key, typ.Field(j).Name, changed)
			}
		}
		if v := got.Field(i); !(v.CanInt() && v.Int() == 77 || v.CanFloat() && v.Float() == 77) {
			t.Errorf("Set(%s, 77) stored %v", key, v)
		}
		if text, ok := th.Get(key); !ok || text != "77" {
			t.Errorf("Get(%s) = %q, %v after Set 77", key, text, ok)
		}
	}
}

// Get gives the text Set reads back to the same thresholds, for the
// defaults and for fractions a form shows.
func TestThresholdsTextRoundTrip(t *testing.T) {
	for _, th := range []Thresholds{DefaultThresholds(), {MinGroupSize: 12, TurnoutMaxPercent: 99.5, TurnoutZ: 4.25, TurnoutMinPoints: 0.1,
		InvalidZ: 7, InvalidMinPoints: 2.5, ZeroChoiceMinMedianPercent: 12.5, ZeroChoiceMinValid: 1234567, RoundMinCounts: 6, RoundMaxProbability: 3.3e-7}} {
		var back Thresholds
		for _, key := range ThresholdKeys() {
			text, ok := th.Get(key)
			if !ok {
				t.Fatalf("Get(%s) not found", key)
			}
			if err := back.Set(key, text); err != nil {
				t.Fatalf("Set(%s, %q): %v", key, text, err)
			}
		}
		if back != th {
			t.Errorf("round trip through text: %+v, want %+v", back, th)
		}
	}
	if v, _ := DefaultThresholds().Get("round_max_probability"); v != "1e-05" {
		t.Errorf("round_max_probability shows as %q", v)
	}
}

func TestThresholdsSetRefuses(t *testing.T) {
	for _, c := range []struct{ key, text, want string }{
		{"turnout_z", "abc", "must be a number"},
		{"turnout_z", "", "must be a number"},
		{"turnout_z", "NaN", "must be a number"},
		{"turnout_z", "Inf", "must be a number"},
		{"turnout_z", "1e999", "must be a number"},
		{"turnout_z", "4,5", "must be a number"},
		{"min_group_size", "2.5", "must be a whole number"},
		{"zero_choice_min_valid", "1e17", "must be a whole number"},
		{"no_such_threshold", "1", "is not an anomaly threshold"},
	} {
		th := DefaultThresholds()
		err := th.Set(c.key, c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Set(%s, %q) = %v, want %q", c.key, c.text, err, c.want)
		}
		if th != DefaultThresholds() {
			t.Errorf("Set(%s, %q) changed the thresholds: %+v", c.key, c.text, th)
		}
	}
	if _, ok := DefaultThresholds().Get("no_such_threshold"); ok {
		t.Error("Get of an unknown key found it")
	}
	// Whole numbers may be written with a zero fraction, as number inputs
	// sometimes send them.
	th := DefaultThresholds()
	if err := th.Set("min_group_size", "9.0"); err != nil || th.MinGroupSize != 9 {
		t.Errorf("Set(min_group_size, 9.0) = %v, %d", err, th.MinGroupSize)
	}
}
