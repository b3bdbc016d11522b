package webtest

import (
	"context"
	"testing"

	"github.com/sandik-dev/sandik"
)

// RollupKind is the kind of the council races RollupFixture adds.
const RollupKind = "meclis"

// RollupFixture adds a council race per district of the fixture, coded as
// the import codes them (ELECTION.KIND.CONSTITUENCY), with official
// figures: Adalar's two boxes and Beşiktaş's one.
func RollupFixture(t testing.TB, e *Env) {
	t.Helper()
	ctx := context.Background()
	chp, akp, hdp := sandik.Choice{Code: "chp", Name: "CHP"}, sandik.Choice{Code: "ak-parti", Name: "AK PARTİ"}, sandik.Choice{Code: "hdp", Name: "HDP"}
	races := []sandik.Race{
		{Code: Election + ".meclis.adalar", Election: Election, Name: "Adalar Belediye Meclisi", Scope: "34.01", Choices: []sandik.Choice{akp, chp}},
		{Code: Election + ".meclis.besiktas", Election: Election, Name: "Beşiktaş Belediye Meclisi", Scope: "34.02", Choices: []sandik.Choice{chp, hdp, akp}},
	}
	reg := e.Center.Registry()
	merged, err := sandik.NewRegistry(reg.Areas, reg.Elections, append(append([]sandik.Race{}, reg.Races...), races...), reg.Registrations)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Center.ImportRegistry(ctx, merged); err != nil {
		t.Fatal(err)
	}
	sheet := func(race sandik.RaceCode, box sandik.AreaCode, votes ...int64) sandik.ImportedSheet {
		var valid int64
		for _, v := range votes {
			valid += v
		}
		return sandik.ImportedSheet{Race: race, Box: box, User: "ysk", Source: sandik.SourceOfficial,
			Sheet: sandik.Tutanak{Registered: 300, Voted: valid + 10, ValidWithoutObjection: valid, ValidTotal: valid, Invalid: 10, Votes: votes}}
	}
	rs, err := e.Center.AppendImported(ctx, []sandik.ImportedSheet{
		sheet(races[0].Code, Box1, 100, 120),
		sheet(races[0].Code, Box2, 90, 60),
		sheet(races[1].Code, Box3, 150, 30, 70),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Center.WaitFor(ctx, rs[len(rs)-1].Seq); err != nil {
		t.Fatal(err)
	}
}
