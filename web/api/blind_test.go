package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// Double entry is blind: nothing that those who type sheets may read
// changes when another person types one, so no read, nor the difference
// of two reads, gives them an entry to copy. Every GET route of the API is
// read by an observer and a volunteer before and after another person's
// entries in a mahalle of one box and in one of 22; each answer is refused
// both times or the same both times (but for log positions, and a box's
// status, which says that someone typed, never what).
func TestBlindReadsIgnoreOthersEntries(t *testing.T) {
	// The public snapshots are on: what anyone reads without an account
	// is blind too.
	e := newEnvWith(t, webtest.BlindRegistry(t), publicSnapshots(0))
	// The readers' own work, so that there is something of theirs to see.
	e.submit(observer1, webtest.BlindSheet("own-o", "34.01.02.01", 4000, 3000, 100))
	e.Settle(e.submit(volunteer, webtest.BlindSheet("own-v", "34.01.02.01", 4000, 3000, 100)).Seq)

	var paths []string
	for _, p := range e.base.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if method != "GET" || !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		areas := []string{""}
		if strings.Contains(path, "{area}") || strings.Contains(path, "{code}") {
			areas = nil
			for _, a := range webtest.BlindAreas {
				areas = append(areas, string(a))
			}
			areas = append(areas, webtest.BlindBigBox, webtest.BlindLoneBox)
		}
		for _, area := range areas {
			for _, box := range []string{webtest.BlindBigBox, webtest.BlindLoneBox} {
				paths = append(paths, strings.NewReplacer("{race}", webtest.BlindRace, "{area}", area, "{code}", area,
					"{box}", box, "{id}", "victim-1", "{sha256}", strings.Repeat("0", 64)).Replace(path))
			}
		}
	}
	for _, q := range []string{"?basis=provisional", "?basis=verified", "?area=34.02.02"} {
		paths = append(paths, "/api/v1/races/"+webtest.BlindRace+"/conflicts"+q, "/api/v1/races/"+webtest.BlindRace+"/comparison/34"+q,
			"/api/v1/races/"+webtest.BlindRace+"/anomalies/34"+q)
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)

	readers := []string{observer1, volunteer}
	read := func() map[string]webtest.Response {
		out := map[string]webtest.Response{}
		for _, who := range append(readers, "") { // and without an account
			for _, p := range paths {
				out[who+" "+p] = e.Do("GET", p, who, nil)
			}
		}
		return out
	}
	before := read()
	// Another person's first entries: the lone box's would be its mahalle's
	// provisional totals, and either would be a district's by difference.
	e.submit(observer2, webtest.BlindSheet("victim-1", webtest.BlindLoneBox, 4871, 3659, 1213))
	e.Settle(e.submit(observer2, webtest.BlindSheet("victim-2", webtest.BlindBigBox, 4871, 3659, 1213)).Seq)
	after := read()

	allowed := 0
	for k, b := range before {
		a := after[k]
		if b.Status != a.Status {
			t.Errorf("%s: status %d before another's entry, %d after", k, b.Status, a.Status)
			continue
		}
		if strings.Contains(string(a.Body), "4871") || strings.Contains(string(a.Body), "3659") {
			t.Errorf("%s: holds another's entry: %s", k, a.Body)
		}
		if a.Status >= 300 {
			continue
		}
		allowed++
		if x, y := comparable(t, b.Body), comparable(t, a.Body); !reflect.DeepEqual(x, y) {
			t.Errorf("%s: changed with another's entry:\nbefore %s\nafter  %s", k, b.Body, a.Body)
		}
	}
	if allowed == 0 {
		t.Fatal("no route answered")
	}

	// What each reader does get: verified totals of areas of 20 boxes or
	// more, listed so that no child can be subtracted down to fewer.
	for _, who := range readers {
		var tot totalsJSON
		e.Do("GET", "/api/v1/races/"+webtest.BlindRace+"/totals/34", who, nil).Decode(t, http.StatusOK, &tot)
		if got := childAreas(tot); !slices.Equal(got, []sandik.AreaCode{"34.01", "34.02"}) || !slices.Equal(tot.Totals.Verified.Votes, []int64{4000, 3000, 100}) ||
			slices.ContainsFunc(tot.Totals.Provisional.Votes, func(n int64) bool { return n != 0 }) || tot.Totals.BoxesReported != 0 {
			t.Errorf("%s reads 34: children %v, totals %+v", who, got, tot.Totals)
		}
		e.Do("GET", "/api/v1/races/"+webtest.BlindRace+"/totals/34.01", who, nil).Decode(t, http.StatusOK, &tot)
		if got := childAreas(tot); !slices.Equal(got, []sandik.AreaCode{"34.01.01", "34.01.02"}) {
			t.Errorf("%s reads 34.01: children %v", who, got)
		}
		// Mahalle C has 20 boxes, but beside it Mahalle D has one.
		e.Do("GET", "/api/v1/races/"+webtest.BlindRace+"/totals/34.02", who, nil).Decode(t, http.StatusOK, &tot)
		if got := childAreas(tot); len(got) != 0 {
			t.Errorf("%s reads 34.02: children %v, want none (34.02 less 34.02.01 is the lone box)", who, got)
		}
		e.Do("GET", "/api/v1/races/"+webtest.BlindRace+"/totals/34.02.02", who, nil).APIError(t, http.StatusForbidden)
		e.Do("GET", "/api/v1/races/"+webtest.BlindRace+"/conflicts", who, nil).APIError(t, http.StatusForbidden)
	}
	// Those who see every entry still see it all.
	var tot totalsJSON
	e.Do("GET", "/api/v1/races/"+webtest.BlindRace+"/totals/34.02.02", coordinator, nil).Decode(t, http.StatusOK, &tot)
	if !slices.Equal(tot.Totals.Provisional.Votes, []int64{4871, 3659, 1213}) {
		t.Errorf("coordinator reads the lone mahalle as %+v", tot.Totals)
	}
	var box boxView
	e.Do("GET", "/api/v1/races/"+webtest.BlindRace+"/boxes/34.01.02.01", observer1, nil).Decode(t, http.StatusOK, &box)
	if len(box.Entries) != 1 || box.Entries[0].ID != "own-o" || box.Status != "verified" || box.Resolved != nil || box.Provisional != nil {
		t.Errorf("observer's own box = %+v", box)
	}
}

func childAreas(t totalsJSON) []sandik.AreaCode {
	var out []sandik.AreaCode
	for _, c := range t.Children {
		out = append(out, c.Area)
	}
	return out
}

// comparable is a JSON answer without what moves with any entry anywhere
// (log positions) or says only that a box was typed (its status).
func comparable(t *testing.T, body []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return string(body)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "seq")
			if _, isCheckpoint := x["verifier_key"]; isCheckpoint {
				// The ledger's size and root are a log position too: the
				// root commits to every entry but, each leaf hashing the
				// entry's random client id, lets no one recover or confirm
				// a sheet from it.
				delete(x, "size")
				delete(x, "checkpoint")
			}
			if _, isBox := x["partial"]; isBox {
				delete(x, "status")
			}
			for k := range x {
				x[k] = strip(x[k])
			}
		case []any:
			for i := range x {
				x[i] = strip(x[i])
			}
		}
		return v
	}
	return strip(v)
}
