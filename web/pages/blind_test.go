package pages

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// Double entry is blind on the pages too: every page an observer or a
// volunteer may open answers alike before and after another person's
// entry and holds none of its figures, and a typist's live box stream
// carries the status only.
func TestBlindPagesIgnoreOthersEntries(t *testing.T) {
	e := newEnvWith(t, webtest.BlindRegistry(t))
	race := webtest.BlindRace
	var paths []string
	for _, p := range e.base.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if method != "GET" || strings.HasSuffix(path, "/live") || strings.HasPrefix(path, "/static/") || strings.Contains(path, "{lang}") {
			continue
		}
		for _, area := range []string{"34", "34.02.02", webtest.BlindLoneBox} {
			paths = append(paths, strings.NewReplacer("{race}", race, "{area}", area, "{box}", webtest.BlindLoneBox,
				"{id}", "x", "{sha256}", strings.Repeat("0", 64), "{$}", "").Replace(path))
		}
	}
	readers := map[string]*webtest.Browser{observer1: e.Browser(observer1), volunteer: e.Browser(volunteer)}
	read := func() map[string]int {
		out := map[string]int{}
		for who, b := range readers {
			for _, p := range paths {
				r := b.Get(p)
				out[who+" "+p] = r.Status
				for _, fig := range []string{"4871", "4.871", "4,871", "3659", "3.659", "3,659"} {
					if strings.Contains(string(r.Body), fig) {
						t.Errorf("%s %s holds another's figure %s", who, p, fig)
					}
				}
			}
		}
		return out
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	live := readers[volunteer].Stream(ctx, "/races/"+race+"/boxes/"+webtest.BlindLoneBox+"/live")
	before := read()
	first := next(t, live)
	e.Settle(e.Submit(observer2, webtest.BlindSheet("victim-1", webtest.BlindLoneBox, 4871, 3659, 1213)).Seq)
	after := read()
	for k, s := range before {
		if after[k] != s {
			t.Errorf("%s: status %d before another's entry, %d after", k, s, after[k])
		}
	}
	// The signature counts the entries shown, then names the status.
	moved := next(t, live)
	n0, _, _ := strings.Cut(first.Sig, ":")
	n1, _, _ := strings.Cut(moved.Sig, ":")
	if n0 != n1 || len(moved.M) != 0 || len(moved.F) != 0 {
		t.Errorf("live box: %+v then %+v; want the same signature, no figures", first, moved)
	}
	for k, v := range moved.K {
		if k != "status" && k != "fresh" {
			t.Errorf("live box carries %s = %q", k, v)
		}
	}
}
