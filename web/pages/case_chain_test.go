package pages

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// sheetInput is webtest.Sheet as the centre takes it.
func sheetInput(t *testing.T, m map[string]any) sandik.SheetInput {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var in sandik.SheetInput
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	return in
}

// The case file — the petition a lawyer prints and the case page —
// lists the chain of custody of each photo of the case's boxes: who
// uploaded it and its SHA-256, each keying, each decision, and where the
// wet-signed copy went; a photo kept on an observer network's server is
// listed with its address.
func TestCaseFileChainOfCustody(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	photo, _, err := e.Center.AddSheetPhoto(ctx, operator, raceIST, box1, pageJPEG(t))
	if err != nil {
		t.Fatal(err)
	}
	const far = "https://api-secim.oyveotesi.org/image/secim-images.oyveotesi.org/oyveotesi/raw/server/256_bulk_9f_8e.jpeg"
	if _, err := e.Center.ImportSheetPhotoRefs(ctx, []sandik.SheetPhoto{{Race: raceIST, Box: box1, By: "ovo", URL: far}}); err != nil {
		t.Fatal(err)
	}
	// Two volunteers type the photo and disagree; a coordinator decides.
	var leases []string
	for i, id := range []string{"kvol1", "kvol2"} {
		u := sandik.User{ID: sandik.UserID(id), Name: "Gönüllü " + id, Role: sandik.RoleVolunteer}
		e.AddUser(u)
		task, ok, err := e.Center.NextSheet(ctx, u)
		if err != nil || !ok || task.Photo != photo.Sum {
			t.Fatalf("%s: handed %+v %v %v, want the photo uploaded here", id, task, ok, err)
		}
		rc, err := e.Center.TypeSheet(ctx, u, task.Lease, sheetInput(t, sheet("", "", "", 50+int64(i), 40-int64(i), 10)))
		if err != nil {
			t.Fatal(err)
		}
		e.Settle(rc.Seq)
		leases = append(leases, "k-"+string(task.Lease))
	}
	adj := sheetInput(t, sheet("karar-1", raceIST, box1, 50, 40, 10))
	adj.Reason = "Islak imzalı nüsha okundu"
	rc, err := e.Center.Adjudicate(ctx, e.User(coordinator), adj)
	if err != nil {
		t.Fatal(err)
	}
	e.Settle(rc.Seq)
	if _, err := e.Center.RecordCustody(ctx, operator, sandik.CustodyEvent{Box: box1, Race: raceIST, Copy: "Müşahit nüshası",
		Holder: "Ayşe Yılmaz", Place: sandik.CustodyLawyer, At: testNow.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c, err := e.Center.CreateCase(ctx, e.User(lawyer), itiraz.Draft{Race: raceIST, Boxes: []sandik.AreaCode{box1}, Ground: itiraz.GroundDiscrepancy,
		Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "İl Başkanlığı", Title: "Zincir"}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.Browser(lawyer)
	id := url.PathEscape(string(c.ID))
	common := []string{photo.Sum, string(operator.ID), "kvol1", "kvol2", leases[0], leases[1], "Islak imzalı nüsha okundu", "karar-1",
		"Ayşe Yılmaz", far, sandik.RefSum(far)}
	webtest.MustContain(t, b.Page("/itiraz/"+id+"/petition", http.StatusOK),
		append(common, "Delillerin zinciri", "yükleyen", "gönüllü kvol1 yazmak üzere aldı", "Avukat", "Müşahit nüshası")...)
	webtest.MustContain(t, b.Page("/itiraz/"+id+"/petition?lang=en", http.StatusOK),
		append(common, "Chain of custody of the evidence", "uploaded by", "handed to volunteer kvol1", "Lawyer")...)
	page := b.Page("/itiraz/"+id, http.StatusOK)
	webtest.MustContain(t, page, append(common, `id="zincir"`)...)
}
