package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/anomaly"
)

const comparisonPath = "/races/" + raceIST + "/areas/34/comparison"

// The tuning form shows the thresholds in force; a coordinator saves them
// for everyone, and everyone — another coordinator, a lawyer, the API —
// sees the saved values next time.
func TestComparisonSavesThresholds(t *testing.T) {
	e := newEnv(t)
	e.official(box1, 100, 90, 10) // 68% turnout
	coord := e.browser(coordinator)
	page := coord.page(comparisonPath, http.StatusOK)
	mustContain(t, page, "Yerel seçimler 2019 için varsayılan eşikler geçerli", `name="version" value="0"`,
		`formaction="`+comparisonPath+`/thresholds"`, "Kaydet — herkes için", "Varsayılana dön (herkes için)",
		"Katılım üst sınırı (%)", `name="turnout_max_percent" value="100"`, "varsayılan: 100", "Bu eşiklerle olağan dışı sandık yok.")
	form := thresholdsForm(e)
	form.Set("turnout_max_percent", "50")
	form.Set("turnout_z", "4.5")
	r := coord.post(comparisonPath+"/thresholds", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != comparisonPath+"?saved=1" {
		t.Fatalf("save: %d %v %.300s", r.status, r.header, r.body)
	}
	page = coord.page(comparisonPath+"?saved=1", http.StatusOK)
	mustContain(t, page, "Eşikler herkes için kaydedildi.", "Yerel seçimler 2019 için kayıtlı eşikler: sürüm 1, kaydeden coord",
		`name="turnout_max_percent" value="50"`, `name="turnout_z" value="4.5"`, `name="version" value="1"`, "turnout_over_100")
	cur := currentThresholds(e)
	want := anomaly.DefaultThresholds()
	want.TurnoutMaxPercent, want.TurnoutZ = 50, 4.5
	if cur.Thresholds != want || cur.Version != 1 || cur.UpdatedBy != coordinator {
		t.Fatalf("the API after a save on the page: %+v", cur)
	}
	// A lawyer sees the saved thresholds and their flags, may tune the
	// view, but has no save button.
	law := e.browser(lawyer)
	page = law.page(comparisonPath, http.StatusOK)
	mustContain(t, page, `name="turnout_max_percent" value="50"`, "turnout_over_100", "yalnız bu görünüm için")
	if strings.Contains(page, "Kaydet — herkes için") || strings.Contains(page, `name="version"`) {
		t.Error("a lawyer's page offers to save")
	}
	page = law.page(comparisonPath+"?turnout_max_percent=100", http.StatusOK)
	mustContain(t, page, `name="turnout_max_percent" value="100"`, "Bu görünüm için ayarlanmış eşikler kullanılıyor", "Bu eşiklerle olağan dışı sandık yok.")
	if r := law.post(comparisonPath+"/thresholds", thresholdsForm(e)); r.status != http.StatusForbidden {
		t.Errorf("a lawyer's save: %d", r.status)
	}
	// Back to the defaults, for everyone.
	form = thresholdsForm(e)
	form.Set("turnout_max_percent", "77") // ignored: reset saves the defaults
	form.Set("reset", "1")
	if r := coord.post(comparisonPath+"/thresholds", form); r.status != http.StatusSeeOther {
		t.Fatalf("reset: %d %.300s", r.status, r.body)
	}
	if cur := currentThresholds(e); cur.Thresholds != anomaly.DefaultThresholds() || cur.Version != 2 {
		t.Fatalf("after a reset: %+v", cur)
	}
	// In English.
	page = e.browser(admin).page(comparisonPath+"?lang=en", http.StatusOK)
	mustContain(t, page, "Save for everyone", "Reset to defaults (for everyone)", "Thresholds saved for Yerel seçimler 2019: version 2, by coord",
		"Highest turnout (%)", "default: 1e-05")
}

// A save with bad values shows the page again with what was sent and
// what is wrong with each field; nothing is saved.
func TestComparisonThresholdsInvalid(t *testing.T) {
	e := newEnv(t)
	b := e.browser(coordinator)
	form := thresholdsForm(e)
	form.Set("min_group_size", "2")
	form.Set("turnout_z", "abc")
	form.Set("invalid_z", "")
	r := b.post(comparisonPath+"/thresholds", form)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid save: %d %.300s", r.status, r.body)
	}
	page := string(r.body)
	mustContain(t, page, "Eşikler kaydedilmedi: işaretli alanları düzeltin.", `name="min_group_size" value="2"`, `name="turnout_z" value="abc"`,
		"must be between 3 and 10000 (got 2)", "must be a number", "Boş bırakılamaz.", `href="/lang/en`)
	if n := strings.Count(page, `aria-invalid="true"`); n != 3 {
		t.Errorf("%d fields marked invalid, want 3", n)
	}
	if cur := currentThresholds(e); cur.Version != 0 {
		t.Fatalf("an invalid save was stored: %+v", cur)
	}
	if r := b.post(comparisonPath+"/thresholds", url.Values{"min_group_size": {"9"}}); r.status != http.StatusBadRequest {
		t.Errorf("a form without a version: %d", r.status)
	}
}

// A save made on a version someone else has saved over is refused and
// says who saved; the values typed are kept, now on the new version.
func TestComparisonThresholdsStale(t *testing.T) {
	e := newEnv(t)
	b := e.browser(coordinator)
	stale := thresholdsForm(e) // version 0
	stale.Set("turnout_z", "7")
	e.do("PUT", "/api/v1/anomaly-thresholds", admin, map[string]any{"version": 0, "thresholds": tight()}).decode(t, http.StatusOK, nil)
	r := b.post(comparisonPath+"/thresholds", stale)
	if r.status != http.StatusConflict {
		t.Fatalf("stale save: %d %.300s", r.status, r.body)
	}
	mustContain(t, string(r.body), "Siz düzenlerken eşikleri admin değiştirdi (sürüm 1", `name="turnout_z" value="7"`, `name="version" value="1"`)
	if cur := currentThresholds(e); cur.Thresholds != tight() || cur.Version != 1 {
		t.Fatalf("a stale save was stored: %+v", cur)
	}
}

// The form posts are refused from another site, like every page post.
func TestComparisonThresholdsCrossSite(t *testing.T) {
	e := newEnv(t)
	b := e.browser(coordinator)
	r := b.post(comparisonPath+"/thresholds", thresholdsForm(e), "Sec-Fetch-Site", "cross-site")
	if r.status != http.StatusForbidden {
		t.Fatalf("cross-site save: %d", r.status)
	}
	r = b.post(comparisonPath+"/thresholds", thresholdsForm(e), "Origin", "https://evil.example")
	if r.status != http.StatusForbidden {
		t.Fatalf("save from another origin: %d", r.status)
	}
	if cur := currentThresholds(e); cur.Version != 0 {
		t.Fatalf("a cross-site save was stored: %+v", cur)
	}
}
