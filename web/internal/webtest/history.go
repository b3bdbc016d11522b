package webtest

import (
	"context"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// HistoryPrevious is the council race of Adalar in the previous election
// that HistoryFixture adds.
const HistoryPrevious = "2014-YEREL.meclis.adalar"

// HistoryFixture adds the previous election (2014) with Adalar's council
// race and official figures of its two boxes: box 1 AK PARTİ 100, CHP
// 120, as in 2019; box 2 AK PARTİ 30, CHP 120, which RollupFixture's 2019
// figures move 40 points towards AK PARTİ.
func HistoryFixture(t testing.TB, e *Env) {
	t.Helper()
	ctx := context.Background()
	reg := e.Center.Registry()
	prev := sandik.Election{Code: "2014-YEREL", Name: "Yerel seçimler 2014", Date: time.Date(2014, 3, 30, 0, 0, 0, 0, time.UTC), Quorum: 2}
	race := sandik.Race{Code: HistoryPrevious, Election: prev.Code, Name: "Adalar Belediye Meclisi (2014)", Scope: "34.01",
		Choices: []sandik.Choice{{Code: "ak-parti", Name: "AK PARTİ"}, {Code: "chp", Name: "CHP"}}}
	regs := append(append([]sandik.Registration{}, reg.Registrations...),
		sandik.Registration{Election: prev.Code, Box: Box1, Registered: 300}, sandik.Registration{Election: prev.Code, Box: Box2, Registered: 300})
	merged, err := sandik.NewRegistry(reg.Areas, append(append([]sandik.Election{}, reg.Elections...), prev), append(append([]sandik.Race{}, reg.Races...), race), regs)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Center.ImportRegistry(ctx, merged); err != nil {
		t.Fatal(err)
	}
	sheet := func(box sandik.AreaCode, votes ...int64) sandik.ImportedSheet {
		valid := votes[0] + votes[1]
		return sandik.ImportedSheet{Race: HistoryPrevious, Box: box, User: "ysk", Source: sandik.SourceOfficial,
			Sheet: sandik.Tutanak{Registered: 300, Voted: valid + 10, ValidWithoutObjection: valid, ValidTotal: valid, Invalid: 10, Votes: votes}}
	}
	rs, err := e.Center.AppendImported(ctx, []sandik.ImportedSheet{sheet(Box1, 100, 120), sheet(Box2, 30, 120)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Center.WaitFor(ctx, rs[len(rs)-1].Seq); err != nil {
		t.Fatal(err)
	}
}
