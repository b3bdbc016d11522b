package center_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/store/storetest"
)

var lawyer = sandik.User{ID: "avukat", Name: "Av. Zeynep", Role: sandik.RoleLawyer}

// official publishes figures for a box of the fixture race.
func official(t *testing.T, f *center.Center, box sandik.AreaCode, zz, chp, akp int64) {
	t.Helper()
	valid := zz + chp + akp
	rs, err := f.AppendImported(context.Background(), []sandik.ImportedSheet{{Race: storetest.Race, Box: box, User: "ysk", Source: sandik.SourceOfficial,
		Sheet: sandik.Tutanak{Registered: 350, Voted: valid + 5, ValidWithoutObjection: valid, ValidTotal: valid, Invalid: 5, Votes: []int64{zz, chp, akp}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.WaitFor(context.Background(), rs[0].Seq); err != nil {
		t.Fatal(err)
	}
}

func TestObjectionFromDiscrepancyToDecision(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	// Box1: two agreeing sheets; YSK moved 12 votes from CHP to AKP.
	submit(t, f, ayse, sheet("a1", storetest.Box1, 10, 200, 100))
	submit(t, f, mehm, sheet("m1", storetest.Box1, 10, 200, 100))
	official(t, f.c, storetest.Box1, 10, 188, 112)
	// Box2: equal.
	submit(t, f, ayse, sheet("a2", storetest.Box2, 5, 100, 150))
	submit(t, f, mehm, sheet("m2", storetest.Box2, 5, 100, 150))
	official(t, f.c, storetest.Box2, 5, 100, 150)

	if _, err := f.c.DraftFromDiscrepancies(ctx, ayse, storetest.Race, "34", nil, "x"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("an observer drafting cases: %v", err)
	}
	if _, err := f.c.DraftFromDiscrepancies(ctx, lawyer, storetest.Race, "34", []sandik.AreaCode{storetest.Box2}, "x"); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("drafting from an equal box: %v", err)
	}
	cases, err := f.c.DraftFromDiscrepancies(ctx, lawyer, storetest.Race, "34", nil, "İl Başkanlığı")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Fatalf("%d cases, want one for the one district", len(cases))
	}
	cs := cases[0]
	// Claim: if upheld, CHP regains 12 and AKP loses 12.
	if !slices.Equal(cs.Claim, []int64{0, 12, -12}) || !slices.Equal(cs.Boxes, []sandik.AreaCode{storetest.Box1}) || cs.Board != itiraz.BoardIlce {
		t.Errorf("case %+v", cs)
	}
	// 31 March 2024 was a Sunday: until Tuesday 15:00 in İstanbul.
	if want := time.Date(2024, 4, 2, 15, 0, 0, 0, itiraz.Istanbul()); !cs.Deadline.Equal(want) {
		t.Errorf("deadline %s, want %s", cs.Deadline, want)
	}

	m, err := f.c.View(admin).Margins(ctx, storetest.Race, "CHP", "AKP")
	if err != nil {
		t.Fatal(err)
	}
	// Official: CHP 288, AKP 262 → 26; if the draft is upheld: 26 + 24.
	if m.Counted != 26 || m.IfOpenUpheld != 50 || m.IfFiledUpheld != 26 || m.AsDecided != 26 {
		t.Errorf("margins before filing %+v", m)
	}
	filed, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: cs.Version, Kind: itiraz.EventFiled, Reference: "2024/41"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: cs.Version, Kind: itiraz.EventWithdraw, Reason: "x"}); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("a change on a stale version: %v", err)
	}
	if _, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: filed.Version, Kind: itiraz.EventFiled}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("filing twice: %v", err)
	}
	photo := []byte("JPEG of the signed sheet")
	withEv, err := f.c.AddEvidence(ctx, lawyer, cs.ID, filed.Version, "tutanak-1001.jpg", "image/jpeg", photo)
	if err != nil {
		t.Fatal(err)
	}
	if ev := withEv.Evidence; len(ev) != 1 || ev[0].SHA256 != itiraz.Checksum(photo) || ev[0].Size != int64(len(photo)) {
		t.Errorf("evidence %+v", ev)
	}
	back, err := f.c.View(admin).Evidence(ctx, withEv.Evidence[0].SHA256)
	if err != nil || !bytes.Equal(back, photo) {
		t.Errorf("evidence back: %v", err)
	}
	if _, err := f.c.AddEvidence(ctx, lawyer, cs.ID, withEv.Version, "../x", "not a type", photo); len(sandik.ProblemsOf(err)) != 2 {
		t.Errorf("bad evidence: %v", err)
	}
	decided, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: withEv.Version, Kind: itiraz.EventDecided,
		Outcome: itiraz.StatusPartly, Granted: []int64{0, 5, -5}, Decision: "kısmen kabul"})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = f.c.View(admin).Margins(ctx, storetest.Race, "", "")
	if m.A != "CHP" || m.B != "AKP" || m.AsDecided != 36 || m.IfFiledUpheld != 26 || m.Cases[itiraz.StatusPartly] != 1 {
		t.Errorf("margins after decision %+v", m)
	}
	appealed, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: decided.Version, Kind: itiraz.EventAppealed})
	if err != nil {
		t.Fatal(err)
	}
	// The il board's rule: 17:00 on the day after the trigger (here the
	// decision, recorded at the centre's clock).
	if appealed.Board != itiraz.BoardIl || appealed.Deadline.IsZero() || appealed.Deadline.Hour() != 17 {
		t.Errorf("appeal %+v", appealed)
	}
	all, err := f.c.View(admin).Cases(ctx, "")
	if err != nil || len(all) != 1 || all[0].Version != appealed.Version || len(all[0].History) != appealed.Version {
		t.Errorf("cases %v %+v", err, all)
	}
	// Survives a restart.
	f.close()
	g := open(t, f.path)
	again, err := g.c.View(admin).Case(ctx, cs.ID)
	if err != nil || again.Status != itiraz.StatusAppealed || again.Board != itiraz.BoardIl {
		t.Errorf("after restart: %v %+v", err, again)
	}
}

