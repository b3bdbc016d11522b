package pages

// Tests of user areas on the pages: the entry form, the box and conflict
// pages, the comparison, the overview and its exports, and live streams
// that must not outlive a change of areas. The review tests each check a
// control first, so that they fail for the reason they name.

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// TestEntryFormOffersAssignedBoxes: the observer's form lists their own
// boxes and only the races those boxes take part in; the box search finds
// nothing outside; an observer without boxes is told to ask for them.
func TestEntryFormOffersAssignedBoxes(t *testing.T) {
	e := newScopedEnv(t)
	page := e.Browser(obsBox1).Get("/entry")
	if page.Status != http.StatusOK {
		t.Fatalf("entry page: %d", page.Status)
	}
	body := string(page.Body)
	start := strings.Index(body, `id="races-data">`)
	end := strings.Index(body[start:], "</script>")
	if start < 0 || end < 0 {
		t.Fatalf("no races data in the page:\n%s", body)
	}
	var races []entryRace
	if err := json.Unmarshal([]byte(body[start+len(`id="races-data">`):start+end]), &races); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rc := range races {
		for _, b := range rc.Assigned {
			got = append(got, string(rc.Code)+"/"+string(b.Code))
		}
	}
	slices.Sort(got)
	if want := []string{raceIlce + "/" + box1, raceIST + "/" + box1}; !slices.Equal(got, want) {
		t.Errorf("assigned boxes on the form = %v; want %v", got, want)
	}
	if !strings.Contains(body, "Görevli olduğunuz sandıklar") {
		t.Error("the form does not say the boxes are the observer's own")
	}

	var hits struct {
		Boxes []boxHit `json:"boxes"`
	}
	r := e.Browser(obsBox1).Get("/entry/boxes?race=" + raceIST + "&q=34")
	if err := json.Unmarshal(r.Body, &hits); err != nil || len(hits.Boxes) != 1 || hits.Boxes[0].Code != box1 {
		t.Errorf("box search of a scoped observer = %s (%v); want box1 only", r.Body, err)
	}

	tok, err := e.Center.CreateUser(t.Context(), sandik.User{ID: "yeni", Name: "Yeni müşahit", Role: sandik.RoleObserver})
	if err != nil {
		t.Fatal(err)
	}
	e.Tokens["yeni"] = tok
	page = e.Browser("yeni").Get("/entry")
	if !strings.Contains(string(page.Body), "Size henüz sandık atanmadı") || strings.Contains(string(page.Body), `id="sheet"`) {
		t.Errorf("an observer without boxes gets a form or no explanation:\n%s", page.Body)
	}
}

// TestScopedPages: the box page and the live box stream refuse a box
// outside, and the conflict page lists only the district's boxes.
func TestScopedPages(t *testing.T) {
	e := newScopedEnv(t)
	for _, b := range []string{box2, box3} {
		e.Submit(observer1, sheet("c1-"+b, raceIST, b, 10, 20, 1))
		e.Settle(e.Submit(volunteer, sheet("c2-"+b, raceIST, b, 11, 19, 1)).Seq)
	}
	br := e.Browser(coordAdal)
	if r := br.Get("/races/" + raceIST + "/boxes/" + box2); r.Status != http.StatusOK {
		t.Errorf("box page inside: %d", r.Status)
	}
	for _, p := range []string{"/races/" + raceIST + "/boxes/" + box3, "/races/" + raceIST + "/boxes/" + box3 + "/live"} {
		if r := br.Get(p); r.Status != http.StatusForbidden {
			t.Errorf("%s outside: %d, want 403", p, r.Status)
		}
	}
	r := br.Get("/races/" + raceIST + "/conflicts")
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), box2) || strings.Contains(string(r.Body), box3) {
		t.Errorf("conflict page of the Adalar coordinator (%d) should list box2 and not box3:\n%s", r.Status, r.Body)
	}
}

// The comparison page and its CSV (for those who see every entry) show
// the same figures and offer to draft cases on them: a district
// coordinator must see only their district's boxes.
func TestReviewComparisonPagesOmitBoxesOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	e.DiscrepancyAtBox3()
	b := e.Browser(coordAdal)
	for _, p := range []string{
		"/races/" + raceIST + "/areas/34/comparison",
		"/races/" + raceIST + "/areas/34/comparison.csv",
		"/races/" + raceIST + "/areas/34.02/comparison",
	} {
		r := b.Get(p)
		if r.Status == http.StatusForbidden {
			continue
		}
		if strings.Contains(string(r.Body), box3) {
			t.Errorf("%s for the Adalar coordinator (%d) shows box3, outside their areas", p, r.Status)
		}
	}
}

