package pages

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// A verified box whose official figures are all 0 against 106 voters on
// the sheet says so: its status is not "doğrulandı" alone, and the fields
// that differ are listed with both figures. A box whose figures agree says
// nothing of the kind.
func TestBoxPageMarksAnOfficialResultThatDiffers(t *testing.T) {
	e := newEnv(t)
	e.Submit(observer1, sheet("od-1", raceIST, box3, 50, 50, 3))
	e.Settle(e.Submit(observer2, sheet("od-2", raceIST, box3, 50, 50, 3)).Seq)
	rs, err := e.Center.AppendImported(t.Context(), []sandik.ImportedSheet{{Race: raceIST, Box: box3, User: "ysk",
		Source: sandik.SourceOfficial, Sheet: sandik.Tutanak{Votes: []int64{0, 0, 0}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.Settle(rs[0].Seq)
	// box1 agrees with its official figures.
	e.Submit(observer1, sheet("od-3", raceIST, box1, 10, 20, 3))
	e.Settle(e.Submit(observer2, sheet("od-4", raceIST, box1, 10, 20, 3)).Seq)
	e.Official(box1, 10, 20, 3)

	for _, who := range []string{coordinator, lawyer} {
		body := e.Browser(who).Page("/races/"+raceIST+"/boxes/"+box3, http.StatusOK)
		webtest.MustContain(t, body, `<strong data-k="status">doğrulandı · resmî sonuç farklı</strong>`, `id="official-diff"`,
			"Resmî sonuç tutanaktan farklı", "<li>Oy kullanan seçmen: resmî 0, tutanak 106</li>", "<li>Ekrem İmamoğlu: resmî 0, tutanak 50</li>")
	}
	same := e.Browser(coordinator).Page("/races/"+raceIST+"/boxes/"+box1, http.StatusOK)
	webtest.MustContain(t, same, `<strong data-k="status">doğrulandı</strong>`)
	if strings.Contains(same, "official-diff") || strings.Contains(same, "resmî sonuç farklı") {
		t.Fatal("a box whose official figures agree is marked as differing")
	}
	// In English too, and the live status carries the mark.
	en := e.Browser(coordinator)
	en.Get("/lang/en")
	webtest.MustContain(t, en.Page("/races/"+raceIST+"/boxes/"+box3, http.StatusOK), "verified · official result differs", "Voters who voted: official 0, sheet 106")
	s := e.Browser(coordinator).Stream(t.Context(), "/races/"+raceIST+"/boxes/"+box3+"/live")
	if p := next(t, s); p.K["status"] != "doğrulandı · resmî sonuç farklı" {
		t.Fatalf("live status %q", p.K["status"])
	}
}

// Warnings kept with a sheet show as Turkish text on the box page, never
// as their keys.
func TestBoxPageWarningsInTurkish(t *testing.T) {
	e := newEnv(t)
	s := sheet("wn-1", raceIST, box1, 200, 100, 10)
	s["registered"] = 250 // the registry has 300; 313 voted
	e.Settle(e.Submit(observer1, s).Seq)
	body := e.Browser(coordinator).Page("/races/"+raceIST+"/boxes/"+box1, http.StatusOK)
	webtest.MustContain(t, body, "oy kullanan, kayıtlı seçmenden fazla, kayıtlı seçmen sayısı seçmen listesinden farklı")
	for _, key := range []string{"registered_mismatch", "voted_over_registered"} {
		if strings.Contains(body, key) {
			t.Errorf("the rule key %s reaches the Turkish page", key)
		}
	}
}

// The box search matches Turkish letters typed without their marks, and
// the other way round: "Avcilar" finds Avcılar, "kadikoy" Kadıköy,
// "SISLI" Şişli, "atatürk ilkokulu 3001" one box by its school.
func TestBoxSearchFoldsTurkishLetters(t *testing.T) {
	e := newQueueEnv(t)
	b := e.Browser(coordinator)
	search := func(q string) []boxHit {
		t.Helper()
		var found struct {
			Boxes []boxHit `json:"boxes"`
		}
		b.Get("/entry/boxes?race="+raceIST+"&q="+strings.ReplaceAll(q, " ", "%20")).Decode(t, http.StatusOK, &found)
		return found.Boxes
	}
	cases := []struct {
		q, district string
	}{
		{"Avcilar", qAvcilar}, {"avcılar", qAvcilar}, {"AVCILAR", qAvcilar}, {"kadikoy", qKadikoy}, {"KADIKÖY", qKadikoy},
		{"Kadıkoy", qKadikoy}, {"sisli", "34.04"}, {"bagcilar merkez", "34.02"},
	}
	for _, c := range cases {
		hits := search(c.q)
		if len(hits) != maxBoxHits {
			t.Fatalf("%q: %d hits, want %d", c.q, len(hits), maxBoxHits)
		}
		for _, h := range hits {
			if !strings.HasPrefix(string(h.Code), c.district+".") {
				t.Fatalf("%q finds %s (%s)", c.q, h.Code, h.Label)
			}
		}
	}
	if hits := search("ataturk ilkokulu 3001"); len(hits) != 1 || hits[0].Code != sandik.AreaCode(qBox(3, 1)) ||
		hits[0].Label != "Kadıköy › Kadıköy Merkez › Kadıköy Atatürk İlkokulu › Sandık 3001" || hits[0].Registered != 300 {
		t.Fatalf("by school and number: %+v", hits)
	}
	if hits := search("kadikoy avcilar"); len(hits) != 0 {
		t.Fatalf("two districts at once: %+v", hits)
	}
	// An observer finds only their own boxes, folded too.
	o := e.Browser(obsAvcilar)
	var found struct {
		Boxes []boxHit `json:"boxes"`
	}
	o.Get("/entry/boxes?race="+raceIST+"&q=avcilar").Decode(t, http.StatusOK, &found)
	if len(found.Boxes) != 2 {
		t.Fatalf("the Avcılar observer finds %+v", found.Boxes)
	}
	o.Get("/entry/boxes?race="+raceIST+"&q=kadikoy").Decode(t, http.StatusOK, &found)
	if len(found.Boxes) != 0 {
		t.Fatalf("the Avcılar observer finds Kadıköy's boxes: %+v", found.Boxes)
	}
	if r := o.Get("/entry/boxes?race=" + raceIST + "&q=" + strings.Repeat("a", 201)); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), `"field":"q"`) {
		t.Fatalf("an over-long search: %d %s", r.Status, r.Body)
	}
}

var racesData = regexp.MustCompile(`(?s)<script type="application/json" id="races-data">(.*?)</script>`)
var formTextsData = regexp.MustCompile(`(?s)<script type="application/json" id="form-texts">(.*?)</script>`)

// The form tells an observer which races of each of their boxes they
// have already sent, with the voter list's figure for each box; its
// script's texts come from the catalogue in the page's language.
func TestEntryFormKnowsWhatWasSent(t *testing.T) {
	e := newQueueEnv(t)
	e.Settle(e.Submit(obsAvcilar, sheet("sent-1", raceIST, qBox(1, 1), 100, 90, 10)).Seq)
	body := e.Browser(obsAvcilar).Page("/entry", http.StatusOK)
	var races []entryRace
	if err := json.Unmarshal([]byte(html.UnescapeString(racesData.FindStringSubmatch(body)[1])), &races); err != nil {
		t.Fatal(err)
	}
	sent := map[string]int64{}
	for _, r := range races {
		for _, h := range r.Assigned {
			sent[string(r.Code)+" "+string(h.Code)] = h.Sent
			if h.Registered != 300 {
				t.Errorf("%s: registry figure %d", h.Code, h.Registered)
			}
		}
	}
	if len(sent) != 4 || sent[raceIST+" "+qBox(1, 1)] == 0 || sent[raceIST+" "+qBox(1, 2)] != 0 || sent["AVCILAR-BLD "+qBox(1, 1)] != 0 {
		t.Fatalf("sent: %v", sent)
	}
	var texts map[string]string
	if err := json.Unmarshal([]byte(formTextsData.FindStringSubmatch(body)[1]), &texts); err != nil {
		t.Fatal(err)
	}
	if texts["form.sent"] != "%s: gönderildi" || texts["warning.registered_mismatch"] != "kayıtlı seçmen sayısı seçmen listesinden farklı" ||
		texts["rule.choices_sum"] != "Geçerli oy toplamı partilerin toplamından %s." {
		t.Fatalf("form texts: %v", texts)
	}
	for k, v := range texts {
		if v == k {
			t.Errorf("form text %s missing from the catalogue", k)
		}
	}
}