func TestCreateCaseValidates(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	_, err := f.c.CreateCase(ctx, lawyer, itiraz.Draft{Race: storetest.Race, Boxes: []sandik.AreaCode{"nowhere"}, Ground: "x", Remedy: itiraz.RemedyRecount,
		Board: itiraz.BoardIlce, Filer: "f", Title: "t"}, time.Time{})
	if ps := sandik.ProblemsOf(err); len(ps) != 2 || ps[0].Field != "boxes[0]" || ps[1].Field != "ground" {
		t.Errorf("problems %v", ps)
	}
	if _, err := f.c.CreateCase(ctx, coord, itiraz.Draft{Race: storetest.Race, Areas: []sandik.AreaCode{"34"}, Ground: itiraz.GroundProcedure,
		Remedy: itiraz.RemedyAnnulment, Board: itiraz.BoardYSK, Filer: "Genel Merkez", Title: "İptal"}, time.Date(2024, 4, 7, 17, 0, 0, 0, itiraz.Istanbul())); err != nil {
		t.Fatal(err)
	}
	cs, _ := f.c.View(admin).Cases(ctx, storetest.Race)
	if len(cs) != 1 || !cs[0].Deadline.Equal(time.Date(2024, 4, 10, 17, 0, 0, 0, itiraz.Istanbul())) || len(cs[0].Claim) != 3 {
		t.Errorf("YSK case %+v", cs)
	}
	if _, err := f.c.ChangeCase(ctx, lawyer, "itz-none", center.Change{Version: 1, Kind: itiraz.EventFiled}); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("changing a missing case: %v", err)
	}
	if _, err := f.c.ChangeCase(ctx, lawyer, cs[0].ID, center.Change{Version: 1, Kind: "burn"}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("an unknown change: %v", err)
	}
	if _, err := f.c.ChangeCase(ctx, lawyer, cs[0].ID, center.Change{Version: 1, Kind: itiraz.EventWithdraw}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("withdrawing without a reason: %v", err)
	}
}
