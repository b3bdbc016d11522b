package api

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

func TestSheetPhotoAPI(t *testing.T) {
	e := newScopedEnv(t)
	path := "/api/v1/races/" + raceIST + "/boxes/" + box1 + "/photos"
	photo := withEXIF(testJPEG(t, 99))
	up := func(user string, ct string, body []byte) webtest.Response {
		return e.Do("POST", path, user, body, "Content-Type", ct)
	}
	var first, again photoJSON
	up(obsBox1, "image/jpeg", photo).Decode(t, http.StatusCreated, &first)
	up(obsBox1, "image/jpeg", photo).Decode(t, http.StatusOK, &again)
	if first != again || first.Race != raceIST || first.Box != box1 || first.Width != 32 || first.Height != 24 || len(first.Sum) != 64 {
		t.Errorf("first %+v, again %+v", first, again)
	}
	// HEIC is refused by its type, in both languages, naming it.
	d := up(obsBox1, "image/heic", []byte("\x00\x00\x00\x18ftypheic")).APIError(t, http.StatusUnsupportedMediaType)
	if !strings.Contains(d.Message, "image/heic") || !strings.Contains(d.Message, "kabul edilmiyor") || !strings.Contains(d.Message, "not accepted") {
		t.Errorf("HEIC: %s", d.Message)
	}
	// A body that says JPEG but is not one is refused by its bytes.
	d = up(obsBox1, "image/jpeg", []byte("<html><script>alert(1)</script>")).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "photo", "")
	// Outside the observer's box.
	up(obsBox1, "image/jpeg", photo)
	e.Do("POST", "/api/v1/races/"+raceIST+"/boxes/"+box3+"/photos", obsBox1, photo, "Content-Type", "image/jpeg").APIError(t, http.StatusForbidden)
	// Served as an attachment, with the GPS gone, to those in scope.
	r := e.Do("GET", "/api/v1/photos/"+first.Sum, coordinator, nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") ||
		r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("get: %d %v", r.Status, r.Header)
	}
	if bytes.Contains(r.Body, gpsLat) || bytes.Contains(r.Body, []byte("Exif")) {
		t.Error("the served photo holds its EXIF")
	}
	e.Do("GET", "/api/v1/photos/"+first.Sum, coordAdal, nil).Decode(t, http.StatusOK, nil)
	e.Do("GET", "/api/v1/photos/"+strings.Repeat("0", 64), coordinator, nil).APIError(t, http.StatusNotFound)
	e.Do("GET", "/api/v1/photos/nothex", coordinator, nil).APIError(t, http.StatusBadRequest)
	e.Do("POST", path, "", photo, "Content-Type", "image/jpeg").APIError(t, http.StatusUnauthorized)
}

func TestKeyingAPI(t *testing.T) {
	e := newScopedEnv(t)
	photo := testJPEG(t, 7)
	e.Do("POST", "/api/v1/races/"+raceIST+"/boxes/"+box1+"/photos", obsBox1, photo, "Content-Type", "image/jpeg").Decode(t, http.StatusCreated, nil)
	var task center.KeyingTask
	e.Do("GET", "/api/v1/keying/next", volunteer, nil).Decode(t, http.StatusOK, &task)
	if task.Box != box1 || task.Race != raceIST || len(task.Fields) != 7 || task.Fields[0] != "registered" || len(task.Choices) != 3 {
		t.Fatalf("task %+v", task)
	}
	// The volunteer may read the photo handed to them.
	e.Do("GET", "/api/v1/photos/"+task.Photo, volunteer, nil).Decode(t, http.StatusOK, nil)
	body := webtest.Sheet("", raceIST, box1, 50, 40, 1)
	delete(body, "id")
	var rc receiptView
	e.Do("POST", "/api/v1/keying/"+string(task.Lease), volunteer, body).Decode(t, http.StatusCreated, &rc)
	e.Do("POST", "/api/v1/keying/"+string(task.Lease), volunteer, body).Decode(t, http.StatusOK, &rc)
	if !rc.Replayed {
		t.Error("a retried typing was not a replay")
	}
	// Nothing more for this volunteer: the one sheet is theirs.
	if r := e.Do("GET", "/api/v1/keying/next", volunteer, nil); r.Status != http.StatusNoContent {
		t.Errorf("next after typing: %d %s", r.Status, r.Body)
	}
	// Another's typing shows nothing of the first (blind): the box's
	// entries a typist reads are their own.
	var t2 center.KeyingTask
	e.Do("GET", "/api/v1/keying/next", observer2, nil).Decode(t, http.StatusOK, &t2)
	if bytes.Contains(e.Do("GET", "/api/v1/keying/next", observer2, nil).Body, []byte(volunteer)) {
		t.Error("the task names another typist")
	}
	d := e.Do("POST", "/api/v1/keying/"+string(t2.Lease)+"/report", observer2, map[string]string{"reason": "blurry"}).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "reason", "")
	e.Do("POST", "/api/v1/keying/"+string(t2.Lease)+"/report", observer2, map[string]string{"reason": "wrong_box"}).Decode(t, http.StatusOK, nil)
	var st center.KeyingStats
	e.Do("GET", "/api/v1/keying/stats", coordinator, nil).Decode(t, http.StatusOK, &st)
	if len(st.Reported) != 1 || st.Reported[0].Reason != "wrong_box" || len(st.Volunteers) != 2 {
		t.Errorf("stats %+v", st)
	}
	e.Do("GET", "/api/v1/keying/stats", volunteer, nil).APIError(t, http.StatusForbidden)
}

