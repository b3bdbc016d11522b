package demo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/apiclient"
)

// The volunteers type the photos the keying queue hands them, through
// the API's keying routes, with the box's true figures and nothing that
// names the sheet (a typing takes that from its lease); the night's
// sheets go as before.
func TestVolunteersKeyQueuedPhotos(t *testing.T) {
	reg, fake, _, tokens := nightSetup(t, 0.02, 4)
	truth := TrueResults(reg, 11)
	boxes := reg.RaceBoxes(RaceMayor)[:3]
	var mu sync.Mutex
	next, typed := 0, map[string]map[string]json.RawMessage{}
	mux := http.NewServeMux()
	mux.Handle("/", fake.handler())
	mux.HandleFunc("GET /api/v1/keying/next", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if next == len(boxes) {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": "l-" + string(boxes[next]), "race": RaceMayor, "box": boxes[next]})
		next++
	})
	mux.HandleFunc("POST /api/v1/keying/{id}", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Errorf("typing %s: %v", r.PathValue("id"), err)
		}
		mu.Lock()
		typed[r.PathValue("id")] = m
		mu.Unlock()
		writeJSON(w, http.StatusCreated, map[string]any{"seq": 1})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	stats, err := Run(context.Background(), Config{API: apiclient.New(srv.URL, 4), Registry: reg, Params: Params{Seed: 11},
		Tokens: tokens, IDPrefix: "k1", Workers: 4, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Keyed != len(boxes) || len(typed) != len(boxes) || !strings.Contains(stats.String(), "3 photos keyed") {
		t.Fatalf("keyed %d (%d typings), want %d: %s", stats.Keyed, len(typed), len(boxes), stats)
	}
	rc, _ := reg.Race(RaceMayor)
	for _, box := range boxes {
		m := typed["l-"+string(box)]
		for _, k := range []string{"id", "race", "box"} {
			if _, ok := m[k]; ok {
				t.Errorf("%s: the typing names its %s", box, k)
			}
		}
		var in sandik.SheetInput
		b, _ := json.Marshal(m)
		if err := json.Unmarshal(b, &in); err != nil {
			t.Fatal(err)
		}
		want := truth[BoxRace{RaceMayor, box}]
		if in.ValidTotal == nil || *in.ValidTotal != want.ValidTotal || *in.Votes[rc.Choices[0].Code] != want.Votes[0] {
			t.Errorf("%s: typed %+v, the sheet says %+v", box, in, want)
		}
	}
	if stats.Done != stats.Events || stats.Failed != 0 {
		t.Errorf("the night's sheets: %+v", stats)
	}
}
