package pages

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

func pageJPEG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	img.Set(1, 1, color.RGBA{10, 200, 10, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// visitPagesFixture adds, on top of the meeting pages' organisation, a
// tour (tur-1), a visit of it (z-1) with a commitment and a photo, and a
// pair of the two districts; it returns the photo's sum.
func visitPagesFixture(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	ph, err := e.Center.PutPhoto(ctx, setup, pageJPEG(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Center.CreateTour(ctx, setup, sandik.Tour{ID: "tur-1", Title: "İlçe turu", Unit: "34",
		Stops: []sandik.TourStop{{Unit: "34.01", Planned: "2019-03-20"}, {Unit: "34.02", Planned: "2019-03-21"}}}); err != nil {
		t.Fatal(err)
	}
	v := sandik.Visit{ID: "z-1", FromUnit: "34", Visitors: []sandik.PersonID{"k-bes"}, Target: sandik.VisitTarget{Unit: "34.01"},
		Kind: sandik.VisitEvaluation, At: webtest.Now.Add(-48 * time.Hour), Photos: []string{ph.Sum}, Tour: "tur-1"}
	if _, _, err := e.Center.RecordVisit(ctx, setup, v, []sandik.Commitment{{ID: "zt-1", Text: "Gençlik kolu kurulacak", OwnerUnit: "34.01", Due: "2019-03-25"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Center.CreateSisterPair(ctx, setup, sandik.SisterPair{ID: "kp-1", Units: []sandik.UnitCode{"34.02", "34.01"}, Start: "2019-01-01",
		Goals: []sandik.SisterGoal{{Metric: sandik.MetricVisits, Unit: "34.01", From: 0, Target: 4, By: "2019-12-31"}}}); err != nil {
		t.Fatal(err)
	}
	return ph.Sum
}

// visitForm is the phone's form as multipart, with a photo.
func visitForm(t testing.TB, b *webtest.Browser, fields url.Values, photo []byte) webtest.Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if photo != nil {
		part, _ := mw.CreateFormFile("photo", "foto.jpg")
		part.Write(photo)
	}
	mw.Close()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", b.Env.HTTP.URL+"/ziyaretler", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.Send(req)
}

// visitPageRequest is a valid request of a visits page as user, for
// the page matrix.
func visitPageRequest(t testing.TB, b *webtest.Browser, p, user, sum string) (webtest.Response, bool) {
	switch p {
	case "POST /ziyaretler":
		return visitForm(t, b, url.Values{"from_unit": {"34"}, "target": {"34.02"}, "kind": {"tebrik"}, "at": {"2019-03-30T10:00"},
			"visitors": {"k-bes"}, "c1_text": {"Söz " + user}, "c1_owner": {"34.02"}, "c1_due": {"2019-04-10"}}, nil), true
	case "GET /ziyaretler/{id}":
		return b.Get("/ziyaretler/z-1"), true
	case "GET /ziyaretler/foto/{sha256}":
		return b.Get("/ziyaretler/foto/" + sum), true
	case "POST /taahhutler/{id}":
		return b.Post("/taahhutler/zt-1", url.Values{"status": {"open"}}), true
	case "POST /turlar":
		return b.Post("/turlar", url.Values{"title": {"Tur " + user}, "unit": {"34"}, "start": {"2019-04-01"}, "stop": {"34.01"}}), true
	case "GET /turlar/{id}":
		return b.Get("/turlar/tur-1"), true
	case "POST /turlar/{id}/durak/{unit}":
		return b.Post("/turlar/tur-1/durak/34.02", url.Values{"status": {"postponed"}, "planned": {"2019-05-01"}}), true
	case "GET /karne/{unit}":
		return b.Get("/karne/34.01"), true
	case "POST /kardes":
		return b.Post("/kardes", url.Values{"a": {"34.01"}, "b": {"34.02"}, "start": {"2019-03-01"}}), true
	}
	return webtest.Response{}, false
}

// TestVisitPages: a coordinator records a visit from the phone form with
// a photo and a commitment, due yesterday; the visit's page shows the
// photo, the board shows the commitment overdue, the scorecard counts it,
// the tour's map marks its stop, the table sorts and exports, and the
// pair's goal shows its progress. Adalar's coordinator sees Beşiktaş's
// scorecard (a sister) but not its commitments.
func TestVisitPages(t *testing.T) {
	e := newEnv(t)
	meetingPagesFixture(t, e)
	sum := visitPagesFixture(t, e)
	e.AddScoped()
	b := e.Browser(coordinator)
	r := visitForm(t, b, url.Values{"from_unit": {"34"}, "target": {"34.02"}, "kind": {"tebrik"}, "at": {"2019-03-30T10:00"},
		"visitors": {"k-bes"}, "tour": {"tur-1"}, "c1_text": {"Park projesi"}, "c1_owner": {"34.02"}, "c1_due": {"2019-03-30"}}, pageJPEG(t))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/ziyaretler/") {
		t.Fatalf("record: %d %s %.300s", r.Status, r.Header.Get("Location"), r.Body)
	}
	page := b.Page(r.Header.Get("Location"), http.StatusOK)
	if !strings.Contains(page, "Park projesi") || !strings.Contains(page, `<img src="/ziyaretler/foto/`) || !strings.Contains(page, "Gecikmiş") {
		t.Errorf("visit page: %.2000s", page)
	}
	photo := b.Get("/ziyaretler/foto/" + sum)
	if photo.Status != http.StatusOK || photo.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(photo.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("photo %d %v", photo.Status, photo.Header)
	}
	board := b.Page("/taahhutler", http.StatusOK)
	if i, j := strings.Index(board, "Park projesi"), strings.Index(board, "commit.state"); i < 0 || j >= 0 {
		t.Errorf("board: %.2000s", board)
	}
	card := b.Page("/karne/34.02", http.StatusOK)
	if !strings.Contains(card, "1 açık, 1 gecikmiş") {
		t.Errorf("scorecard of Beşiktaş: %.3000s", card)
	}
	tour := b.Page("/turlar/tur-1", http.StatusOK)
	if strings.Count(tour, `data-status="visited"`) != 2 || !strings.Contains(tour, "<svg") || !strings.Contains(tour, "#1a7f37") {
		t.Errorf("tour: %.3000s", tour)
	}
	table := b.Page("/karne?alan=34&sirala=visits&azalan=1", http.StatusOK)
	if i, j := strings.Index(table, "Adalar"), strings.Index(table, "Beşiktaş"); i < 0 || j < 0 || !strings.Contains(table, `aria-sort="descending"`) {
		t.Errorf("table: %.3000s", table)
	}
	csv := b.Get("/karne.csv?alan=34")
	if csv.Status != http.StatusOK || !strings.Contains(string(csv.Body), "İlçe;Oy oranı") {
		t.Errorf("csv: %d %.300s", csv.Status, csv.Body)
	}
	if x := b.Get("/karne.xlsx?alan=34"); x.Status != http.StatusOK || !bytes.HasPrefix(x.Body, []byte("PK")) {
		t.Errorf("xlsx: %d", x.Status)
	}
	sisters := b.Page("/kardes?alan=34", http.StatusOK)
	if !strings.Contains(sisters, "Adalar ziyaret sayısı") || !strings.Contains(sisters, `<progress max="100" value="25"`) {
		t.Errorf("sisters: %.3000s", sisters)
	}
	bad := e.Browser(webtest.CoordAdal)
	// Adalar and Beşiktaş are sisters: each reads the other's scorecard
	// (the centre's tests hold a third district out).
	if r := bad.Get("/karne/34.02"); r.Status != http.StatusOK {
		t.Errorf("Adalar reads its sister Beşiktaş's scorecard: %d", r.Status)
	}
	if r := bad.Get("/ziyaretler/foto/" + sum); r.Status != http.StatusOK {
		t.Errorf("Adalar reads the photo of a visit to Adalar: %d", r.Status)
	}
	if page := bad.Page("/taahhutler", http.StatusOK); strings.Contains(page, "Park projesi") {
		t.Errorf("Adalar's board shows Beşiktaş's commitment")
	}
	if r := visitForm(t, b, url.Values{"from_unit": {"34"}, "target": {"34.02"}, "kind": {"tebrik"}, "at": {"2019-03-30T10:00"}, "visitors": {"k-bes"}},
		[]byte("<html>not a photo</html>")); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "JPEG") {
		t.Errorf("html as a photo: %d %.300s", r.Status, r.Body)
	}
}
