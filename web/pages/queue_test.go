package pages

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

var (
	queueArticle = regexp.MustCompile(`<article class="conflict" data-box="([^"]+)">`)
	queueOption  = regexp.MustCompile(`<option value="([^"]*)"( selected)?>([^<]*)</option>`)
	queueNext    = regexp.MustCompile(`<a rel="next" href="([^"]+)">`)
)

// queueBoxes reads the boxes a queue page shows, in order.
func queueBoxes(body string) []string {
	var out []string
	for _, m := range queueArticle.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// The queue no longer stops at 10: it pages through all 300, 25 at a
// time, oldest first, filters by district (only districts with a conflict,
// in Turkish order, with counts), and names each box with its places and
// its age.
func TestConflictQueuePagesAndFilters(t *testing.T) {
	e := newQueueEnv(t)
	queueConflicts(t, e)
	b := e.Browser(coordinator)
	first := b.Page("/races/"+raceIST+"/conflicts", http.StatusOK)
	webtest.MustContain(t, first, "Bekleyen çelişki: 300 (en eskisi önce)", "1–25 arası gösteriliyor, toplam 300 çelişki", "Sayfa 1 / 12",
		"Avcılar › Avcılar Merkez › Avcılar Atatürk İlkokulu › Sandık 1001", "Bekliyor: ")
	var opts []string
	for _, m := range queueOption.FindAllStringSubmatch(first, -1) {
		opts = append(opts, m[3])
	}
	if strings.Join(opts, "|") != "Tüm ilçeler (300)|Avcılar (60)|Bağcılar (60)|Kadıköy (120)|Şişli (60)" {
		t.Fatalf("district filter offers %q", opts)
	}
	// Walk the whole queue by its next links: every conflict once.
	seen := map[string]bool{}
	page, path := first, ""
	for pages := 1; ; pages++ {
		boxes := queueBoxes(page)
		if len(boxes) != 25 {
			t.Fatalf("page %d shows %d boxes", pages, len(boxes))
		}
		for _, x := range boxes {
			if seen[x] {
				t.Fatalf("box %s twice", x)
			}
			seen[x] = true
		}
		m := queueNext.FindStringSubmatch(page)
		if m == nil {
			if pages != 12 {
				t.Fatalf("%d pages, want 12", pages)
			}
			break
		}
		path = strings.ReplaceAll(m[1], "&amp;", "&")
		page = b.Page(path, http.StatusOK)
	}
	webtest.MustContain(t, page, "276–300 arası gösteriliyor", `rel="prev"`)

	// Kadıköy alone: 120 in five pages, none from elsewhere.
	k := b.Page("/races/"+raceIST+"/conflicts?ilce="+qKadikoy, http.StatusOK)
	webtest.MustContain(t, k, "1–25 arası gösteriliyor, toplam 120 çelişki", "Sayfa 1 / 5", `<option value="34.03" selected>Kadıköy (120)</option>`,
		`href="/races/IST-BB/conflicts?ilce=34.03&amp;page=2"`)
	k3 := b.Page("/races/"+raceIST+"/conflicts?ilce="+qKadikoy+"&page=5", http.StatusOK)
	boxes := queueBoxes(k3)
	if len(boxes) != 20 || strings.Contains(k3, `rel="next"`) {
		t.Fatalf("Kadıköy page 5: %d boxes", len(boxes))
	}
	for _, x := range append(queueBoxes(k), boxes...) {
		if !strings.HasPrefix(x, qKadikoy+".") {
			t.Fatalf("box %s outside Kadıköy on its page", x)
		}
	}
	// A page past the end shows the last.
	webtest.MustContain(t, b.Page("/races/"+raceIST+"/conflicts?ilce="+qKadikoy+"&page=40", http.StatusOK), "101–120 arası")

	// Wrong parameters are refused, naming the field.
	for _, bad := range []string{"?ilce=34.99", "?ilce=34.03.01", "?page=0", "?page=iki"} {
		r := b.Get("/races/" + raceIST + "/conflicts" + bad)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "Gönderilen veri geçerli değil") ||
			strings.Contains(string(r.Body), "not valid") {
			t.Errorf("%s: %d, not refused in Turkish: %.200s", bad, r.Status, r.Body)
		}
	}
}

// A district coordinator's queue holds their district alone: its count,
// its filter and its pages; another district's filter shows nothing.
func TestConflictQueueScopedToTheUsersAreas(t *testing.T) {
	e := newQueueEnv(t)
	queueConflicts(t, e)
	b := e.Browser(coordKadik)
	body := b.Page("/races/"+raceIST+"/conflicts", http.StatusOK)
	webtest.MustContain(t, body, "Bekleyen çelişki: 120", "Sayfa 1 / 5")
	var opts []string
	for _, m := range queueOption.FindAllStringSubmatch(body, -1) {
		opts = append(opts, m[3])
	}
	if strings.Join(opts, "|") != "Tüm ilçeler (120)|Kadıköy (120)" {
		t.Fatalf("a Kadıköy coordinator is offered %q", opts)
	}
	for _, x := range queueBoxes(body) {
		if !strings.HasPrefix(x, qKadikoy+".") {
			t.Fatalf("box %s outside the coordinator's district", x)
		}
	}
	other := b.Page("/races/"+raceIST+"/conflicts?ilce="+qAvcilar, http.StatusOK)
	if n := len(queueBoxes(other)); n != 0 || !strings.Contains(other, "Bu ilçede bekleyen çelişki yok.") || strings.Contains(other, "0–0") {
		t.Fatalf("Avcılar through a Kadıköy coordinator: %d boxes", n)
	}
}

// The live stream of a page tells its own page's signature and range:
// a conflict that arrives on another page does not say "changed".
func TestConflictQueueLiveSignatureIsThePages(t *testing.T) {
	e := newQueueEnv(t)
	queueConflicts(t, e)
	b := e.Browser(coordinator)
	page := b.Page("/races/"+raceIST+"/conflicts?ilce="+qKadikoy, http.StatusOK)
	sig := regexp.MustCompile(`data-sig="([^"]+)"`).FindStringSubmatch(page)[1]
	s := b.Stream(t.Context(), "/races/"+raceIST+"/conflicts/live?ilce="+qKadikoy+"&page=1")
	if p := next(t, s); p.Sig != sig || p.K["range"] != "1–25 arası gösteriliyor, toplam 120 çelişki" {
		t.Fatalf("first event: sig %s (page %s), %q", p.Sig, sig, p.K["range"])
	}
	// A new conflict in Avcılar: Kadıköy's first page is as it was.
	box := qBox(1, 99)
	e.Submit(observer1, sheet("qx-a", raceIST, box, 100, 90, 10))
	e.Settle(e.Submit(observer2, sheet("qx-b", raceIST, box, 100, 80, 20)).Seq)
	for {
		p := next(t, s)
		if p.K["count"] == "Bekleyen çelişki: 301 (en eskisi önce)" {
			if p.Sig != sig {
				t.Fatalf("a conflict elsewhere changed the page's signature")
			}
			break
		}
	}
}

// BenchmarkConflictQueuePage draws one page of 25 of a queue of 300,
// filtered by district, each box with its entries read from SQLite.
func BenchmarkConflictQueuePage(b *testing.B) {
	e := newQueueEnv(b)
	queueConflicts(b, e)
	br := e.Browser(coordinator)
	for b.Loop() {
		if r := br.Get("/races/" + raceIST + "/conflicts?ilce=" + qKadikoy + "&page=2"); r.Status != http.StatusOK {
			b.Fatal(r.Status)
		}
	}
}
