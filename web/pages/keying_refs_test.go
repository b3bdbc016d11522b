package pages

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// A photo an observer network keeps on its own server (its image_url,
// as in the Oy ve Ötesi export) is a link out on the box page — the
// address itself, opened in a new tab without the referrer — and never
// an image loaded into the page.
func TestBoxPagePhotoReference(t *testing.T) {
	e := newEnv(t)
	const ref = "https://api-secim.oyveotesi.org/image/secim-images.oyveotesi.org/oyveotesi/raw/server/1881_bulk_0a1b_2c3d.jpg"
	n, err := e.Center.ImportSheetPhotoRefs(t.Context(), []sandik.SheetPhoto{{Race: raceIST, Box: box1, By: "ovo", URL: ref}})
	if err != nil || n != 1 {
		t.Fatalf("reference: %d %v", n, err)
	}
	body := e.Browser(coordinator).Page("/races/"+raceIST+"/boxes/"+box1, http.StatusOK)
	webtest.MustContain(t, body, `<a href="`+ref+`" rel="noopener noreferrer nofollow" target="_blank">`, "api-secim.oyveotesi.org")
	if strings.Contains(body, `<img src="`+ref) || strings.Contains(body, "/api/v1/photos/"+sandik.RefSum(ref)) {
		t.Errorf("the reference is loaded or served here")
	}
}

// A photo kept elsewhere that a volunteer sends to the coordinators is
// opened there from the keying figures' page, at its address.
func TestReportedPhotoReference(t *testing.T) {
	e := newEnv(t)
	const ref = "https://api-secim.oyveotesi.org/image/secim-images.oyveotesi.org/oyveotesi/raw/client/22499_cb_1a_2b.jpg"
	if _, err := e.Center.ImportSheetPhotoRefs(t.Context(), []sandik.SheetPhoto{{Race: raceIST, Box: box2, By: "ovo", URL: ref}}); err != nil {
		t.Fatal(err)
	}
	vol := sandik.User{ID: "rvol", Name: "Gönüllü", Role: sandik.RoleVolunteer}
	e.AddUser(vol)
	task, ok, err := e.Center.NextSheet(t.Context(), vol)
	if err != nil || !ok || task.PhotoURL != ref {
		t.Fatalf("handed %+v %v %v", task, ok, err)
	}
	if err := e.Center.ReportSheet(t.Context(), vol, task.Lease, sandik.ReportUnreadable); err != nil {
		t.Fatal(err)
	}
	body := e.Browser(coordinator).Page("/anahtarlama/durum", http.StatusOK)
	webtest.MustContain(t, body, `<a href="`+ref+`" rel="noopener noreferrer nofollow" target="_blank">`)
}
