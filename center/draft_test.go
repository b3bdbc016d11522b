package center

import (
	"strings"
	"testing"

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
	if ds[0].Board != itiraz.BoardIlce || len(ds[0].Boxes) != 2 || ds[0].Boxes[0] != "34.1.1001" || ds[0].Claim[0] != 12 || ds[0].Claim[1] != -12 {
		t.Errorf("Maltepe draft %+v", ds[0])
	}
	if !strings.Contains(ds[0].Title, "MALTEPE: 2 sandıkta") || !strings.Contains(ds[0].Body, "geçersiz oy tutanakta 3, resmî 9") ||
		!strings.Contains(ds[0].Body, "İmamoğlu tutanakta 150, resmî 138") {
		t.Errorf("Maltepe text:\n%s\n%s", ds[0].Title, ds[0].Body)
	}
	if ds[1].Claim[0] != 10 || ds[1].Claim[1] != -10 {
		t.Errorf("Adalar claim %v", ds[1].Claim)
	}
	for _, d := range ds {
		if ps := d.Check(reg); len(ps) != 0 {
			t.Errorf("a generated draft is invalid: %v", ps)
		}
	}
}
