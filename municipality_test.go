package sandik

import (
	"testing"
	"time"
)

func validTerm() MunicipalTerm {
	return MunicipalTerm{Municipality: "34-1", Election: "2024", Day: "2024-03-31", Version: 1, Mayor: "Ad Soyad",
		Party: "CHP", MarginVotes: 10, MarginPoints: 1.5, Source: TermByHand, Reason: "demo", SavedBy: "admin", SavedAt: time.Unix(1, 0)}
}

func TestMunicipalTermValidate(t *testing.T) {
	if err := validTerm().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		field  string
		change func(*MunicipalTerm)
	}{
		{"reason", func(t *MunicipalTerm) { t.Reason = "" }},
		{"race", func(t *MunicipalTerm) { t.Source = TermOfficial }},
		{"source", func(t *MunicipalTerm) { t.Source = "x" }},
		{"mayor", func(t *MunicipalTerm) { t.Mayor = "" }},
		{"party", func(t *MunicipalTerm) { t.Party = "" }},
		{"day", func(t *MunicipalTerm) { t.Day = "2024-02-30" }},
		{"version", func(t *MunicipalTerm) { t.Version = 0 }},
		{"margin_points", func(t *MunicipalTerm) { t.MarginPoints = 101 }},
		{"margin_votes", func(t *MunicipalTerm) { t.MarginVotes = -1 }},
		{"council[0].name", func(t *MunicipalTerm) { t.Council = []CouncilMember{{Party: "CHP"}} }},
		{"saved_at", func(t *MunicipalTerm) { t.SavedAt = time.Time{} }},
	} {
		tm := validTerm()
		c.change(&tm)
		ps := ProblemsOf(tm.Validate())
		if len(ps) != 1 || ps[0].Field != c.field {
			t.Errorf("%s: got %v", c.field, ps)
		}
	}
}

func TestMunicipalChangeValidate(t *testing.T) {
	m := Municipality{Code: "34-1", Kind: MuniIlce, Name: "Kadıköy Belediyesi", Area: "34-1", Province: "34"}
	c := MunicipalChange{Municipalities: []Municipality{m, m}, Terms: []MunicipalTerm{validTerm(), validTerm()}}
	ps := ProblemsOf(c.Validate())
	if len(ps) != 2 || ps[0].Field != "municipalities[1]" || ps[1].Field != "terms[1]" {
		t.Errorf("got %v", ps)
	}
	m.Kind = "koy"
	ps = ProblemsOf(MunicipalChange{Municipalities: []Municipality{m}}.Validate())
	if len(ps) != 1 || ps[0].Field != "municipalities[0].kind" {
		t.Errorf("got %v", ps)
	}
	a, b := validTerm(), validTerm()
	b.Version, b.SavedBy = 2, "other"
	if !a.SameResult(b) {
		t.Error("versions of the same result differ")
	}
	b.Party = "AKP"
	if a.SameResult(b) {
		t.Error("another party is the same result")
	}
}
