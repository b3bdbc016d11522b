package verify_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/verify"
)

// election builds il "34" → 10 ilçe → 10 mahalle → 25 boxes (2,500), one
// race with four choices, and a true sheet per box drawn from seed.
func election(t *testing.T, seed uint64) (*sandik.Registry, map[sandik.AreaCode]sandik.Tutanak) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	areas := []sandik.Area{{Code: "34", Level: sandik.LevelIl, Name: "İSTANBUL"}}
	var regs []sandik.Registration
	truth := map[sandik.AreaCode]sandik.Tutanak{}
	for d := 1; d <= 10; d++ {
		dc := sandik.AreaCode(fmt.Sprintf("34.%d", d))
		areas = append(areas, sandik.Area{Code: dc, Parent: "34", Level: sandik.LevelIlce, Name: fmt.Sprintf("İLÇE %d", d)})
		for m := 1; m <= 10; m++ {
			mc := sandik.AreaCode(fmt.Sprintf("%s.%d", dc, m))
			areas = append(areas, sandik.Area{Code: mc, Parent: dc, Level: sandik.LevelMahalle, Name: fmt.Sprintf("MAHALLE %d", m)})
			for b := 1; b <= 25; b++ {
				bc := sandik.AreaCode(fmt.Sprintf("%s.%d", mc, 1000+b))
				areas = append(areas, sandik.Area{Code: bc, Parent: mc, Level: sandik.LevelSandik, Name: strconv.Itoa(1000 + b)})
				registered := int64(300 + r.IntN(100))
				votes := []int64{int64(80 + r.IntN(60)), int64(70 + r.IntN(60)), int64(5 + r.IntN(20)), int64(r.IntN(10))}
				var valid int64
				for _, v := range votes {
					valid += v
				}
				invalid := int64(r.IntN(8))
				truth[bc] = sandik.Tutanak{Registered: registered, Voted: valid + invalid, ValidWithoutObjection: valid, ValidTotal: valid, Invalid: invalid, Votes: votes}
				regs = append(regs, sandik.Registration{Election: "e", Box: bc, Registered: registered})
			}
		}
	}
	reg, err := sandik.NewRegistry(areas,
		[]sandik.Election{{Code: "e", Name: "31 Mart", Date: time.Date(2019, 3, 31, 0, 0, 0, 0, time.UTC), Quorum: 2}},
		[]sandik.Race{{Code: "mayor", Election: "e", Name: "Büyükşehir", Scope: "34", Choices: []sandik.Choice{
			{Code: "A", Name: "Aday A"}, {Code: "B", Name: "Aday B"}, {Code: "C", Name: "Aday C"}, {Code: "D", Name: "Aday D"}}}},
		regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg, truth
}

type injection struct {
	kind  string
	delta []int64 // official − truth per choice
}

// transpose swaps two adjacent digits of v that differ, or returns v.
func transpose(v int64) int64 {
	s := []byte(strconv.FormatInt(v, 10))
	for i := 0; i+1 < len(s); i++ {
		if s[i] != s[i+1] && !(i == 0 && s[i+1] == '0') {
			s[i], s[i+1] = s[i+1], s[i]
			n, _ := strconv.ParseInt(string(s), 10, 64)
			return n
		}
	}
	return v
}

// TestComparisonFindsEveryInjectedDiscrepancy enters two agreeing sheets
// for every box, publishes official figures with 1,000 known changes
// injected (votes moved between choices, transposed digits, a field
// changed, a choice zeroed, boxes left unpublished, two boxes swapped) and
// checks the comparison finds exactly those — no false negative, no false
// positive — with the margin effect each change must have
// (RELIABILITY.md, election invariants).
func TestComparisonFindsEveryInjectedDiscrepancy(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkInjected(t, seed) })
	}
}

