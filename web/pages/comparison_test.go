package pages

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

const comparisonPath = "/races/" + raceIST + "/areas/34/comparison"

// The tuning form shows the thresholds in force; a coordinator saves them
// for everyone, and everyone — another coordinator, a lawyer, the API —
// sees the saved values next time.
func TestComparisonSavesThresholds(t *testing.T) {
	e := newEnv(t)
	e.Official(box1, 100, 90, 10) // 68% turnout
	coord := e.Browser(coordinator)
	page := coord.Page(comparisonPath, http.StatusOK)
	webtest.MustContain(t, page, "Yerel seçimler 2019 için varsayılan eşikler geçerli", `name="version" value="0"`,
		`formaction="`+comparisonPath+`/thresholds"`, "Kaydet — herkes için", "Varsayılana dön (herkes için)",
		"Katılım üst sınırı (%)", `name="turnout_max_percent" value="100"`, "varsayılan: 100", "Bu eşiklerle olağan dışı sandık yok.")
	form := e.ThresholdsForm()
	form.Set("turnout_max_percent", "50")
	form.Set("turnout_z", "4.5")
	r := coord.Post(comparisonPath+"/thresholds", form)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != comparisonPath+"?saved=1" {
		t.Fatalf("save: %d %v %.300s", r.Status, r.Header, r.Body)
	}
	page = coord.Page(comparisonPath+"?saved=1", http.StatusOK)
	webtest.MustContain(t, page, "Eşikler herkes için kaydedildi.", "Yerel seçimler 2019 için kayıtlı eşikler: sürüm 1, kaydeden coord",
		`name="turnout_max_percent" value="50"`, `name="turnout_z" value="4.5"`, `name="version" value="1"`, "(katılım %100")
	cur := currentThresholds(e)
	want := anomaly.DefaultThresholds()
	want.TurnoutMaxPercent, want.TurnoutZ = 50, 4.5
	if cur.Thresholds != want || cur.Version != 1 || cur.UpdatedBy != coordinator {
		t.Fatalf("the thresholds in force after a save on the page: %+v", cur)
	}
	// A lawyer sees the saved thresholds and their flags, may tune the
	// view, but has no save button.
	law := e.Browser(lawyer)
	page = law.Page(comparisonPath, http.StatusOK)
	webtest.MustContain(t, page, `name="turnout_max_percent" value="50"`, "(katılım %100", "yalnız bu görünüm için")
	if strings.Contains(page, "Kaydet — herkes için") || strings.Contains(page, `name="version"`) {
		t.Error("a lawyer's page offers to save")
	}
	page = law.Page(comparisonPath+"?turnout_max_percent=100", http.StatusOK)
	webtest.MustContain(t, page, `name="turnout_max_percent" value="100"`, "Bu görünüm için ayarlanmış eşikler kullanılıyor", "Bu eşiklerle olağan dışı sandık yok.")
	if r := law.Post(comparisonPath+"/thresholds", e.ThresholdsForm()); r.Status != http.StatusForbidden {
		t.Errorf("a lawyer's save: %d", r.Status)
	}
	// Back to the defaults, for everyone.
	form = e.ThresholdsForm()
	form.Set("turnout_max_percent", "77") // ignored: reset saves the defaults
	form.Set("reset", "1")
	if r := coord.Post(comparisonPath+"/thresholds", form); r.Status != http.StatusSeeOther {
		t.Fatalf("reset: %d %.300s", r.Status, r.Body)
	}
	if cur := currentThresholds(e); cur.Thresholds != anomaly.DefaultThresholds() || cur.Version != 2 {
		t.Fatalf("after a reset: %+v", cur)
	}
	// In English.
	page = e.Browser(admin).Page(comparisonPath+"?lang=en", http.StatusOK)
	webtest.MustContain(t, page, "Save for everyone", "Reset to defaults (for everyone)", "Thresholds saved for Yerel seçimler 2019: version 2, by coord",
		"Highest turnout (%)", "default: 1e-05")
}

// A save with bad values shows the page again with what was sent and
// what is wrong with each field; nothing is saved.
func TestComparisonThresholdsInvalid(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(coordinator)
	form := e.ThresholdsForm()
	form.Set("min_group_size", "2")
	form.Set("turnout_z", "abc")
	form.Set("invalid_z", "")
	r := b.Post(comparisonPath+"/thresholds", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid save: %d %.300s", r.Status, r.Body)
	}
	page := string(r.Body)
	webtest.MustContain(t, page, "Eşikler kaydedilmedi: işaretli alanları düzeltin.", `name="min_group_size" value="2"`, `name="turnout_z" value="abc"`,
		"must be between 3 and 10000 (got 2)", "must be a number", "Boş bırakılamaz.", `href="/lang/en`)
	if n := strings.Count(page, `aria-invalid="true"`); n != 3 {
		t.Errorf("%d fields marked invalid, want 3", n)
	}
	if cur := currentThresholds(e); cur.Version != 0 {
		t.Fatalf("an invalid save was stored: %+v", cur)
	}
	if r := b.Post(comparisonPath+"/thresholds", url.Values{"min_group_size": {"9"}}); r.Status != http.StatusBadRequest {
		t.Errorf("a form without a version: %d", r.Status)
	}
}

// A save made on a version someone else has saved over is refused and
// says who saved; the values typed are kept, now on the new version.
func TestComparisonThresholdsStale(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(coordinator)
	stale := e.ThresholdsForm() // version 0
	stale.Set("turnout_z", "7")
	if _, err := e.Center.SaveThresholds(t.Context(), e.User(admin), webtest.Election, webtest.Tight(), 0); err != nil {
		t.Fatal(err)
	}
	r := b.Post(comparisonPath+"/thresholds", stale)
	if r.Status != http.StatusConflict {
		t.Fatalf("stale save: %d %.300s", r.Status, r.Body)
	}
	webtest.MustContain(t, string(r.Body), "Siz düzenlerken eşikleri admin değiştirdi (sürüm 1", `name="turnout_z" value="7"`, `name="version" value="1"`)
	if cur := currentThresholds(e); cur.Thresholds != webtest.Tight() || cur.Version != 1 {
		t.Fatalf("a stale save was stored: %+v", cur)
	}
}

// The form posts are refused from another site, like every page post.
func TestComparisonThresholdsCrossSite(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(coordinator)
	r := b.Post(comparisonPath+"/thresholds", e.ThresholdsForm(), "Sec-Fetch-Site", "cross-site")
	if r.Status != http.StatusForbidden {
		t.Fatalf("cross-site save: %d", r.Status)
	}
	r = b.Post(comparisonPath+"/thresholds", e.ThresholdsForm(), "Origin", "https://evil.example")
	if r.Status != http.StatusForbidden {
		t.Fatalf("save from another origin: %d", r.Status)
	}
	if cur := currentThresholds(e); cur.Version != 0 {
		t.Fatalf("a cross-site save was stored: %+v", cur)
	}
}

// currentThresholds reads the thresholds in force for the fixture's
// election.
func currentThresholds(e *env) center.ElectionThresholds {
	e.T.Helper()
	cur, err := e.Center.Thresholds(e.T.Context(), webtest.Election)
	if err != nil {
		e.T.Fatal(err)
	}
	return cur
}