func TestCustodyAPI(t *testing.T) {
	e := newScopedEnv(t)
	path := "/api/v1/boxes/" + box1 + "/custody"
	at := testNow.Add(-time.Hour).Format(time.RFC3339)
	var ev struct {
		Seq int    `json:"seq"`
		By  string `json:"by"`
	}
	e.Do("POST", path, obsBox1, map[string]any{"copy": "Müşahit nüshası", "holder": "Ayşe Yılmaz", "place": "musahit", "at": at}).Decode(t, http.StatusCreated, &ev)
	if ev.Seq != 1 || ev.By != obsBox1 {
		t.Errorf("event %+v", ev)
	}
	e.Do("POST", path, lawyerAdal, map[string]any{"copy": "Müşahit nüshası", "holder": "Av. Deniz", "place": "avukat", "at": at}).Decode(t, http.StatusCreated, &ev)
	d := e.Do("POST", path, obsBox1, map[string]any{"copy": "x", "holder": "y", "place": "cop", "at": at}).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "place", "")
	e.Do("POST", path, obsBox1, map[string]any{"copy": "x", "holder": "y", "place": "kurul", "at": at, "extra": 1}).APIError(t, http.StatusBadRequest)
	var chain struct {
		Chain []struct {
			Seq    int    `json:"seq"`
			Holder string `json:"holder"`
		} `json:"chain"`
	}
	e.Do("GET", path, coordinator, nil).Decode(t, http.StatusOK, &chain)
	if len(chain.Chain) != 2 || chain.Chain[1].Holder != "Av. Deniz" {
		t.Errorf("chain %+v", chain)
	}
	e.Do("GET", "/api/v1/boxes/"+box3+"/custody", obsBox1, nil).APIError(t, http.StatusForbidden)
}

// keyingFixture puts photos of the district race's two boxes and the
// metropolitan race's third in the queue, and returns the first's sum.
func keyingFixture(t *testing.T, e *webtest.Env) string {
	t.Helper()
	var sum string
	for i, b := range []struct{ race, box string }{{raceIlce, box1}, {raceIlce, box2}, {raceIST, box3}} {
		p, _, err := e.Center.AddSheetPhoto(t.Context(), operator, sandik.RaceCode(b.race), sandik.AreaCode(b.box), testJPEG(t, byte(200+i)))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			sum = p.Sum
		}
	}
	return sum
}

// keyingRequest is a valid request of a keying or custody route as
// user: a typing or report of a sheet leased to them just now (written
// to the store, for the queue's own rules are tested in center).
func keyingRequest(e *webtest.Env, p, path, user, sum string) (string, any, []string, bool) {
	lease := func(kind string) string {
		id := sandik.LeaseID("m-" + kind + "-" + user)
		err := e.Store.SaveLease(e.T.Context(), sandik.KeyingLease{ID: id, Race: raceIST, Box: box1, Photo: sum, User: sandik.UserID(user),
			Leased: testNow, Expires: testNow.Add(time.Hour)})
		if err != nil {
			e.T.Fatal(err)
		}
		return "/api/v1/keying/" + string(id)
	}
	switch p {
	case "POST /api/v1/races/{race}/boxes/{box}/photos":
		return path, testJPEG(nil, byte(100+len(user))), []string{"Content-Type", "image/jpeg"}, true
	case "GET /api/v1/photos/{sha256}":
		return strings.Replace(path, "{sha256}", sum, 1), nil, nil, true
	case "POST /api/v1/keying/{id}":
		b := webtest.Sheet("", raceIST, box1, 50, 40, 1)
		delete(b, "id")
		return lease("t"), b, nil, true
	case "POST /api/v1/keying/{id}/report":
		return lease("r") + "/report", map[string]string{"reason": "unreadable"}, nil, true
	case "POST /api/v1/boxes/{box}/custody":
		return path, map[string]any{"copy": "Müşahit nüshası", "holder": "Ayşe", "place": "merkez", "at": testNow.Add(-time.Hour).Format(time.RFC3339)}, nil, true
	}
	return path, nil, nil, false
}