func checkInjected(t *testing.T, seed uint64) {
	reg, truth := election(t, seed)
	r := rand.New(rand.NewPCG(seed, 99))
	boxes := slices.Sorted(func(yield func(sandik.AreaCode) bool) {
		for b := range truth {
			if !yield(b) {
				return
			}
		}
	})
	official := map[sandik.AreaCode]sandik.Tutanak{}
	for _, b := range boxes {
		official[b] = truth[b].Clone()
	}
	injected := map[sandik.AreaCode]injection{}
	missing := map[sandik.AreaCode]bool{}
	perm := r.Perm(len(boxes))
	for n, pi := range perm[:1000] {
		b := boxes[pi]
		o := official[b]
		d := make([]int64, 4)
		switch n % 5 {
		case 0: // k votes moved from one choice to another
			from, to := r.IntN(4), r.IntN(3)
			if to >= from {
				to++
			}
			k := 1 + r.Int64N(max(o.Votes[from], 1))
			k = min(k, o.Votes[from])
			if k == 0 {
				k = 1
				o.Votes[from]++ // keep the row meaningful: one vote appears
				d[from]++
			}
			o.Votes[from] -= k
			o.Votes[to] += k
			d[from] -= k
			d[to] += k
			injected[b] = injection{"moved", d}
		case 1: // digits transposed in the leader's count
			tr := transpose(o.Votes[0])
			if tr == o.Votes[0] {
				tr = o.Votes[0] + 9
			}
			d[0] = tr - o.Votes[0]
			o.Votes[0] = tr
			injected[b] = injection{"transposed", d}
		case 2: // a field changed, votes untouched
			o.Invalid += 3
			o.Voted += 3
			injected[b] = injection{"field", d}
		case 3: // one choice set to 0, its votes left undistributed
			d[1] = -o.Votes[1]
			o.Votes[1] = 0
			injected[b] = injection{"zeroed", d}
		case 4: // not published
			missing[b] = true
		}
		official[b] = o
	}
	// Two boxes swapped (unless both already injected).
	x, y := boxes[perm[1000]], boxes[perm[1001]]
	ox, oy := official[x], official[y]
	official[x], official[y] = oy, ox
	dx, dy := make([]int64, 4), make([]int64, 4)
	for i := range dx {
		dx[i] = oy.Votes[i] - truth[x].Votes[i]
		dy[i] = ox.Votes[i] - truth[y].Votes[i]
	}
	injected[x], injected[y] = injection{"swapped", dx}, injection{"swapped", dy}

	e := tally.New(reg)
	var seq int64
	add := func(b sandik.AreaCode, user sandik.UserID, src sandik.Source, s sandik.Tutanak) {
		seq++
		e.Apply([]sandik.Submission{{Seq: seq, ID: sandik.SubmissionID(fmt.Sprint(seq)), Race: "mayor", Box: b, User: user,
			Source: src, Kind: sandik.KindEntry, ReceivedAt: time.Unix(seq, 0), Sheet: s}})
	}
	for _, b := range boxes {
		add(b, "ayse", sandik.SourceObserver, truth[b])
		add(b, "mehmet", sandik.SourceEntry, truth[b])
		if !missing[b] {
			add(b, "ysk", sandik.SourceOfficial, official[b])
		}
	}
	figs, err := e.Figures("mayor", "34")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := verify.Compare(reg, mustRace(t, reg), "34", figs, verify.Options{A: "A", B: "B"})
	if err != nil {
		t.Fatal(err)
	}
	var wantNet int64
	found := 0
	for _, bc := range rep.Boxes {
		inj, isInjected := injected[bc.Box]
		switch {
		case missing[bc.Box]:
			if bc.Outcome != verify.OfficialMissing {
				t.Errorf("box %s unpublished: outcome %s", bc.Box, bc.Outcome)
			}
		case isInjected:
			found++
			if bc.Outcome != verify.Discrepancy {
				t.Errorf("box %s (%s) not found: outcome %s", bc.Box, inj.kind, bc.Outcome)
				continue
			}
			if !slices.Equal(bc.VoteDelta, inj.delta) {
				t.Errorf("box %s (%s): vote delta %v, want %v", bc.Box, inj.kind, bc.VoteDelta, inj.delta)
			}
			if want := inj.delta[0] - inj.delta[1]; bc.MarginEffect != want {
				t.Errorf("box %s (%s): margin effect %d, want %d", bc.Box, inj.kind, bc.MarginEffect, want)
			}
			wantNet += inj.delta[0] - inj.delta[1]
		default:
			if bc.Outcome != verify.Equal {
				t.Errorf("false %s on clean box %s: %+v", bc.Outcome, bc.Box, bc.Fields)
			}
		}
	}
	if len(injected)+len(missing) != 1002 {
		t.Fatalf("%d changes injected, want 1,002", len(injected)+len(missing))
	}
	if found != len(injected) {
		t.Errorf("%d injected boxes in the report, want %d", found, len(injected))
	}
	s := rep.Summary
	if s.Boxes[verify.Discrepancy] != len(injected) || s.Boxes[verify.OfficialMissing] != len(missing) ||
		s.Boxes[verify.Equal] != len(boxes)-len(injected)-len(missing) {
		t.Errorf("summary %v; want %d discrepancies, %d missing", s.Boxes, len(injected), len(missing))
	}
	if s.NetMarginEffect != wantNet {
		t.Errorf("net margin effect %d, want %d", s.NetMarginEffect, wantNet)
	}
	// Children roll up to the whole.
	var childNet int64
	childBoxes := 0
	for _, c := range rep.Children {
		childNet += c.NetMarginEffect
		for _, n := range c.Boxes {
			childBoxes += n
		}
	}
	if childNet != wantNet || childBoxes != len(boxes) || len(rep.Children) != 10 {
		t.Errorf("children: net %d boxes %d (%d children); want %d, %d, 10", childNet, childBoxes, len(rep.Children), wantNet, len(boxes))
	}
	// Discrepancies come first, largest margin effect first.
	for i := 1; i < s.Boxes[verify.Discrepancy]; i++ {
		a, b := rep.Boxes[i-1], rep.Boxes[i]
		if abs(a.MarginEffect) < abs(b.MarginEffect) {
			t.Fatalf("boxes %d and %d out of order: %d before %d", i-1, i, a.MarginEffect, b.MarginEffect)
		}
	}
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func mustRace(t *testing.T, reg *sandik.Registry) *sandik.Race {
	rc, ok := reg.Race("mayor")
	if !ok {
		t.Fatal("no race")
	}
	return rc
}

func TestBasisAndMissingSheets(t *testing.T) {
	reg, truth := election(t, 1)
	e := tally.New(reg)
	b1, b2, b3 := sandik.AreaCode("34.1.1.1001"), sandik.AreaCode("34.1.1.1002"), sandik.AreaCode("34.1.1.1003")
	subs := []sandik.Submission{
		{Seq: 1, ID: "1", Race: "mayor", Box: b1, User: "ayse", Source: sandik.SourceObserver, Kind: sandik.KindEntry, Sheet: truth[b1]},
		{Seq: 2, ID: "2", Race: "mayor", Box: b1, User: "ysk", Source: sandik.SourceOfficial, Kind: sandik.KindEntry, Sheet: truth[b1]},
		{Seq: 3, ID: "3", Race: "mayor", Box: b2, User: "ysk", Source: sandik.SourceOfficial, Kind: sandik.KindEntry, Sheet: truth[b2]},
		{Seq: 4, ID: "4", Race: "mayor", Box: b3, User: "ayse", Source: sandik.SourceObserver, Kind: sandik.KindEntry, Sheet: truth[b3]},
	}
	e.Apply(subs)
	figs, err := e.Figures("mayor", "34.1.1")
	if err != nil {
		t.Fatal(err)
	}
	outcome := func(basis verify.Basis) map[sandik.AreaCode]verify.Outcome {
		rep, err := verify.Compare(reg, mustRace(t, reg), "34.1.1", figs, verify.Options{Basis: basis})
		if err != nil {
			t.Fatal(err)
		}
		m := map[sandik.AreaCode]verify.Outcome{}
		for _, b := range rep.Boxes {
			m[b.Box] = b.Outcome
		}
		if len(rep.Children) != 0 {
			t.Errorf("a mahalle has no child areas, got %d", len(rep.Children))
		}
		return m
	}
	// One entry is pending: not a verified sheet yet.
	v := outcome(verify.BasisVerified)
	if v[b1] != verify.SheetMissing || v[b2] != verify.SheetMissing || v[b3] != verify.NoFigures {
		t.Errorf("verified basis: %v", v)
	}
	p := outcome(verify.BasisProvisional)
	if p[b1] != verify.Equal || p[b2] != verify.SheetMissing || p[b3] != verify.OfficialMissing {
		t.Errorf("provisional basis: %v", p)
	}
}

func TestPairAndLeaders(t *testing.T) {
	if a, b := verify.Leaders([]int64{5, 9, 9, 1}); a != 1 || b != 2 {
		t.Errorf("leaders %d %d, want 1 2 (ties by ballot order)", a, b)
	}
	if a, b := verify.Leaders([]int64{3}); a != 0 || b != -1 {
		t.Errorf("one choice: %d %d", a, b)
	}
	reg, _ := election(t, 2)
	rc := mustRace(t, reg)
	for _, tc := range []struct {
		opts  verify.Options
		field string
	}{
		{verify.Options{A: "Z"}, "a"},
		{verify.Options{A: "A", B: "A"}, "b"},
		{verify.Options{A: "A", B: "Q"}, "b"},
	} {
		_, err := verify.Compare(reg, rc, "34", nil, tc.opts)
		ps := sandik.ProblemsOf(err)
		if len(ps) != 1 || ps[0].Field != tc.field {
			t.Errorf("%+v: problems %v, want one on %q", tc.opts, ps, tc.field)
		}
	}
	if _, err := verify.Compare(reg, rc, "nowhere", nil, verify.Options{}); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown area: %v", err)
	}
	for _, s := range []string{"", "verified", "provisional"} {
		if _, err := verify.ParseBasis(s); err != nil {
			t.Errorf("basis %q: %v", s, err)
		}
	}
	if _, err := verify.ParseBasis("official"); sandik.CodeOf(err) != sandik.EInvalid {
		t.Error("basis official accepted")
	}
	if _, err := verify.ParseSort("size"); sandik.CodeOf(err) != sandik.EInvalid {
		t.Error("sort size accepted")
	}
	if _, err := verify.ParseOutcome("weird"); sandik.CodeOf(err) != sandik.EInvalid {
		t.Error("outcome weird accepted")
	}
}