// A live box stream checks the user's right to the box once, when it
// opens. When an administrator withdraws the area, the user's next
// request is refused, but the open stream keeps delivering the box's
// changes: it must end (as it does when the session ends), or at least
// send nothing more.
func TestReviewLiveBoxEndsWhenTheAreaIsWithdrawn(t *testing.T) {
	e := newScopedEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond; c.keepAlive = 20 * time.Millisecond })
	b := e.Browser(coordAdal)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.Stream(ctx, "/races/"+raceIST+"/boxes/"+box2+"/live")
	next(t, s)
	if _, err := e.Center.AssignAreas(t.Context(), coordAdal, []sandik.AreaCode{"34.02"}); err != nil {
		t.Fatal(err)
	}
	if r := b.Get("/races/" + raceIST + "/boxes/" + box2); r.Status != http.StatusForbidden {
		t.Fatalf("control: box2 page after the area was withdrawn: %d, want 403", r.Status)
	}
	rec := e.Submit(observer1, sheet("lw-1", raceIST, box2, 10, 20, 1))
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case ev, ok := <-s.Events:
			if !ok {
				return // ended: as wanted
			}
			if ev.Event != "totals" {
				continue
			}
			var p livePayload
			if err := json.Unmarshal(ev.Data, &p); err != nil {
				t.Fatal(err)
			}
			if p.Seq >= rec.Seq {
				t.Fatalf("after box2 left the coordinator's areas, their open stream still sends box2's changes: %+v", p)
			}
		case <-deadline.C:
			return // open but silent about box2: acceptable too
		}
	}
}

// The overview and the exports are for coordinators, who see every
// entry; but a district coordinator sees entries only in their district.
// Below a mahalle the children are boxes, so the overview, its live
// stream and the exports of Levent give each Beşiktaş box's own figures
// (a pending box's first entry) to the Adalar coordinator, who is refused
// the same box's page. Boxes outside the user's areas should be left out
// (or the area refused).
func TestReviewOverviewAndExportsOmitBoxesOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	e.Settle(e.Submit(observer2, sheet("ov-1", raceIST, box3, 77, 55, 4)).Seq)
	b := e.Browser(coordAdal)
	if r := b.Get("/races/" + raceIST + "/boxes/" + box3); r.Status != http.StatusForbidden {
		t.Fatalf("control: box3's page for the Adalar coordinator: %d, want 403", r.Status)
	}
	// The overview's row of box3 shows its valid votes (77+55+4 = 136).
	page := b.Get("/races/" + raceIST + "/areas/34.02.01")
	if page.Status == http.StatusOK && strings.Contains(string(page.Body), `data-k="`+box3+`.valid">136<`) {
		t.Errorf("the Levent overview gives the Adalar coordinator box3's figures")
	}
	for _, p := range []string{
		"/races/" + raceIST + "/areas/34.02.01/export.csv",
		"/races/" + raceIST + "/areas/" + box3 + "/export.csv",
	} {
		r := b.Get(p)
		if r.Status != http.StatusOK {
			continue
		}
		for _, line := range strings.Split(string(r.Body), "\n") {
			if f := strings.Split(line, ";"); len(f) > 11 && f[0] == box3 && f[11] == "77" {
				t.Errorf("%s gives the Adalar coordinator box3's first entry: %s", p, line)
			}
		}
	}
}

// The conflict queue's stream is shared by every unscoped coordinator
// under one key, and the key is chosen when the stream opens. A
// coordinator who is given areas while watching keeps receiving the
// rendering made for the whole centre: the count of Beşiktaş conflicts
// included. The stream must end, switch to the user's own queue, or at
// least fall silent.
func TestReviewLiveConflictsFollowANewAssignment(t *testing.T) {
	e := newScopedEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond; c.keepAlive = 20 * time.Millisecond })
	b := e.Browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.Stream(ctx, "/races/"+raceIST+"/conflicts/live")
	next(t, s)
	if _, err := e.Center.AssignAreas(t.Context(), coordinator, []sandik.AreaCode{"34.01"}); err != nil {
		t.Fatal(err)
	}
	// A conflict in Beşiktaş, outside the coordinator's new area.
	e.Submit(observer2, sheet("lc-1", raceIST, box3, 10, 20, 1))
	rec := e.Submit(volunteer, sheet("lc-2", raceIST, box3, 11, 19, 1))
	e.Settle(rec.Seq)
	if r := b.Get("/races/" + raceIST + "/conflicts"); r.Status != http.StatusOK || strings.Contains(string(r.Body), box3) {
		t.Fatalf("control: the reloaded queue (%d) should hold no Beşiktaş box", r.Status)
	}
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case ev, ok := <-s.Events:
			if !ok {
				return // ended: as wanted
			}
			if ev.Event != "totals" {
				continue
			}
			var p livePayload
			if err := json.Unmarshal(ev.Data, &p); err != nil {
				t.Fatal(err)
			}
			// Adalar has no conflict; the one counted is Beşiktaş's.
			if p.Seq >= rec.Seq && strings.Contains(p.K["count"], "1") {
				t.Fatalf("the coordinator, now of Adalar only, still receives the whole centre's queue: %q", p.K["count"])
			}
		case <-deadline.C:
			return // open but silent: acceptable too
		}
	}
}
