package feed_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/feed"
)

// A CSV feed in a publisher's own names, mapped by a mapping file.
func TestCSVFeedWithMapping(t *testing.T) {
	m, err := feed.ParseMapping([]byte(`{"format": "csv", "election": "2024-yerel", "kind": "meclis", "box": "SANDIK", "race": "",
		"registered": "KAYITLI", "voted": "OY_KULLANAN", "valid_without_objection": "ITIRAZSIZ", "valid_upon_objection": "ITIRAZLI",
		"valid_total": "GECERLI", "invalid_total": "GECERSIZ", "voted_by_law": ""}`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := feed.NewDecoder(registry(t), m)
	if err != nil {
		t.Fatal(err)
	}
	body := "SANDIK;KAYITLI;OY_KULLANAN;ITIRAZSIZ;ITIRAZLI;GECERLI;GECERSIZ;CHP;AK PARTİ\n" +
		"34.1.1.1043;300;250;240;0;240;10;140;100\n" +
		"34.2.1.2001;300;220;210;0;210;10;60;150\n"
	got, err := d.Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []sandik.ImportedSheet{
		{Race: raceA, Box: boxA1, User: "ysk", Source: sandik.SourceOfficial, Sheet: sandik.Tutanak{Registered: 300, Voted: 250, ValidWithoutObjection: 240, ValidTotal: 240, Invalid: 10, Votes: []int64{140, 100}}},
		// Üsküdar's ballot has AK PARTİ first: votes follow the ballot.
		{Race: raceB, Box: boxB1, User: "ysk", Source: sandik.SourceOfficial, Sheet: sandik.Tutanak{Registered: 300, Voted: 220, ValidWithoutObjection: 210, ValidTotal: 210, Invalid: 10, Votes: []int64{150, 60}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	for name, tc := range map[string]struct{ body, want string }{
		"cut line":      {strings.TrimSuffix(body, "\n")[:len(body)-5], "does not end with a line break"},
		"short row":     {body + "34.1.1.1044;300;200\n", "wrong number of fields"},
		"html":          {"<html>oops</html>\n", "header lacks the mapped columns"},
		"not a number":  {strings.Replace(body, ";250;", ";2S0;", 1), `line 2: SANDIK… OY_KULLANAN "2S0" is not a whole number`},
		"unknown party": {strings.Replace(body, "AK PARTİ", "DEM", 1), `choice "DEM" is not on the ballot`},
	} {
		_, err := d.Decode([]byte(tc.body))
		msg := ""
		if err != nil {
			msg = err.Error()
			for _, p := range sandik.ProblemsOf(err) {
				msg += " | " + p.String()
			}
		}
		want := tc.want
		if name == "not a number" {
			want = `"2S0" is not a whole number`
			if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Line != 2 || ps[0].Field != "line 2.OY_KULLANAN" {
				t.Errorf("not a number: problems %+v, want line 2, field OY_KULLANAN", ps)
			}
		}
		if sandik.CodeOf(err) != sandik.EInvalid || !strings.Contains(msg, want) {
			t.Errorf("%s: %q, want a refusal saying %q", name, msg, want)
		}
	}
}

func TestMappingRefusesUnknownAndMissingNames(t *testing.T) {
	if _, err := feed.ParseMapping([]byte(`{"format": "json", "election": "e", "kind": "meclis", "boxs": "x"}`)); err == nil || !strings.Contains(sandik.ProblemsOf(err)[0].Message, "unknown field") {
		t.Errorf("unknown key: %v", err)
	}
	_, err := feed.ParseMapping([]byte(`{"format": "xml", "election": "e", "kind": "meclis", "voted": ""}`))
	var fields []string
	for _, p := range sandik.ProblemsOf(err) {
		fields = append(fields, p.Field)
	}
	if diff := cmp.Diff([]string{"format", "voted"}, fields); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// Backoff doubles from the interval to the cap and keeps half of it at
// least; a healthy follower waits between nine tenths and the interval.
func TestBackoffWithJitter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	iv, ceiling := 30*time.Second, 5*time.Minute
	for range 200 {
		if d := feed.Backoff(iv, ceiling, 0, r); d < 27*time.Second || d > iv {
			t.Fatalf("healthy wait %v", d)
		}
		for f, top := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 4: ceiling, 10: ceiling} {
			if d := feed.Backoff(iv, ceiling, f, r); d < top/2 || d > top {
				t.Fatalf("after %d failures: %v, want within [%v, %v]", f, d, top/2, top)
			}
		}
	}
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[feed.Backoff(iv, ceiling, 3, r)] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct waits in 20: no jitter", len(seen))
	}
}

// A mapping may name its races instead of a kind: the demo's race codes
// carry none. A race not in the election, or both kind and races, is
// refused by name.
func TestMappingByRaceCodes(t *testing.T) {
	reg := registry(t)
	m := feed.DefaultMapping()
	m.Election, m.Races = election, []sandik.RaceCode{reg.Races[0].Code}
	if _, err := feed.NewDecoder(reg, m); err != nil {
		t.Fatalf("races by code: %v", err)
	}
	m.Races = append(m.Races, "yok")
	if _, err := feed.NewDecoder(reg, m); sandik.CodeOf(err) != sandik.ENotFound || !strings.Contains(err.Error(), `"yok"`) {
		t.Errorf("an unknown race: %v", err)
	}
	m.Races, m.Kind = m.Races[:1], "meclis"
	if err := m.Validate(); err == nil || sandik.ProblemsOf(err)[0].Field != "kind" {
		t.Errorf("kind and races both: %v", err)
	}
	m.Kind, m.Races = "", []sandik.RaceCode{"BAD CODE"}
	if err := m.Validate(); err == nil || sandik.ProblemsOf(err)[0].Field != "races[0]" {
		t.Errorf("a bad race code: %v", err)
	}
}
