package queue

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/tally"
)

var t0 = time.Date(2026, 3, 29, 19, 0, 0, 0, time.UTC)

// districts of the test registry, in byte order: Turkish order differs
// (Bağcılar before Bayrampaşa, Şişli after Sarıyer, Üsküdar last).
var districtNames = []string{"Avcılar", "Bayrampaşa", "Bağcılar", "Sarıyer", "Şişli", "Üsküdar"}

// testRegistry is İstanbul with the districts above, each with one
// mahalle, one school and boxes boxes.
func testRegistry(t testing.TB, boxes int) *sandik.Registry {
	t.Helper()
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}, {Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"}}
	for i, name := range districtNames {
		d := sandik.AreaCode(fmt.Sprintf("34.%02d", i+1))
		areas = append(areas,
			sandik.Area{Code: d, Parent: "34", Level: sandik.LevelIlce, Name: name},
			sandik.Area{Code: d + ".01", Parent: d, Level: sandik.LevelMahalle, Name: name + " Merkez"},
			sandik.Area{Code: d + ".01.01", Parent: d + ".01", Level: sandik.LevelBuilding, Name: name + " İlkokulu"})
		for b := range boxes {
			areas = append(areas, sandik.Area{Code: sandik.AreaCode(fmt.Sprintf("%s.01.01.%03d", d, b+1)), Parent: d + ".01.01",
				Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", (i+1)*1000+b+1)})
		}
	}
	el := []sandik.Election{{Code: "E", Name: "Seçim", Date: t0, Quorum: 2}}
	races := []sandik.Race{{Code: "R", Election: "E", Name: "Başkan", Scope: "34", Choices: []sandik.Choice{{Code: "A", Name: "A"}, {Code: "B", Name: "B"}}}}
	reg, err := sandik.NewRegistry(areas, el, races, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// conflicts puts n conflicts in the registry's boxes, going round the
// districts, oldest first, a minute apart.
func conflicts(n, boxes int) []tally.Conflict {
	var out []tally.Conflict
	for k := range n {
		d, b := k%len(districtNames), k/len(districtNames)
		box := sandik.AreaCode(fmt.Sprintf("34.%02d.01.01.%03d", d+1, b%boxes+1))
		out = append(out, tally.Conflict{Race: "R", Box: box, Since: t0.Add(time.Duration(k) * time.Minute), Seq: int64(k + 1), Entries: 2})
	}
	return out
}

func TestParseRequest(t *testing.T) {
	reg := testRegistry(t, 1)
	ok := []struct {
		district, page string
		want           Request
	}{
		{"", "", Request{Page: 1}},
		{"34.05", "3", Request{District: "34.05", Page: 3}},
		{"", "1000", Request{Page: 1000}}, // clamped by Build
	}
	for _, c := range ok {
		got, err := ParseRequest(reg, c.district, c.page)
		if err != nil || got != c.want {
			t.Errorf("ParseRequest(%q, %q) = %+v, %v; want %+v", c.district, c.page, got, err, c.want)
		}
	}
	bad := []struct {
		district, page string
		fields         []string
	}{
		{"34.99", "", []string{"ilce"}},
		{"34.01.01", "", []string{"ilce"}}, // a mahalle is not a district
		{"34", "", []string{"ilce"}},
		{"", "0", []string{"page"}},
		{"", "-2", []string{"page"}},
		{"", "iki", []string{"page"}},
		{"nowhere", "x", []string{"ilce", "page"}},
	}
	for _, c := range bad {
		_, err := ParseRequest(reg, c.district, c.page)
		var fields []string
		for _, p := range sandik.ProblemsOf(err) {
			fields = append(fields, p.Field)
		}
		if sandik.CodeOf(err) != sandik.EInvalid || !slices.Equal(fields, c.fields) {
			t.Errorf("ParseRequest(%q, %q): %v, fields %v; want %v", c.district, c.page, err, fields, c.fields)
		}
	}
}

func TestPagesCoverTheQueueInOrder(t *testing.T) {
	reg := testRegistry(t, 60)
	all := conflicts(301, 60)
	for _, district := range []sandik.AreaCode{"", "34.01", "34.05"} {
		var want []tally.Conflict
		for _, c := range all {
			if district == "" || strings.HasPrefix(string(c.Box), string(district)+".") {
				want = append(want, c)
			}
		}
		first := Build(reg, all, Request{District: district, Page: 1}, t0)
		if first.Pages != (len(want)+PageSize-1)/PageSize || first.Matching != len(want) || first.Total != len(all) {
			t.Fatalf("%q: %d pages, %d matching of %d; want %d matching", district, first.Pages, first.Matching, first.Total, len(want))
		}
		var got []tally.Conflict
		for p := 1; p <= first.Pages; p++ {
			pg := Build(reg, all, Request{District: district, Page: p}, t0)
			if pg.Page != p || len(pg.Items) == 0 || len(pg.Items) > PageSize || pg.First != len(got)+1 || pg.Last != len(got)+len(pg.Items) {
				t.Fatalf("%q page %d: page %d, %d items, %d–%d", district, p, pg.Page, len(pg.Items), pg.First, pg.Last)
			}
			for _, it := range pg.Items {
				if district != "" && it.District != district {
					t.Fatalf("%q: %s of district %s on the page", district, it.Box, it.District)
				}
				got = append(got, it.Conflict)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%q: the pages together hold %d conflicts, not the %d of the queue in order", district, len(got), len(want))
		}
		// A page past the end shows the last one: a queue shrinks while
		// it is worked on, and a stale link still shows something.
		if last := Build(reg, all, Request{District: district, Page: 99}, t0); last.Page != first.Pages || len(last.Items) == 0 {
			t.Fatalf("%q: page 99 is page %d with %d items", district, last.Page, len(last.Items))
		}
	}
	if pg := Build(reg, nil, Request{Page: 3}, t0); pg.Page != 1 || pg.Pages != 1 || pg.First != 0 || len(pg.Items) != 0 {
		t.Fatalf("empty queue: %+v", pg)
	}
}

func TestDistrictsInTurkishOrderWithCounts(t *testing.T) {
	reg := testRegistry(t, 60)
	all := conflicts(300, 60)[:len(districtNames)*10-1] // Üsküdar has one fewer
	pg := Build(reg, all, Request{Page: 1}, t0)
	var names []string
	for _, d := range pg.Districts {
		names = append(names, fmt.Sprintf("%s:%d", d.Name, d.Count))
	}
	want := []string{"Avcılar:10", "Bağcılar:10", "Bayrampaşa:10", "Sarıyer:10", "Şişli:10", "Üsküdar:9"}
	if !slices.Equal(names, want) {
		t.Fatalf("districts %v, want %v", names, want)
	}
	// The filter offers every district with a conflict, whatever the page
	// shows.
	if f := Build(reg, all, Request{District: "34.03", Page: 1}, t0); len(f.Districts) != 6 || f.Matching != 10 {
		t.Fatalf("filtered: %d districts, %d matching", len(f.Districts), f.Matching)
	}
}

func TestItemsNamedAndAged(t *testing.T) {
	reg := testRegistry(t, 2)
	all := conflicts(3, 2)
	pg := Build(reg, all, Request{Page: 1}, t0.Add(14*time.Minute+30*time.Second))
	it := pg.Items[1]
	if it.Label != "Bayrampaşa › Bayrampaşa Merkez › Bayrampaşa İlkokulu › Sandık 2001" || it.District != "34.02" {
		t.Fatalf("label %q, district %s", it.Label, it.District)
	}
	if it.Age != 13*time.Minute+30*time.Second || Age(msg.TR, it.Age) != "13 dk" {
		t.Fatalf("age %v, %q", it.Age, Age(msg.TR, it.Age))
	}
	// A clock behind the conflict (another machine's) is no negative age.
	if pg := Build(reg, all, Request{Page: 1}, t0.Add(-time.Hour)); pg.Items[0].Age != 0 {
		t.Fatalf("age before the conflict: %v", pg.Items[0].Age)
	}
}

func TestAge(t *testing.T) {
	cases := []struct {
		d      time.Duration
		tr, en string
	}{
		{0, "1 dk'dan az", "under 1 min"},
		{59 * time.Second, "1 dk'dan az", "under 1 min"},
		{12 * time.Minute, "12 dk", "12 min"},
		{59*time.Minute + 59*time.Second, "59 dk", "59 min"},
		{2*time.Hour + 5*time.Minute, "2 sa 5 dk", "2 h 5 min"},
		{27 * time.Hour, "1 gün 3 sa", "1 d 3 h"},
	}
	for _, c := range cases {
		if got := Age(msg.TR, c.d); got != c.tr {
			t.Errorf("Age(tr, %v) = %q, want %q", c.d, got, c.tr)
		}
		if got := Age(msg.EN, c.d); got != c.en {
			t.Errorf("Age(en, %v) = %q, want %q", c.d, got, c.en)
		}
	}
}

// BenchmarkBuild lays out a page of a night's worst queue: 10.000 boxes
// in conflict, filtered to one district.
func BenchmarkBuild(b *testing.B) {
	reg := testRegistry(b, 2000)
	all := conflicts(10000, 2000)
	for b.Loop() {
		Build(reg, all, Request{District: "34.03", Page: 7}, t0)
	}
}
