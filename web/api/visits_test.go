package api

import (
	"bytes"
	"context"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

func testJPEG(t testing.TB, shade uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		img.Set(x, 5, color.RGBA{shade, 40, 90, 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gpsAPP1 is an EXIF segment carrying a GPS latitude of 41° 0' 3".
var gpsLat = []byte{0, 0, 0, 41, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 1}

func withEXIF(b []byte) []byte {
	payload := append([]byte("Exif\x00\x00MM\x00\x2aGPS"), gpsLat...)
	seg := []byte{0xff, 0xe1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{0xff, 0xd8}, seg...)
	out = append(out, payload...)
	return append(out, b[2:]...)
}

// visitFixture gives every user of the matrix a visit, a commitment and
// a tour of their own, ids "m-<user>", and a photo held by their visit.
func visitFixture(t *testing.T, e *webtest.Env) string {
	t.Helper()
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	ph, err := e.Center.PutPhoto(ctx, setup, testJPEG(t, 10))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{observer1, volunteer, coordinator, webtest.Admin, lawyer} {
		tv, err := e.Center.CreateTour(ctx, setup, sandik.Tour{ID: sandik.TourID("m-" + id), Title: "Tur", Unit: "34",
			Stops: []sandik.TourStop{{Unit: "34.01", Planned: "2024-05-10"}, {Unit: "34.02", Planned: "2024-05-11"}}})
		if err != nil {
			t.Fatal(err, tv)
		}
		v := sandik.Visit{ID: sandik.VisitID("m-" + id), FromUnit: "34", Visitors: []sandik.PersonID{"m-" + sandik.PersonID(id)},
			Target: sandik.VisitTarget{Unit: "34.01"}, Kind: sandik.VisitEvaluation, At: webtest.Now, Photos: []string{ph.Sum}}
		if _, _, err := e.Center.RecordVisit(ctx, setup, v, []sandik.Commitment{{ID: sandik.CommitmentID("m-" + id), Text: "Söz", OwnerUnit: "34.01", Due: "2024-05-20"}}); err != nil {
			t.Fatal(err)
		}
	}
	return ph.Sum
}

// visitRequest is a valid request of a visits route as user, for the
// authorisation matrix.
func visitRequest(p, path, user, sum string) (string, any, bool) {
	switch p {
	case "POST /api/v1/visits":
		return path, map[string]any{"visit": map[string]any{"id": "mv-" + user, "from_unit": "34", "visitors": []string{"m-" + user}, "target": map[string]any{"unit": "34.02"},
			"kind": "tebrik", "at": "2024-05-10T10:00:00+03:00"}, "commitments": []any{map[string]any{"text": "Söz", "owner_unit": "34.02", "due": "2024-06-01"}}}, true
	case "POST /api/v1/visits/photos":
		return path, testJPEG(nil, byte(len(user))), true
	case "GET /api/v1/visits/photos/{sha256}":
		return strings.Replace(path, "{sha256}", sum, 1), nil, true
	case "POST /api/v1/commitments":
		return path, map[string]any{"visit": "m-" + user, "text": "Devam", "owner_unit": "34.01", "due": "2024-06-01", "follows": "m-" + user}, true
	case "PUT /api/v1/commitments/{id}":
		return path, map[string]any{"status": "done"}, true
	case "POST /api/v1/tours":
		return path, map[string]any{"id": "mt-" + user, "title": "Tur", "unit": "34", "stops": []any{map[string]any{"unit": "34.01", "planned": "2024-06-01"}}}, true
	case "PUT /api/v1/tours/{id}/stops/{unit}":
		return strings.Replace(path, "{unit}", "34.02", 1), map[string]any{"status": "postponed", "planned": "2024-07-01"}, true
	case "GET /api/v1/tours/unvisited":
		return path + "?unit=34", nil, true
	case "GET /api/v1/scorecards":
		return path + "?area=34&sort=visits&desc=true", nil, true
	case "GET /api/v1/scorecards/{unit}":
		return strings.Replace(path, "{unit}", "34.01", 1), nil, true
	case "POST /api/v1/sister-pairs":
		return path, map[string]any{"id": "mp-" + user, "units": []string{"34.01", "34.02"}, "start": "2024-05-01", "goals": []any{}}, true
	case "GET /api/v1/sister-pairs/suggestions":
		return path + "?area=34", nil, true
	}
	return path, nil, false
}

// TestVisitOverHTTP: a coordinator uploads a photo with GPS in it and
// records a visit with two commitments; the photo comes back without the
// GPS, as an attachment; Adalar's coordinator can read neither the visit
// nor the photo of Beşiktaş, and a bad visit names its field.
func TestVisitOverHTTP(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	e.AddScoped()
	var ph struct {
		Sum string `json:"sha256"`
	}
	e.Do("POST", "/api/v1/visits/photos", coordinator, withEXIF(testJPEG(t, 77)), "Content-Type", "image/jpeg").Decode(t, http.StatusCreated, &ph)
	d := e.Do("POST", "/api/v1/visits/photos", coordinator, "<html>", "Content-Type", "image/jpeg").APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) != 1 || d.Problems[0].Field != "photo" || !strings.Contains(d.Problems[0].Message, "JPEG") {
		t.Errorf("html as a photo: %+v", d)
	}
	body := map[string]any{"visit": map[string]any{"from_unit": "34", "visitors": []string{"k-bes"}, "target": map[string]any{"unit": "34.02"},
		"kind": "tebrik", "at": "2019-03-20T10:00:00+03:00", "photos": []string{ph.Sum}},
		"commitments": []any{
			map[string]any{"text": "Park projesi", "owner_unit": "34.02", "due": "2019-03-01"},
			map[string]any{"text": "Gençlik kolu", "owner_person": "k-bes", "due": "2099-06-01"},
		}}
	var created struct {
		Visit       sandik.Visit        `json:"visit"`
		Commitments []sandik.Commitment `json:"commitments"`
	}
	e.Do("POST", "/api/v1/visits", coordinator, body).Decode(t, http.StatusCreated, &created)
	if created.Visit.Area != "34.02" || len(created.Commitments) != 2 {
		t.Fatalf("created %+v", created)
	}
	r := e.Do("GET", "/api/v1/visits/photos/"+ph.Sum, coordinator, nil)
	if r.Status != http.StatusOK || bytes.Contains(r.Body, gpsLat) || bytes.Contains(r.Body, []byte("Exif")) {
		t.Errorf("photo: %d, GPS kept: %v", r.Status, bytes.Contains(r.Body, gpsLat))
	}
	if h := r.Header; h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("Content-Type") != "image/jpeg" {
		t.Errorf("photo headers %v", h)
	}
	for _, path := range []string{"/api/v1/visits/photos/" + ph.Sum, "/api/v1/visits/" + string(created.Visit.ID), "/api/v1/scorecards/34.02"} {
		if r := e.Do("GET", path, webtest.CoordAdal, nil); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
			t.Errorf("Adalar's coordinator reads %s: %d", path, r.Status)
		}
	}
	var board struct {
		Commitments []sandik.Commitment `json:"commitments"`
		Board       sandik.DueBoard     `json:"board"`
	}
	e.Do("GET", "/api/v1/commitments?area=34", coordinator, nil).Decode(t, http.StatusOK, &board)
	if len(board.Board.Overdue) != 1 || len(board.Board.Later) != 1 {
		t.Errorf("board %+v", board.Board)
	}
	e.Do("GET", "/api/v1/commitments?area=34", webtest.CoordAdal, nil).APIError(t, http.StatusForbidden)
	bad := map[string]any{"visit": map[string]any{"from_unit": "34", "visitors": []string{"k-yok"}, "target": map[string]any{"unit": "34.02"}, "kind": "parti", "at": "2024-05-10T10:00:00+03:00"}}
	d = e.Do("POST", "/api/v1/visits", coordinator, bad).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) == 0 || d.Problems[0].Field != "kind" {
		t.Errorf("bad visit: %+v", d)
	}
	var sc sandik.Scorecard
	e.Do("GET", "/api/v1/scorecards/34.02", coordinator, nil).Decode(t, http.StatusOK, &sc)
	if sc.Visits != 1 || sc.OverdueCommitments != 1 || sc.OpenCommitments != 2 {
		t.Errorf("scorecard %+v", sc)
	}
	if _, err := hex.DecodeString(ph.Sum); err != nil || len(ph.Sum) != 64 {
		t.Errorf("sum %q", ph.Sum)
	}
}
