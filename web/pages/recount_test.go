package pages

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// A settled recount adds the third view to the overview ("as recounted",
// beside provisional and verified) and a recount section to the box page
// naming the board's decision and each figure it moved; before, neither.
func TestRecountPages(t *testing.T) {
	e := newEnv(t)
	e.Submit(observer1, webtest.Sheet("o1", raceIST, box1, 120, 100, 10))
	e.Settle(e.Submit(observer2, webtest.Sheet("o2", raceIST, box1, 120, 100, 10)).Seq)
	b := e.Browser(coordinator)
	overview := "/races/" + raceIST + "/areas/34"
	boxPage := "/races/" + raceIST + "/boxes/" + box1
	if body := b.Page(overview, http.StatusOK); strings.Contains(body, `data-k="r.c0"`) || strings.Contains(body, "Yeniden sayıma göre") {
		t.Fatal("an as-recounted view before any recount")
	}
	recount := func(id string) map[string]any {
		s := webtest.Sheet(id, raceIST, box1, 111, 109, 10)
		s["source"], s["decision"] = "recount", "Adalar İSK 2019/12"
		return s
	}
	e.Submit(volunteer, recount("r1"))
	if body := b.Page(overview, http.StatusOK); strings.Contains(body, `data-k="r.c0"`) {
		t.Fatal("an as-recounted view after one recount entry")
	}
	e.Settle(e.Submit(coordinator, recount("r2")).Seq)
	body := b.Page(overview, http.StatusOK)
	for _, want := range []string{
		"Yeniden sayıma göre", `data-k="recounted.of">1 sandık yeniden sayıldı<`,
		`data-k="r.c0">111<`, `data-k="r.c1">109<`, `data-k="v.c0">120<`, `data-k="v.c1">100<`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
	body = b.Page(boxPage, http.StatusOK)
	for _, want := range []string{
		`id="recount"`, "Yeniden sayım: doğrulandı", "kurul kararı Adalar İSK 2019/12",
		"Ekrem İmamoğlu: 120 → 111 (−9)", "Binali Yıldırım: 100 → 109 (&#43;9)", "— Yeniden sayım</th>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("box page lacks %s", want)
		}
	}
	if strings.Contains(body, "Necdet Gökçınar: ") {
		t.Error("the box page lists a figure the recount did not move")
	}
}
