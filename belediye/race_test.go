package belediye

import (
	"errors"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestWinner(t *testing.T) {
	for _, c := range []struct {
		name  string
		votes []int64
		valid int64
		want  Win
		err   error
	}{
		{"two", []int64{400, 600}, 1000, Win{Choice: 1, RunnerUp: 0, MarginVotes: 200, MarginPoints: 20}, nil},
		// Real figures, as YSK announced them (shared/data/README.md): the
		// metropolitan race of 31 March 2019, later annulled (the valid
		// total is not given there; 8,570,000 is near it), and its rerun
		// of 23 June 2019.
		{"İstanbul 31 March 2019", []int64{4169765, 4156036}, 8570000, Win{Choice: 0, RunnerUp: 1, MarginVotes: 13729, MarginPoints: 0.16}, nil},
		{"İstanbul 23 June 2019", []int64{4742082, 3936068, 68416}, 8746566, Win{Choice: 0, RunnerUp: 1, MarginVotes: 806014, MarginPoints: 9.22}, nil},
		{"leader last", []int64{1, 2, 3}, 6, Win{Choice: 2, RunnerUp: 1, MarginVotes: 1, MarginPoints: 16.67}, nil},
		{"one choice", []int64{5}, 5, Win{Choice: 0, RunnerUp: -1, MarginVotes: 5, MarginPoints: 100}, nil},
		{"valid below the sum", []int64{30, 10}, 0, Win{Choice: 0, RunnerUp: 1, MarginVotes: 20, MarginPoints: 50}, nil},
		{"tie", []int64{10, 50, 50}, 110, Win{}, ErrTie},
		{"tie first", []int64{50, 50, 10}, 110, Win{}, ErrTie},
		{"no votes", []int64{0, 0}, 0, Win{}, ErrNoVotes},
		{"empty", nil, 0, Win{}, ErrNoVotes},
	} {
		got, err := Winner(c.votes, c.valid)
		if !errors.Is(err, c.err) || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v, %v", c.name, got, err, c.want, c.err)
		}
	}
}

func registry(t *testing.T) *sandik.Registry {
	t.Helper()
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34-1", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34-1-1", Parent: "34-1", Level: sandik.LevelMahalle, Name: "Moda"},
		{Code: "34-1-1-1", Parent: "34-1-1", Level: sandik.LevelSandik, Name: "Sandık 1"},
	}
	ch := []sandik.Choice{{Code: "CHP", Name: "Ekrem İmamoğlu (CHP)"}, {Code: "BAGIMSIZ-1", Name: "Ali Veli"}, {Code: "DIGER", Name: "Diğer"}}
	races := []sandik.Race{
		{Code: "ibb", Election: "e", Name: "İstanbul Büyükşehir Belediye Başkanı", Scope: "34", Choices: ch},
		{Code: "kad", Election: "e", Name: "KADIKÖY BELEDİYE BAŞKANI", Scope: "34-1", Choices: ch},
		{Code: "mec", Election: "e", Name: "Kadıköy Belediye Meclisi", Scope: "34-1", Choices: ch},
		{Code: "old", Election: "f", Name: "Kadıköy Belediye Başkanı", Scope: "34-1", Choices: ch},
	}
	elections := []sandik.Election{{Code: "e", Name: "E", Quorum: 2}, {Code: "f", Name: "F", Quorum: 2}}
	reg, err := sandik.NewRegistry(areas, elections, races, []sandik.Registration{{Election: "e", Box: "34-1-1-1", Registered: 10}})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestMayoralRaces(t *testing.T) {
	reg := registry(t)
	races := MayoralRaces(reg, "e")
	if len(races) != 2 || races[0].Code != "ibb" || races[1].Code != "kad" {
		t.Fatalf("mayoral races: got %v", races)
	}
	m, err := Municipality(reg, races[0])
	if err != nil || m != (sandik.Municipality{Code: "34", Kind: sandik.MuniBuyuksehir, Name: "İstanbul Büyükşehir Belediyesi", Area: "34", Province: "34"}) {
		t.Errorf("büyükşehir: got %+v, %v", m, err)
	}
	m, err = Municipality(reg, races[1])
	if err != nil || m.Kind != sandik.MuniIlce || m.Province != "34" || m.Name != "Kadıköy Belediyesi" {
		t.Errorf("ilçe: got %+v, %v", m, err)
	}
	if _, err := Municipality(reg, &reg.Races[2]); err == nil {
		t.Error("a council race made a municipality")
	}
}

func TestCandidate(t *testing.T) {
	reg := registry(t)
	ch := reg.Races[0].Choices
	if n, p, err := Candidate(ch[0]); n != "Ekrem İmamoğlu" || p != "CHP" || err != nil {
		t.Errorf("party candidate: %q %q %v", n, p, err)
	}
	if n, p, err := Candidate(ch[1]); n != "Ali Veli" || p != sandik.PartyIndependent || err != nil {
		t.Errorf("independent: %q %q %v", n, p, err)
	}
	if _, _, err := Candidate(ch[2]); err == nil {
		t.Error("the others summed named a mayor")
	}
}

func TestPlace(t *testing.T) {
	reg := registry(t)
	c := sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "kad", Kind: sandik.MuniIlce, Name: "Kadıköy", Area: "34-1"},
		{Code: "moda", Kind: sandik.MuniBelde, Name: "Moda", Area: "34-1-1"},
	}}
	if err := Place(reg, &c); err != nil {
		t.Fatal(err)
	}
	if c.Municipalities[0].Province != "34" || c.Municipalities[1].Province != "34" {
		t.Errorf("provinces not filled: %+v", c.Municipalities)
	}
	bad := sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "x", Kind: sandik.MuniIlce, Name: "X", Area: "35-9"},
		{Code: "y", Kind: sandik.MuniIlce, Name: "Y", Area: "34"},
	}}
	err := Place(reg, &bad)
	ps := sandik.ProblemsOf(err)
	if sandik.CodeOf(err) != sandik.EInvalid || len(ps) != 2 || ps[0].Field != "municipalities[0].area" || ps[1].Field != "municipalities[1].area" {
		t.Fatalf("got %v", err)
	}
	t.Log(ps)
}