func TestCSV(t *testing.T) {
	reg, truth := election(t, 3)
	b := sandik.AreaCode("34.2.3.1010")
	off := truth[b].Clone()
	off.Votes[0] -= 7
	off.Votes[1] += 7
	e := tally.New(reg)
	e.Apply([]sandik.Submission{
		{Seq: 1, ID: "1", Race: "mayor", Box: b, User: "ayse", Kind: sandik.KindEntry, Source: sandik.SourceObserver, Sheet: truth[b]},
		{Seq: 2, ID: "2", Race: "mayor", Box: b, User: "ali", Kind: sandik.KindEntry, Source: sandik.SourceObserver, Sheet: truth[b]},
		{Seq: 3, ID: "3", Race: "mayor", Box: b, User: "ysk", Kind: sandik.KindEntry, Source: sandik.SourceOfficial, Sheet: off},
	})
	figs, _ := e.Figures("mayor", b)
	rep, err := verify.Compare(reg, mustRace(t, reg), b, figs, verify.Options{A: "A", B: "B"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := verify.WriteCSV(&buf, mustRace(t, reg), rep.Boxes, "tr"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(rows[0]) != 7+3*4 || rows[0][0] != "sandık" {
		t.Fatalf("csv shape %d×%d: %v", len(rows), len(rows[0]), rows[0])
	}
	r := rows[1]
	if r[0] != string(b) || r[3] != "discrepancy" || r[4] != "verified" || r[5] != "-14" || r[9] != "-7" || r[12] != "7" {
		t.Errorf("row %v", r)
	}
}
