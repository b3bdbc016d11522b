package pages

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// feedChange publishes a corrected official figure of Adalar's box 1 as a
// feed would: AK PARTİ 100 → 120, CHP 120 → 100.
func feedChange(t testing.TB, e *webtest.Env) center.FeedResult {
	t.Helper()
	res, err := e.Center.RecordOfficial(context.Background(), center.FeedBatch{SourceURL: "https://ysk.example/il/34.json", SeenAt: time.Date(2019, 3, 31, 0, 12, 0, 0, time.UTC),
		Sheets: []sandik.ImportedSheet{{Race: webtest.Election + ".meclis.adalar", Box: webtest.Box1, User: "ysk", Source: sandik.SourceOfficial,
			Sheet: sandik.Tutanak{Registered: 300, Voted: 230, ValidWithoutObjection: 220, ValidTotal: 220, Invalid: 10, Votes: []int64{120, 100}}}}})
	if err != nil || len(res.Alerts) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if err := e.Center.WaitFor(context.Background(), res.LastSeq); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestFeedPages(t *testing.T) {
	e := newScopedEnv(t)
	webtest.RollupFixture(t, e.Env)
	b := e.Browser(coordinator)
	if html := b.Page("/resmi", http.StatusOK); !strings.Contains(html, "Henüz uyarı yok") {
		t.Errorf("alerts page before any change lacks the empty notice")
	}
	feedChange(t, e.Env)
	html := b.Page("/resmi", http.StatusOK)
	for _, want := range []string{"Adalar, Sandık 1001", "Resmî rakam değişti", "AK PARTİ &#43;20, CHP −20", "31.03.2019 03:12:00", `href="https://ysk.example/il/34.json"`,
		`href="/races/2019-YEREL.meclis.adalar/boxes/34.01.01.01/resmi"`} {
		if !strings.Contains(html, want) {
			t.Errorf("alerts page lacks %q", want)
		}
	}
	vs := b.Page("/races/2019-YEREL.meclis.adalar/boxes/34.01.01.01/resmi", http.StatusOK)
	for _, want := range []string{"Sürüm 1", "Sürüm 2", "elle içe aktarılan dosya", "ilk yayın", "AK PARTİ &#43;20, CHP −20", `<strong class="diffmark">120</strong>`, "31.03.2019 03:12:00"} {
		if !strings.Contains(vs, want) {
			t.Errorf("versions page lacks %q", want)
		}
	}
	box := b.Page("/races/2019-YEREL.meclis.adalar/boxes/34.01.01.01", http.StatusOK)
	if !strings.Contains(box, `id="official-versions"`) {
		t.Errorf("box page lacks the link to its official versions")
	}
	// Beşiktaş is outside Adalar's coordinator; so are its alerts.
	sb := e.Browser(webtest.CoordAdal)
	if r := sb.Get("/races/2019-YEREL.meclis.besiktas/boxes/" + webtest.Box3 + "/resmi"); r.Status != http.StatusForbidden {
		t.Errorf("Beşiktaş's versions for Adalar's coordinator: %d", r.Status)
	}
	if html := sb.Page("/resmi", http.StatusOK); !strings.Contains(html, "Adalar, Sandık 1001") {
		t.Errorf("Adalar's coordinator does not see Adalar's alert")
	}
}
