package center

import (
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/verify"
)

func TestDraftsFromDiscrepancies(t *testing.T) {
	box := func(code sandik.AreaCode, parent string) sandik.Area {
		return sandik.Area{Code: code, Parent: sandik.AreaCode(parent), Level: sandik.LevelSandik, Name: string(code[len(code)-4:])}
	}
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "34", Level: sandik.LevelIl, Name: "İSTANBUL"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "MALTEPE"},
		{Code: "34.2", Parent: "34", Level: sandik.LevelIlce, Name: "ADALAR"},
		box("34.1.1001", "34.1"), box("34.1.1002", "34.1"), box("34.2.2001", "34.2"),
	}, []sandik.Election{{Code: "e", Name: "31 Mart 2019", Quorum: 2}},
		[]sandik.Race{{Code: "ibb", Election: "e", Name: "İBB Başkanı", Scope: "34",
			Choices: []sandik.Choice{{Code: "A", Name: "İmamoğlu"}, {Code: "B", Name: "Yıldırım"}}}},
		[]sandik.Registration{{Election: "e", Box: "34.1.1001", Registered: 300}, {Election: "e", Box: "34.1.1002", Registered: 300},
			{Election: "e", Box: "34.2.2001", Registered: 300}})
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := reg.Race("ibb")
	sheet := func(a, b int64) *sandik.Tutanak { return &sandik.Tutanak{Votes: []int64{a, b}} }
	boxes := []verify.Box{
		{Box: "34.1.1002", Name: "1002", Outcome: verify.Discrepancy, Sheet: sheet(150, 100), Official: sheet(138, 112), VoteDelta: []int64{-12, 12}},
		{Box: "34.1.1001", Name: "1001", Outcome: verify.Discrepancy, Sheet: sheet(90, 80), Official: sheet(90, 80), VoteDelta: []int64{0, 0},
			Fields: []verify.FieldDelta{{Field: "invalid_total", Sheet: 3, Official: 9}}},
		{Box: "34.2.2001", Name: "2001", Outcome: verify.Discrepancy, Sheet: sheet(70, 60), Official: sheet(60, 70), VoteDelta: []int64{-10, 10}},
		{Box: "34.2.2001", Name: "2001", Outcome: verify.Equal},
	}
	ds := draftsFromDiscrepancies(reg, rc, boxes, "CHP İstanbul İl Başkanlığı")
	if len(ds) != 2 {
		t.Fatalf("%d drafts, want one per district board", len(ds))
	}
	// Districts in Turkish order, named as a board writes them.
	adalar, maltepe := ds[0], ds[1]
	if maltepe.Board != itiraz.BoardIlce || len(maltepe.Boxes) != 2 || maltepe.Boxes[0] != "34.1.1001" || maltepe.Claim[0] != 12 || maltepe.Claim[1] != -12 {
		t.Errorf("Maltepe draft %+v", maltepe)
	}
	wantBody := "İBB Başkanı seçiminde aşağıdaki sandıkların resmî sonuçları, imzalı sandık sonuç tutanaklarından farklıdır:\n\n" +
		"- 1001 No.lu Sandık: geçersiz oy tutanakta 3, resmî sonuçta 9.\n" +
		"- 1002 No.lu Sandık: İmamoğlu tutanakta 150, resmî sonuçta 138; Yıldırım tutanakta 100, resmî sonuçta 112.\n\n" +
		"Sonuçların imzalı tutanaklara göre düzeltilmesini talep ederiz."
	if maltepe.Title != "Maltepe: 2 sandıkta resmî sonuç ile tutanak farkı" || maltepe.Body != wantBody {
		t.Errorf("Maltepe text:\n%s\n%s\nwant body:\n%s", maltepe.Title, maltepe.Body, wantBody)
	}
	if strings.Contains(maltepe.Body, "Sandık Sandık") || strings.Contains(maltepe.Body, "34.1.") {
		t.Errorf("a box is named twice or by its code:\n%s", maltepe.Body)
	}
	if adalar.Title != "Adalar: 1 sandıkta resmî sonuç ile tutanak farkı" || adalar.Claim[0] != 10 || adalar.Claim[1] != -10 {
		t.Errorf("Adalar draft %+v", adalar)
	}
	for _, d := range ds {
		if ps := d.Check(reg); len(ps) != 0 {
			t.Errorf("a generated draft is invalid: %v", ps)
		}
	}
}

func TestHolders(t *testing.T) {
	dl := func(day int) time.Time { return time.Date(2019, 4, day, 15, 0, 0, 0, time.UTC) }
	cases := []*itiraz.Case{
		{ID: "c-late", Boxes: []sandik.AreaCode{"b1", "b2"}, Deadline: dl(3), Status: itiraz.StatusDraft},
		{ID: "c-gone", Boxes: []sandik.AreaCode{"b3"}, Deadline: dl(1), Status: itiraz.StatusWithdrawn},
		{ID: "c-early", Boxes: []sandik.AreaCode{"b2"}, Deadline: dl(2), Status: itiraz.StatusRejected},
	}
	h := Holders(cases)
	if len(h) != 2 || h["b1"].ID != "c-late" || h["b2"].ID != "c-early" {
		t.Errorf("holders %v", h)
	}
	if _, ok := h["b3"]; ok {
		t.Error("a withdrawn case still holds its box")
	}
}
