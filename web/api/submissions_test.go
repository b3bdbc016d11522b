package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
	"github.com/sandik-dev/sandik/web/strict"
)

func TestSubmitReceipt(t *testing.T) {
	e := newEnv(t)
	resp := e.Do("POST", "/api/v1/submissions", observer1, sheet("a-1", raceIST, box1, 100, 90, 10))
	var rec handler.Receipt
	resp.Decode(t, http.StatusCreated, &rec)
	if rec.Seq < 1 || rec.ID != "a-1" || rec.Replayed || !rec.ReceivedAt.Equal(testNow) || rec.Warnings == nil || len(rec.Warnings) != 0 {
		t.Errorf("receipt = %+v", rec)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if resp.Header.Get(handler.ReplayHeader) != "" {
		t.Errorf("a first submission says %s", handler.ReplayHeader)
	}
}

func TestSubmitWarnings(t *testing.T) {
	e := newEnv(t)
	body := sheet("w-1", raceIST, box1, 200, 90, 10)
	body["registered"] = 290                                               // registry says 300; voted 303 > 290
	body["captured_at"] = testNow.Add(-2 * time.Hour).Format(time.RFC3339) // late
	rec := e.submit(observer1, body)
	want := []string{"voted_over_registered", "registered_mismatch", "late"}
	if fmt.Sprint(rec.Warnings) != fmt.Sprint(want) {
		t.Errorf("warnings = %v, want %v", rec.Warnings, want)
	}
}

// A retry over a flaky connection gets the original receipt, is marked
// replayed and is never counted twice.
func TestSubmitRetryIsReplayed(t *testing.T) {
	e := newEnv(t)
	body := sheet("retry-1", raceIST, box1, 100, 90, 10)
	first := e.submit(observer1, body)
	resp := e.Do("POST", "/api/v1/submissions", observer1, body)
	var again handler.Receipt
	resp.Decode(t, http.StatusOK, &again)
	if again.Seq != first.Seq || !again.ReceivedAt.Equal(first.ReceivedAt) || !again.Replayed {
		t.Errorf("retry receipt = %+v, first %+v", again, first)
	}
	if resp.Header.Get(handler.ReplayHeader) != "true" {
		t.Errorf("%s = %q", handler.ReplayHeader, resp.Header.Get(handler.ReplayHeader))
	}
	if n := e.LastSeq(); n != first.Seq {
		t.Errorf("log holds %d submissions after a retry, want %d", n, first.Seq)
	}
}

// The same id with other figures is a conflict and changes nothing.
func TestSubmitSameIDOtherContentConflicts(t *testing.T) {
	e := newEnv(t)
	first := e.submit(observer1, sheet("dup-1", raceIST, box1, 100, 90, 10))
	d := e.Do("POST", "/api/v1/submissions", observer1, sheet("dup-1", raceIST, box1, 101, 89, 10)).APIError(t, http.StatusConflict)
	if d.Code != sandik.EConflict {
		t.Errorf("code = %s", d.Code)
	}
	if n := e.LastSeq(); n != first.Seq {
		t.Errorf("log moved to %d after a conflict", n)
	}
	e.Settle(first.Seq)
	var box boxView
	e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, coordinator, nil).Decode(t, http.StatusOK, &box)
	if len(box.Entries) != 1 || box.Entries[0].Sheet.Votes["CHP"] != 100 {
		t.Errorf("box after conflict: %+v", box.Entries)
	}
}

