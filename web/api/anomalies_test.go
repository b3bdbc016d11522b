package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
	"github.com/sandik-dev/sandik/web/strict"
)

func TestAnomalies(t *testing.T) {
	e := newEnv(t)
	// box1: verified 153/100/10; YSK published 135 for CHP (digits swapped)
	// and its sums no longer add up.
	e.submit(observer1, sheet("a1", raceIST, box1, 153, 100, 10))
	e.Settle(e.submit(volunteer, sheet("a2", raceIST, box1, 153, 100, 10)).Seq)
	e.Official(box1, 135, 100, 10)
	var got struct {
		Basis  string               `json:"basis"`
		Boxes  int                  `json:"boxes"`
		Counts map[anomaly.Kind]int `json:"counts"`
		Flags  []flagJSON           `json:"flags"`
		Thresh anomaly.Thresholds   `json:"thresholds"`
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/anomalies/34", lawyer, nil).Decode(t, http.StatusOK, &got)
	if got.Basis != "official" || got.Boxes != 3 || got.Counts[anomaly.KindTransposed] != 1 {
		t.Fatalf("basis %s boxes %d counts %v flags %+v", got.Basis, got.Boxes, got.Counts, got.Flags)
	}
	var transposed *flagJSON
	for i := range got.Flags {
		if got.Flags[i].Kind == anomaly.KindTransposed {
			transposed = &got.Flags[i]
		}
	}
	if transposed == nil || transposed.Box != box1 || transposed.Name != "Sandık 1001" || !strings.Contains(transposed.Message, "135") {
		t.Errorf("transposed flag %+v", transposed)
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?kind=transposed_digits&lang=en", lawyer, nil).Decode(t, http.StatusOK, &got)
	if len(got.Flags) != 1 || !strings.Contains(strings.ToLower(got.Flags[0].Message), "135") {
		t.Errorf("filtered flags %+v", got.Flags)
	}
	// A tuned threshold is used and echoed.
	e.Do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?min_group_size=3&turnout_z=4.5", lawyer, nil).Decode(t, http.StatusOK, &got)
	if got.Thresh.MinGroupSize != 3 || got.Thresh.TurnoutZ != 4.5 {
		t.Errorf("thresholds %+v", got.Thresh)
	}
	for _, bad := range []string{"turnout_z=abc", "min_group_size=2.5", "kind=odd", "lang=de"} {
		e.Do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?"+bad, observer1, nil).APIError(t, http.StatusBadRequest)
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?turnout_z=-1", lawyer, nil).APIError(t, http.StatusUnprocessableEntity)
	e.Do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?basis=provisional", observer1, nil).APIError(t, http.StatusForbidden)
	e.Do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?basis=provisional", coordinator, nil).Decode(t, http.StatusOK, &got)
	// Until someone saves, the defaults hold, at version 0, saved by no one.
	r := e.Do("GET", "/api/v1/anomaly-thresholds", observer1, nil)
	var th thresholdsJSON
	r.Decode(t, http.StatusOK, &th)
	if th.Election != "2019-YEREL" || th.Thresholds != anomaly.DefaultThresholds() || th.Defaults != anomaly.DefaultThresholds() || th.Version != 0 {
		t.Errorf("thresholds %+v", th)
	}
	if strings.Contains(string(r.Body), "updated_by") || strings.Contains(string(r.Body), "updated_at") {
		t.Errorf("defaults with an author: %s", r.Body)
	}
}

// currentThresholds reads the thresholds in force for the fixture's
// election.
func currentThresholds(e *env) thresholdsJSON {
	e.T.Helper()
	var cur thresholdsJSON
	e.Do("GET", "/api/v1/anomaly-thresholds", admin, nil).Decode(e.T, http.StatusOK, &cur)
	return cur
}

// thresholdsBody is a save of the defaults made on the version in force.
func thresholdsBody(e *env) map[string]any {
	e.T.Helper()
	return map[string]any{"version": currentThresholds(e).Version, "thresholds": anomaly.DefaultThresholds()}
}

type anomaliesJSON struct {
	Thresholds anomaly.Thresholds   `json:"thresholds"`
	Version    int                  `json:"thresholds_version"`
	Counts     map[anomaly.Kind]int `json:"counts"`
}

// A save is what every later request starts from: the thresholds read
// back, and the flags of the anomalies endpoint, whose query parameters
// still tune a request alone.
func TestThresholdsSavedForEveryone(t *testing.T) {
	e := newEnv(t)
	e.Official(box1, 100, 90, 10) // 203 of 300 voted: 68%
	anomalies := func(query string) anomaliesJSON {
		t.Helper()
		var got anomaliesJSON
		e.Do("GET", "/api/v1/races/"+raceIST+"/anomalies/34"+query, lawyer, nil).Decode(t, http.StatusOK, &got)
		return got
	}
	if got := anomalies(""); got.Counts[anomaly.KindTurnoutOver100] != 0 || got.Version != 0 || got.Thresholds != anomaly.DefaultThresholds() {
		t.Fatalf("before a save: %+v", got)
	}
	var saved thresholdsJSON
	e.Do("PUT", "/api/v1/anomaly-thresholds", coordinator, map[string]any{"version": 0, "thresholds": webtest.Tight()}).Decode(t, http.StatusOK, &saved)
	if saved.Election != "2019-YEREL" || saved.Thresholds != webtest.Tight() || saved.Defaults != anomaly.DefaultThresholds() || saved.Version != 1 ||
		saved.UpdatedBy != coordinator || saved.UpdatedAt == nil || !saved.UpdatedAt.Equal(testNow) {
		t.Fatalf("PUT answered %+v", saved)
	}
	// Everyone reads them, by the election, the race, or neither.
	for _, q := range []string{"", "?election=2019-YEREL", "?race=" + raceIlce} {
		var got thresholdsJSON
		e.Do("GET", "/api/v1/anomaly-thresholds"+q, observer1, nil).Decode(t, http.StatusOK, &got)
		if got.Thresholds != webtest.Tight() || got.Version != 1 || got.UpdatedBy != coordinator {
			t.Errorf("GET%s after the save: %+v", q, got)
		}
	}
	if got := anomalies(""); got.Counts[anomaly.KindTurnoutOver100] != 1 || got.Version != 1 || got.Thresholds != webtest.Tight() {
		t.Fatalf("after the save: %+v", got)
	}
	// A query parameter replaces one saved threshold for one request.
	got := anomalies("?turnout_max_percent=100")
	want := webtest.Tight()
	want.TurnoutMaxPercent = 100
	if got.Counts[anomaly.KindTurnoutOver100] != 0 || got.Thresholds != want || got.Version != 1 {
		t.Fatalf("tuned over the saved: %+v", got)
	}
	if got := anomalies(""); got.Thresholds != webtest.Tight() {
		t.Fatalf("a tuned request changed the saved thresholds: %+v", got)
	}
	// An administrator saves over version 1.
	e.Do("PUT", "/api/v1/anomaly-thresholds?race="+raceIST, admin, map[string]any{"version": 1, "thresholds": anomaly.DefaultThresholds()}).
		Decode(t, http.StatusOK, &saved)
	if saved.Version != 2 || saved.UpdatedBy != admin || anomalies("").Counts[anomaly.KindTurnoutOver100] != 0 {
		t.Fatalf("after the admin's save: %+v", saved)
	}
}

func TestThresholdsStaleSave(t *testing.T) {
	e := newEnv(t)
	e.Do("PUT", "/api/v1/anomaly-thresholds", coordinator, map[string]any{"version": 0, "thresholds": webtest.Tight()}).Decode(t, http.StatusOK, nil)
	for _, v := range []int{0, 2} {
		d := e.Do("PUT", "/api/v1/anomaly-thresholds", admin, map[string]any{"version": v, "thresholds": anomaly.DefaultThresholds()}).
			APIError(t, http.StatusConflict)
		if d.Code != sandik.EConflict || !strings.Contains(d.Message, "version 1, saved by "+coordinator) ||
			!strings.Contains(d.Message, fmt.Sprintf("made on version %d", v)) || !strings.Contains(d.Message, "Reload") {
			t.Errorf("a save on version %d: %+v", v, d)
		}
	}
	if cur := currentThresholds(e); cur.Version != 1 || cur.Thresholds != webtest.Tight() || cur.UpdatedBy != coordinator {
		t.Fatalf("after stale saves: %+v", cur)
	}
}

// Coordinators saving at once on one version: exactly one is stored, the
// others hear 409.
func TestThresholdsConcurrentSaves(t *testing.T) {
	e := newEnv(t)
	const n = 6
	var wg sync.WaitGroup
	status := make([]int, n)
	for i := range n {
		wg.Go(func() {
			th := webtest.Tight()
			th.MinGroupSize = 10 + i
			user := coordinator
			if i%2 == 1 {
				user = admin
			}
			status[i] = e.Do("PUT", "/api/v1/anomaly-thresholds", user, map[string]any{"version": 0, "thresholds": th}).Status
		})
	}
	wg.Wait()
	won := -1
	for i, s := range status {
		switch s {
		case http.StatusOK:
			if won >= 0 {
				t.Fatalf("saves %d and %d both succeeded on version 0", won, i)
			}
			won = i
		case http.StatusConflict:
		default:
			t.Fatalf("save %d: status %d", i, s)
		}
	}
	if cur := currentThresholds(e); won < 0 || cur.Version != 1 || cur.Thresholds.MinGroupSize != 10+won {
		t.Fatalf("winner %d, stored %+v", won, cur)
	}
}

// Only coordinators and admins of the whole centre save; a refused save
// stores nothing.
func TestThresholdsSaveForbidden(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	tok, err := e.Center.CreateUser(ctx, sandik.User{ID: "ilce-koord", Name: "İlçe koordinatörü", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.01"}})
	if err != nil {
		t.Fatal(err)
	}
	e.Tokens["ilce-koord"] = tok
	for _, user := range []string{observer1, volunteer, lawyer, "ilce-koord"} {
		d := e.Do("PUT", "/api/v1/anomaly-thresholds", user, map[string]any{"version": 0, "thresholds": webtest.Tight()}).APIError(t, http.StatusForbidden)
		if d.Code != sandik.EForbidden {
			t.Errorf("%s: %+v", user, d)
		}
	}
	if cur := currentThresholds(e); cur.Version != 0 || cur.Thresholds != anomaly.DefaultThresholds() {
		t.Fatalf("after refused saves: %+v", cur)
	}
}

// The body is decoded as strictly as the others: each failure names its
// field; nothing is saved.
func TestThresholdsBodyStrict(t *testing.T) {
	e := newEnv(t)
	// full is a save of the defaults on version 0, edited.
	full := func(edit func(body, th map[string]any)) string {
		th := map[string]any{}
		def := anomaly.DefaultThresholds()
		for _, key := range anomaly.ThresholdKeys() {
			v, _ := def.Get(key)
			th[key] = json.RawMessage(v)
		}
		body := map[string]any{"version": 0, "thresholds": th}
		edit(body, th)
		b, _ := json.Marshal(body)
		return string(b)
	}
	for _, c := range []struct {
		what, body  string
		status      int
		field, rule string
		contentType string
	}{
		{"an unknown threshold", full(func(_, th map[string]any) { th["turnout_zz"] = 4 }), 400, "thresholds.turnout_zz", strict.RuleUnknownField, ""},
		{"an unknown field", `{"version": 0, "thresholds": {}, "comment": "x"}`, 400, "comment", strict.RuleUnknownField, ""},
		{"a field in the wrong case", `{"Version": 0}`, 400, "Version", strict.RuleUnknownField, ""},
		{"a duplicate", `{"version": 0, "version": 1}`, 400, "version", sandik.RuleDuplicate, ""},
		{"a string for a number", full(func(_, th map[string]any) { th["turnout_z"] = "5" }), 400, "thresholds.turnout_z", strict.RuleType, ""},
		{"a fraction for a whole number", full(func(_, th map[string]any) { th["min_group_size"] = 8.5 }), 400, "thresholds.min_group_size", strict.RuleType, ""},
		{"null", full(func(_, th map[string]any) { th["invalid_z"] = nil }), 400, "thresholds.invalid_z", strict.RuleType, ""},
		{"a number too large", strings.Replace(full(func(_, _ map[string]any) {}), `"turnout_z":5`, `"turnout_z":1e999`, 1), 400, "thresholds.turnout_z", strict.RuleType, ""},
		{"a fractional version", `{"version": 0.5}`, 400, "version", strict.RuleType, ""},
		{"thresholds not an object", `{"version": 0, "thresholds": [1]}`, 400, "thresholds", strict.RuleType, ""},
		{"trailing data", full(func(_, _ map[string]any) {}) + ` {}`, 400, "", strict.RuleTrailingData, ""},
		{"an empty body", ``, 400, "", strict.RuleEmptyBody, ""},
		{"a missing threshold", full(func(_, th map[string]any) { delete(th, "invalid_z") }), 422, "thresholds.invalid_z", sandik.RuleRequired, ""},
		{"a missing version", full(func(body, _ map[string]any) { delete(body, "version") }), 422, "version", sandik.RuleRequired, ""},
		{"a threshold out of range", full(func(_, th map[string]any) { th["min_group_size"] = 2 }), 422, "thresholds.min_group_size", sandik.RuleInvalidValue, ""},
		{"a negative version", strings.Replace(full(func(_, _ map[string]any) {}), `"version":0`, `"version":-1`, 1), 422, "version", sandik.RuleInvalidValue, ""},
		{"not JSON", `version=0`, 415, "", "", "application/x-www-form-urlencoded"},
	} {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		d := e.Do("PUT", "/api/v1/anomaly-thresholds", coordinator, c.body, "Content-Type", ct).APIError(t, c.status)
		if c.rule != "" {
			t.Run(c.what, func(t *testing.T) { webtest.HasProblem(t, d, c.field, c.rule) })
		}
	}
	// Every threshold out of range is named at once, where it stands in
	// the body.
	d := e.Do("PUT", "/api/v1/anomaly-thresholds", coordinator, full(func(_, th map[string]any) {
		th["min_group_size"], th["turnout_z"], th["round_max_probability"] = 2, 0.5, 1
	}), "Content-Type", "application/json").APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) != 3 {
		t.Errorf("three bad thresholds, %d problems: %+v", len(d.Problems), d.Problems)
	}
	for _, f := range []string{"thresholds.min_group_size", "thresholds.turnout_z", "thresholds.round_max_probability"} {
		webtest.HasProblem(t, d, f, sandik.RuleInvalidValue)
	}
	// A body over the limit is refused without being read whole.
	big := `{"version": 0, "thresholds": {"turnout_z": 5` + strings.Repeat(" ", maxThresholdsBody) + `}}`
	e.Do("PUT", "/api/v1/anomaly-thresholds", coordinator, big, "Content-Type", "application/json").APIError(t, http.StatusRequestEntityTooLarge)
	if cur := currentThresholds(e); cur.Version != 0 {
		t.Fatalf("a refused body saved: %+v", cur)
	}
	// A body with fractions and exponents as JSON allows is accepted.
	body := strings.Replace(full(func(_, _ map[string]any) {}), `"round_max_probability":1e-05`, `"round_max_probability":2.5E-6`, 1)
	var saved thresholdsJSON
	e.Do("PUT", "/api/v1/anomaly-thresholds", coordinator, body, "Content-Type", "application/json").Decode(t, http.StatusOK, &saved)
	if saved.Thresholds.RoundMaxProbability != 2.5e-6 || saved.Version != 1 {
		t.Fatalf("saved %+v", saved)
	}
}

// Thresholds are per election: with two elections one must be named.
func TestThresholdsElectionParameter(t *testing.T) {
	reg := webtest.Registry(t)
	reg2, err := sandik.NewRegistry(reg.Areas,
		append(reg.Elections, sandik.Election{Code: "2019-YENILEME", Name: "Yenileme seçimi", Date: time.Date(2019, 6, 22, 21, 0, 0, 0, time.UTC), Quorum: 2}),
		append(reg.Races, sandik.Race{Code: "IST-BB-2", Election: "2019-YENILEME", Name: "İBB yenileme", Scope: "34", Choices: reg.Races[0].Choices}),
		reg.Registrations)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, reg2)
	d := e.Do("GET", "/api/v1/anomaly-thresholds", observer1, nil).APIError(t, http.StatusBadRequest)
	webtest.HasProblem(t, d, "election", sandik.RuleInvalidValue)
	if !strings.Contains(d.Problems[0].Message, "2019-YEREL, 2019-YENILEME") {
		t.Errorf("the problem does not list the elections: %+v", d.Problems)
	}
	e.Do("PUT", "/api/v1/anomaly-thresholds", coordinator, map[string]any{"version": 0, "thresholds": webtest.Tight()}).APIError(t, http.StatusBadRequest)
	e.Do("GET", "/api/v1/anomaly-thresholds?election=2019-YEREL&race=IST-BB-2", observer1, nil).APIError(t, http.StatusBadRequest)
	e.Do("GET", "/api/v1/anomaly-thresholds?election=nope", observer1, nil).APIError(t, http.StatusNotFound)
	e.Do("GET", "/api/v1/anomaly-thresholds?race=nope", observer1, nil).APIError(t, http.StatusNotFound)
	e.Do("PUT", "/api/v1/anomaly-thresholds?race=IST-BB-2", coordinator, map[string]any{"version": 0, "thresholds": webtest.Tight()}).Decode(t, http.StatusOK, nil)
	var a, b thresholdsJSON
	e.Do("GET", "/api/v1/anomaly-thresholds?election=2019-YENILEME", observer1, nil).Decode(t, http.StatusOK, &b)
	e.Do("GET", "/api/v1/anomaly-thresholds?race="+raceIST, observer1, nil).Decode(t, http.StatusOK, &a)
	if b.Thresholds != webtest.Tight() || b.Version != 1 || a.Thresholds != anomaly.DefaultThresholds() || a.Version != 0 {
		t.Fatalf("per election: 2019-YENILEME %+v, 2019-YEREL %+v", b, a)
	}
}

// FuzzDecodeThresholds walks the thresholds body: fractions, exponents and
// required fields. What the walk refuses is a 400 with a position or a 422
// naming each missing field; what it accepts, encoding/json decodes alike.
func FuzzDecodeThresholds(f *testing.F) {
	full, err := json.Marshal(thresholdsInput{Version: 3, Thresholds: anomaly.DefaultThresholds()})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	f.Add([]byte(`{"version":1,"thresholds":{"turnout_z":1e-3,"turnout_z":2}}`))
	f.Add([]byte(`{"version":1,"thresholds":{}}`))
	f.Add([]byte(`{"thresholds":{"turnout_z":-0.5E+2}}`))
	f.Add([]byte(`{"version":01}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in thresholdsInput
		err := strict.Decode(data, thresholdsShape, &in)
		if err != nil {
			switch ps := sandik.ProblemsOf(err); sandik.CodeOf(err) {
			case handler.EBadRequest:
				if len(ps) != 1 || (ps[0].Line == 0 && ps[0].Rule != strict.RuleEmptyBody) {
					t.Fatalf("problem without a position: %+v", ps)
				}
			case sandik.EInvalid:
				for _, p := range ps {
					if p.Rule != sandik.RuleRequired || p.Field == "" {
						t.Fatalf("a 422 that is not a missing field: %+v", p)
					}
				}
			default:
				t.Fatalf("code %s: %v", sandik.CodeOf(err), err)
			}
			return
		}
		var plain thresholdsInput
		if err := json.Unmarshal(data, &plain); err != nil || plain != in {
			t.Fatalf("accepted %q, which encoding/json reads as %+v, %v (walk: %+v)", data, plain, err, in)
		}
	})
}
