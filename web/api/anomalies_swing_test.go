package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// Named the previous election's race, the anomaly list holds the box
// history's swing flags beside the others, each with its value, threshold
// and reason: Adalar's box 2 moved 40 points to AK PARTİ against a
// neighbourhood's 16.2, so with a bound of 20 it is flagged for both
// parties and box 1, which stood still, is not. Without it, no swing flag.
func TestAnomaliesHoldSwingFlags(t *testing.T) {
	e := newScopedEnv(t)
	webtest.RollupFixture(t, e.Env)
	webtest.HistoryFixture(t, e.Env)
	base := "/api/v1/races/" + webtest.Election + ".meclis.adalar/anomalies/34.01"
	type flag struct {
		Box       string         `json:"box"`
		Kind      string         `json:"kind"`
		Field     string         `json:"field"`
		Value     float64        `json:"value"`
		Threshold float64        `json:"threshold"`
		Params    map[string]any `json:"params"`
		Message   string         `json:"message"`
	}
	var out struct {
		Previous string         `json:"previous"`
		Counts   map[string]int `json:"counts"`
		Flags    []flag         `json:"flags"`
	}
	e.Do("GET", base+"?share_points=20&lang=en&previous="+webtest.HistoryPrevious, webtest.CoordAdal, nil).Decode(t, http.StatusOK, &out)
	var got []string
	for _, f := range out.Flags {
		if !strings.HasSuffix(f.Kind, "_swing") {
			continue
		}
		got = append(got, fmt.Sprintf("%s %s %s %+.1f/%+.1f >%.0f %s", f.Box, f.Kind, f.Field, f.Value, f.Params["neighbourhood"], f.Threshold, f.Params["match"]))
		if f.Params["reason"] == "" || !strings.Contains(f.Message, "since the previous election") {
			t.Errorf("flag without its reason or message: %+v", f)
		}
	}
	want := "34.01.01.02 share_swing votes.ak-parti +40.0/+16.2 >20 same_box; 34.01.01.02 share_swing votes.chp -40.0/-16.2 >20 same_box"
	if strings.Join(got, "; ") != want {
		t.Errorf("swing flags\n got %v\nwant %s", got, want)
	}
	if out.Previous != webtest.HistoryPrevious || out.Counts["share_swing"] != 2 || out.Counts["turnout_swing"] != 0 {
		t.Errorf("previous %q, counts %v", out.Previous, out.Counts)
	}
	e.Do("GET", base+"?kind=share_swing", webtest.CoordAdal, nil).Decode(t, http.StatusOK, &out)
	if len(out.Flags) != 0 || out.Counts["share_swing"] != 0 {
		t.Errorf("swing flags without a previous race: %+v", out)
	}
	for path, want := range map[string]int{
		base + "?previous=" + webtest.HistoryPrevious + "&share_points=0": http.StatusUnprocessableEntity,
		base + "?previous=nope": http.StatusNotFound,
	} {
		if r := e.Do("GET", path, webtest.CoordAdal, nil); r.Status != want {
			t.Errorf("%s: %d, want %d: %s", path, r.Status, want, r.Body)
		}
	}
}