// Every rule of the sheet surfaces as 422 naming its field.
func TestSubmitValidation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		change func(map[string]any)
		field  string
		rule   string
	}{
		{"missing id", func(b map[string]any) { delete(b, "id") }, "id", sandik.RuleRequired},
		{"id with space", func(b map[string]any) { b["id"] = "a b" }, "id", sandik.RuleRequired},
		{"missing race", func(b map[string]any) { delete(b, "race") }, "race", sandik.RuleRequired},
		{"unknown race", func(b map[string]any) { b["race"] = "NOPE" }, "race", sandik.RuleUnknownRace},
		{"missing box", func(b map[string]any) { delete(b, "box") }, "box", sandik.RuleRequired},
		{"unknown box", func(b map[string]any) { b["box"] = "34.99" }, "box", sandik.RuleUnknownBox},
		{"area that is no box", func(b map[string]any) { b["box"] = "34.01" }, "box", sandik.RuleUnknownBox},
		{"box outside the race", func(b map[string]any) { b["race"], b["box"] = raceIlce, box3 }, "box", sandik.RuleBoxNotInRace},
		{"missing registered", func(b map[string]any) { delete(b, "registered") }, "registered", sandik.RuleRequired},
		{"missing voted", func(b map[string]any) { delete(b, "voted") }, "voted", sandik.RuleRequired},
		{"null valid total", func(b map[string]any) { b["valid_total"] = nil }, "valid_total", sandik.RuleRequired},
		{"missing invalid", func(b map[string]any) { delete(b, "invalid_total") }, "invalid_total", sandik.RuleRequired},
		{"negative", func(b map[string]any) { b["invalid_total"] = -3; b["voted"] = 197 }, "invalid_total", sandik.RuleNegative},
		{"too large", func(b map[string]any) { b["registered"] = 2_000_000 }, "registered", sandik.RuleTooLarge},
		{"missing choice", func(b map[string]any) { b["votes"] = map[string]int{"CHP": 100, "AKP": 90} }, "votes.SP", sandik.RuleMissingChoice},
		{"unknown choice", func(b map[string]any) { b["votes"] = map[string]int{"CHP": 100, "AKP": 90, "SP": 10, "IYI": 0} }, "votes.IYI", sandik.RuleUnknownChoice},
		{"negative choice", func(b map[string]any) { b["votes"] = map[string]int{"CHP": 100, "AKP": 90, "SP": -10} }, "votes.SP", sandik.RuleNegative},
		{"valid sum", func(b map[string]any) { b["valid_upon_objection"] = 5 }, "valid_total", sandik.RuleValidSum},
		{"choices sum", func(b map[string]any) { b["votes"] = map[string]int{"CHP": 112, "AKP": 90, "SP": 10} }, "votes", sandik.RuleChoicesSum},
		{"voted sum", func(b map[string]any) { b["voted"] = 210 }, "voted", sandik.RuleVotedSum},
		{"official source", func(b map[string]any) { b["source"] = "official" }, "source", sandik.RuleInvalidValue},
		{"unknown source", func(b map[string]any) { b["source"] = "tv" }, "source", sandik.RuleInvalidValue},
		{"reason on an entry", func(b map[string]any) { b["reason"] = "because" }, "reason", sandik.RuleInvalidValue},
		{"capture in the future", func(b map[string]any) { b["captured_at"] = testNow.Add(48 * time.Hour) }, "captured_at", sandik.RuleInvalidValue},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := sheet(fmt.Sprintf("v-%d", i), raceIST, box1, 100, 90, 10)
			tt.change(body)
			d := e.Do("POST", "/api/v1/submissions", observer1, body).APIError(t, http.StatusUnprocessableEntity)
			if d.Code != sandik.EInvalid {
				t.Errorf("code = %s", d.Code)
			}
			webtest.HasProblem(t, d, tt.field, tt.rule)
		})
	}
	if n := e.LastSeq(); n != 0 {
		t.Errorf("log holds %d submissions after only invalid ones", n)
	}
}

