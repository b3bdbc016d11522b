package center

import (
	"testing"

	"github.com/sandik-dev/sandik"
)

// nests decides whether the store's range of codes may stand for the
// tree: registries whose codes are not "parent.child" fall back to the
// whole election.
func TestNests(t *testing.T) {
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "Adalar"},
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelSandik, Name: "Sandık 1"},
		{Code: "34-2", Parent: "34", Level: sandik.LevelIlce, Name: "Beşiktaş"},
		{Code: "34-2-1", Parent: "34-2", Level: sandik.LevelSandik, Name: "Sandık 2"},
		{Code: "35", Parent: "TR", Level: sandik.LevelIl, Name: "İzmir"},
		{Code: "İZ-1", Parent: "35", Level: sandik.LevelIlce, Name: "Aliağa"},
	}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for area, want := range map[sandik.AreaCode]bool{"34.1": true, "34.1.1": true, "34": true, "34-2": true, "35": false, "TR": false} {
		if got := nests(reg, area); got != want {
			t.Errorf("nests(%s) = %v, want %v", area, got, want)
		}
	}
}
