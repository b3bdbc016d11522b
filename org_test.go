package sandik

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2024-02-29", "1900-01-01", "2999-12-31"} {
		if d, err := ParseDate(s); err != nil || string(d) != s {
			t.Errorf("ParseDate(%q) = %q, %v", s, d, err)
		}
	}
	for _, s := range []string{"", "2023-02-29", "2024-2-1", "24-01-01", "1899-12-31", "3000-01-01", "2024-01-01T00:00", "01.02.2024", " 2024-01-01"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
}

// TestDateOf: the day of an instant is İstanbul's, whatever its zone.
func TestDateOf(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want Date
	}{
		{time.Date(2024, 3, 31, 20, 59, 59, 999999999, time.UTC), "2024-03-31"},
		{time.Date(2024, 3, 31, 21, 0, 0, 0, time.UTC), "2024-04-01"},
		{time.Date(2024, 3, 31, 23, 30, 0, 0, time.FixedZone("CET", 3600)), "2024-04-01"},
	} {
		if got := DateOf(tc.at); got != tc.want {
			t.Errorf("DateOf(%s) = %s, want %s", tc.at, got, tc.want)
		}
	}
}

func TestNormalPhone(t *testing.T) {
	for in, want := range map[string]string{
		"0532 123 45 67":     "05321234567",
		"+90 (216) 123-4567": "+902161234567",
		"532.123.45.67":      "5321234567",
	} {
		if got, err := NormalPhone(in); err != nil || got != want {
			t.Errorf("NormalPhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "123456", "0532 123 45 67 89 01 2", "0532-ABC", "90+532 1234567", "tel:05321234567"} {
		if _, err := NormalPhone(in); err == nil {
			t.Errorf("NormalPhone(%q) accepted", in)
		}
	}
}

func fields(err error) []string {
	var out []string
	for _, p := range ProblemsOf(err) {
		out = append(out, p.Field)
	}
	return out
}

func TestPersonValidate(t *testing.T) {
	ok := Person{ID: "k-1", Name: "Ayşe Yılmaz", Phones: []string{"+905321234567"}, Email: "ayse@example.org", Home: "34", Note: "salı\nperşembe", Purpose: "üyelik", Consent: "2024-01-01"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid person: %v", err)
	}
	for _, tc := range []struct {
		change func(*Person)
		field  string
	}{
		{func(p *Person) { p.ID = "k 1" }, "id"},
		{func(p *Person) { p.Name = "" }, "name"},
		{func(p *Person) { p.Name = " Ayşe" }, "name"},
		{func(p *Person) { p.Name = strings.Repeat("a", MaxOrgName+1) }, "name"},
		{func(p *Person) { p.Phones = []string{"0532 123 45 67"} }, "phones[0]"},
		{func(p *Person) { p.Phones = slices.Repeat([]string{"+905321234567"}, MaxPhones+1) }, "phones"},
		{func(p *Person) { p.Email = "Ayşe <ayse@example.org>" }, "email"},
		{func(p *Person) { p.Email = "ayse" }, "email"},
		{func(p *Person) { p.Home = "" }, "home"},
		{func(p *Person) { p.Note = "a\rb" }, "note"},
		{func(p *Person) { p.Purpose = "" }, "purpose"},
		{func(p *Person) { p.Consent = "" }, "consent"},
	} {
		p := ok
		tc.change(&p)
		err := p.Validate()
		if CodeOf(err) != EInvalid || !slices.Contains(fields(err), tc.field) {
			t.Errorf("%+v: %v, want a problem with %s", p, err, tc.field)
		}
	}
}

func TestUnitValidate(t *testing.T) {
	for _, tc := range []struct {
		u     Unit
		field string
	}{
		{Unit{Code: "34.01", Kind: UnitIlce, Name: "Adalar", Area: "34.01"}, "parent"},
		{Unit{Code: "gm", Kind: UnitHQ, Name: "GM", Parent: "x", Area: "TR"}, "parent"},
		{Unit{Code: "x", Kind: UnitYouth, Name: "G", Parent: "x", Area: "34"}, "parent"},
		{Unit{Code: "x", Kind: "kulup", Name: "K", Parent: "34", Area: "34"}, "kind"},
		{Unit{Code: "x", Kind: UnitIl, Name: "X"}, "area"},
	} {
		if err := tc.u.Validate(); !slices.Contains(fields(err), tc.field) {
			t.Errorf("%+v: %v, want a problem with %s", tc.u, err, tc.field)
		}
	}
	for _, u := range []Unit{{Code: "34", Kind: UnitIl, Name: "İstanbul", Area: "34"}, {Code: "gm", Kind: UnitHQ, Name: "GM", Area: "TR"}} {
		if err := u.Validate(); err != nil {
			t.Errorf("%+v: %v", u, err)
		}
	}
}

func TestOrgChangeValidate(t *testing.T) {
	c := OrgChange{
		Units:     []Unit{{Code: "34", Kind: UnitIl, Name: "İstanbul", Area: "34"}, {Code: "34", Kind: UnitIl, Name: "Again", Area: "34"}},
		Positions: []Position{{ID: "g-1", Kind: "delege", Unit: "34", Person: "k-1", Start: "2024-01-01", Source: "kongre", EndReason: "istifa"}},
	}
	got := fields(c.Validate())
	for _, want := range []string{"units[1]", "positions[0].end_reason"} {
		if !slices.Contains(got, want) {
			t.Errorf("problems at %v, want one at %s", got, want)
		}
	}
}

// The days of 2014's local election are told with the zone of the time:
// Türkiye put summer time off by a day for it, so the polls closed at
// 17:00 EET (UTC+2) on 30 March 2014, in any image, zone database or not.
func TestIstanbulKeepsHistoricOffsets(t *testing.T) {
	for _, c := range []struct {
		at     time.Time
		offset int
	}{
		{time.Date(2014, 3, 30, 17, 0, 0, 0, Istanbul()), 2 * 3600},
		{time.Date(2014, 4, 1, 17, 0, 0, 0, Istanbul()), 3 * 3600},
		{time.Date(2024, 3, 31, 17, 0, 0, 0, Istanbul()), 3 * 3600},
	} {
		if _, off := c.at.Zone(); off != c.offset {
			t.Errorf("offset in İstanbul at %s = %d s, want %d s", c.at.Format(time.DateTime), off, c.offset)
		}
	}
	if got := DateOf(time.Date(2014, 3, 30, 22, 30, 0, 0, time.UTC)); got != "2014-03-31" {
		t.Errorf("DateOf 2014-03-30 22:30 UTC = %s, want 2014-03-31 (00:30 EET)", got)
	}
}