// Decoding problems are 400, name the field and say where.
func TestSubmitMalformedBody(t *testing.T) {
	e := newEnv(t)
	valid := `{"id":"m-1","race":"IST-BB","box":"34.01.01.01","registered":300,"voted":203,` +
		`"valid_without_objection":200,"valid_upon_objection":0,"valid_total":200,"invalid_total":3,` +
		`"votes":{"CHP":100,"AKP":90,"SP":10}}`
	tests := []struct {
		name, body, field, rule string
	}{
		{"unknown field", strings.Replace(valid, `"voted":`, `"turnout":1,"voted":`, 1), "turnout", strict.RuleUnknownField},
		{"field in wrong case", strings.Replace(valid, `"voted":`, `"Voted":`, 1), "Voted", strict.RuleUnknownField},
		{"duplicate field", strings.Replace(valid, `"voted":203`, `"voted":203,"voted":204`, 1), "voted", sandik.RuleDuplicate},
		{"duplicate choice", strings.Replace(valid, `"SP":10`, `"SP":10,"SP":11`, 1), "votes.SP", sandik.RuleDuplicate},
		{"string for a number", strings.Replace(valid, `"CHP":100`, `"CHP":"100"`, 1), "votes.CHP", strict.RuleType},
		{"fraction", strings.Replace(valid, `"voted":203`, `"voted":203.5`, 1), "voted", strict.RuleType},
		{"number for a string", strings.Replace(valid, `"m-1"`, `7`, 1), "id", strict.RuleType},
		{"bad time", strings.Replace(valid, `"id"`, `"captured_at":"yesterday","id"`, 1), "captured_at", strict.RuleType},
		{"array body", `[` + valid + `]`, "", strict.RuleType},
		{"trailing data", valid + `{}`, "", strict.RuleTrailingData},
		{"truncated", valid[:40], "box", strict.RuleSyntax},
		{"empty", ``, "", strict.RuleEmptyBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := e.Do("POST", "/api/v1/submissions", observer1, tt.body).APIError(t, http.StatusBadRequest)
			if d.Code != handler.EBadRequest {
				t.Errorf("code = %s", d.Code)
			}
			webtest.HasProblem(t, d, tt.field, tt.rule)
			if tt.rule != strict.RuleEmptyBody && !strings.Contains(d.Problems[0].Message, "satır 1, sütun") {
				t.Errorf("message does not say where in Turkish: %q", d.Problems[0].Message)
			}
			en := e.Do("POST", "/api/v1/submissions?lang=en", observer1, tt.body).APIError(t, http.StatusBadRequest)
			if tt.rule != strict.RuleEmptyBody && !strings.Contains(en.Problems[0].Message, "line 1, column") {
				t.Errorf("message does not say where: %q", en.Problems[0].Message)
			}
		})
	}
	e.Do("POST", "/api/v1/submissions", observer1, valid).Decode(t, http.StatusCreated, nil)
}

func TestSubmitContentType(t *testing.T) {
	e := newEnv(t)
	body := sheet("ct-1", raceIST, box1, 100, 90, 10)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "none"} {
		h := []string{"Content-Type", ct}
		if ct == "none" {
			h = []string{"Content-Type", ""}
		}
		d := e.Do("POST", "/api/v1/submissions", observer1, body, h...).APIError(t, http.StatusUnsupportedMediaType)
		if d.Code != handler.EUnsupportedMedia {
			t.Errorf("%s: code = %s", ct, d.Code)
		}
	}
	e.Do("POST", "/api/v1/submissions", observer1, body, "Content-Type", "application/json; charset=UTF-8").Decode(t, http.StatusCreated, nil)
}

func TestSubmitTooLarge(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 1024 })
	body := sheet("big-1", raceIST, box1, 100, 90, 10)
	body["reason"] = strings.Repeat("x", 2000)
	d := e.Do("POST", "/api/v1/submissions", observer1, body).APIError(t, http.StatusRequestEntityTooLarge)
	if d.Code != sandik.ETooLarge {
		t.Errorf("code = %s", d.Code)
	}
	// Without a Content-Length the limit holds while reading.
	big := `{"id":"big-2","reason":"` + strings.Repeat("x", 4096) + `"}`
	req, _ := http.NewRequestWithContext(t.Context(), "POST", e.HTTP.URL+"/api/v1/submissions", struct{ *strings.Reader }{strings.NewReader(big)})
	req.ContentLength = -1 // unknown: sent chunked
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.Tokens[observer1])
	resp, err := e.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked: status %d", resp.StatusCode)
	}
}

func TestSubmitWait(t *testing.T) {
	e := newEnv(t)
	var rec receiptView
	e.Do("POST", "/api/v1/submissions?wait=1", observer1, sheet("w-1", raceIST, box1, 100, 90, 10)).Decode(t, http.StatusCreated, &rec)
	if rec.Status == nil || *rec.Status != "pending" {
		t.Fatalf("status after one entry = %v", rec.Status)
	}
	e.Do("POST", "/api/v1/submissions?wait=true", observer2, sheet("w-2", raceIST, box1, 100, 90, 10)).Decode(t, http.StatusCreated, &rec)
	if rec.Status == nil || *rec.Status != "verified" {
		t.Fatalf("status after two agreeing entries = %v", rec.Status)
	}
	d := e.Do("POST", "/api/v1/submissions?wait=soon", observer2, sheet("w-3", raceIST, box2, 100, 90, 10)).APIError(t, http.StatusBadRequest)
	webtest.HasProblem(t, d, "wait", sandik.RuleInvalidValue)
}

// A batch is written whole or not at all.
func TestSubmitBatch(t *testing.T) {
	e := newEnv(t)
	bad := sheet("b-2", raceIST, box2, 100, 90, 10)
	bad["voted"] = 999
	items := []map[string]any{sheet("b-1", raceIST, box1, 100, 90, 10), bad, sheet("b-3", raceIST, box3, 50, 50, 0)}
	d := e.Do("POST", "/api/v1/submissions/batch", volunteer, map[string]any{"items": items}).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "items[1].voted", sandik.RuleVotedSum)
	for _, p := range d.Problems {
		if !strings.HasPrefix(p.Field, "items[1].") {
			t.Errorf("problem of a good item: %+v", p)
		}
	}
	if n := e.LastSeq(); n != 0 {
		t.Fatalf("a rejected batch wrote %d submissions", n)
	}

	// A decoding problem names the item too.
	raw := `{"items":[{"id":"x"},{"id":"y","votes":{"CHP":"many"}}]}`
	webtest.HasProblem(t, e.Do("POST", "/api/v1/submissions/batch", volunteer, raw).APIError(t, http.StatusBadRequest), "items[1].votes.CHP", strict.RuleType)
	// So does a rule broken by the only item.
	one := map[string]any{"items": []map[string]any{bad}}
	webtest.HasProblem(t, e.Do("POST", "/api/v1/submissions/batch", volunteer, one).APIError(t, http.StatusUnprocessableEntity), "items[0].voted", sandik.RuleVotedSum)
	webtest.HasProblem(t, e.Do("POST", "/api/v1/submissions/batch", volunteer, `{"items":[]}`).APIError(t, http.StatusUnprocessableEntity), "items", sandik.RuleRequired)

	items[1] = sheet("b-2", raceIST, box2, 100, 90, 10)
	var out struct{ Receipts []handler.Receipt }
	e.Do("POST", "/api/v1/submissions/batch", volunteer, map[string]any{"items": items}).Decode(t, http.StatusCreated, &out)
	if len(out.Receipts) != 3 || out.Receipts[0].Seq >= out.Receipts[2].Seq || out.Receipts[1].ID != "b-2" {
		t.Fatalf("receipts = %+v", out.Receipts)
	}
	// The whole batch again is a replay.
	resp := e.Do("POST", "/api/v1/submissions/batch", volunteer, map[string]any{"items": items})
	var again struct{ Receipts []handler.Receipt }
	resp.Decode(t, http.StatusOK, &again)
	if resp.Header.Get(handler.ReplayHeader) != "true" || !again.Receipts[2].Replayed || again.Receipts[2].Seq != out.Receipts[2].Seq {
		t.Errorf("replayed batch: %s %+v", resp.Header, again.Receipts)
	}
}

func TestSubmitBatchTooMany(t *testing.T) {
	e := newEnv(t)
	items := make([]map[string]any, 1001)
	for i := range items {
		items[i] = sheet(fmt.Sprintf("many-%d", i), raceIST, box1, 100, 90, 10)
	}
	e.Do("POST", "/api/v1/submissions/batch", volunteer, map[string]any{"items": items}).APIError(t, http.StatusRequestEntityTooLarge)
}

func TestGetSubmission(t *testing.T) {
	e := newEnv(t)
	body := sheet("g-1", raceIST, box1, 100, 90, 10)
	body["captured_at"] = testNow.Add(-time.Minute)
	rec := e.submit(observer1, body)
	var got struct {
		Race sandik.RaceCode
		Box  sandik.AreaCode
		entryView
	}
	e.Do("GET", "/api/v1/submissions/g-1", observer1, nil).Decode(t, http.StatusOK, &got)
	if got.Seq != rec.Seq || got.Race != raceIST || got.Box != box1 || got.Sheet.Votes["SP"] != 10 || got.CapturedAt == nil {
		t.Errorf("submission = %+v", got)
	}
	e.Do("GET", "/api/v1/submissions/g-1", coordinator, nil).Decode(t, http.StatusOK, nil)
	e.Do("GET", "/api/v1/submissions/g-1", observer2, nil).APIError(t, http.StatusNotFound)
	e.Do("GET", "/api/v1/submissions/nope", coordinator, nil).APIError(t, http.StatusNotFound)
}
