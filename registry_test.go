package sandik

import (
	"slices"
	"testing"
	"time"
)

func TestRegistryReferences(t *testing.T) {
	reg := testRegistry(t)
	if !reg.Contains("34", "34-3-1-1001") || reg.Contains("06", "34-3-1-1001") || !reg.Contains("34", "34") {
		t.Fatal("Contains is wrong")
	}
	if got := reg.Ancestors("34-3-1-1001"); !slices.Equal(got, []AreaCode{"34-3-1", "34-3", "34"}) {
		t.Fatalf("ancestors %v", got)
	}
	if got := reg.RaceBoxes("ibb"); !slices.Equal(got, []AreaCode{"34-3-1-1001"}) {
		t.Fatalf("race boxes %v (an unregistered box must not count)", got)
	}
	if got := reg.Roots(); !slices.Equal(got, []AreaCode{"34", "06"}) {
		t.Fatalf("roots %v", got)
	}
}

// Contains is "is the scope the area or one of its ancestors", for every
// pair of the registry's areas and codes it does not know.
func TestContainsAsAncestors(t *testing.T) {
	reg := testRegistry(t)
	codes := []AreaCode{"", "99", "34-9"}
	for _, a := range reg.Areas {
		codes = append(codes, a.Code)
	}
	for _, scope := range codes {
		for _, area := range codes {
			want := scope == area || slices.Contains(reg.Ancestors(area), scope)
			if got := reg.Contains(scope, area); got != want {
				t.Errorf("Contains(%q, %q) = %v, want %v", scope, area, got, want)
			}
		}
	}
}

func TestRegistryProblems(t *testing.T) {
	day := time.Date(2019, 3, 31, 0, 0, 0, 0, time.UTC)
	_, err := NewRegistry(
		[]Area{
			{Code: "34", Level: LevelIl, Name: "İSTANBUL"},
			{Code: "34", Level: LevelIl, Name: "again"},
			{Code: "34-1", Parent: "99", Level: LevelIlce, Name: "orphan"},
			{Code: "34-2", Parent: "34", Level: LevelIl, Name: "same level as parent"},
			{Code: "bad code", Level: LevelIl, Name: "x"},
			{Code: "34-3", Parent: "34", Level: LevelIlce},
		},
		[]Election{{Code: "e", Name: "E", Date: day, Quorum: 0}},
		[]Race{{Code: "r", Election: "x", Name: "R", Scope: "77", Choices: []Choice{{Code: "A", Name: "A"}, {Code: "A", Name: "A"}}}},
		[]Registration{{Election: "e", Box: "34", Registered: 5}, {Election: "e", Box: "nope", Registered: 5}},
	)
	var got []string
	for _, p := range ProblemsOf(err) {
		got = append(got, p.Field+" "+p.Rule)
	}
	want := []string{
		"areas[1].code duplicate", "areas[4].code invalid_value", "areas[5].name required",
		"areas[2].parent unknown_area", "areas[3].parent invalid_value",
		"elections[0].quorum invalid_value",
		"registrations[0].box invalid_value", "registrations[1].box unknown_box",
		"races[0].election unknown_election", "races[0].scope unknown_area", "races[0].choices[1].code duplicate",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("problems\n%v\nwant\n%v", got, want)
	}
}

func TestRegistryMerge(t *testing.T) {
	reg := testRegistry(t)
	same, err := reg.Merge(reg)
	if err != nil {
		t.Fatal(err)
	}
	if len(same.Areas) != len(reg.Areas) || len(same.Registrations) != len(reg.Registrations) {
		t.Fatal("merging a registry with itself changed it")
	}
	more, err := NewRegistry([]Area{{Code: "34", Level: LevelIl, Name: "İSTANBUL"}, {Code: "34-3-1-1003", Parent: "34", Level: LevelSandik, Name: "1003"}},
		nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	merged, err := reg.Merge(more)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := merged.Area("34-3-1-1003"); !ok || len(merged.Areas) != len(reg.Areas)+1 {
		t.Fatal("new area not merged")
	}
	contra, _ := NewRegistry([]Area{{Code: "34", Level: LevelIl, Name: "ISTANBUL"}}, nil, nil, nil)
	if _, err := reg.Merge(contra); CodeOf(err) != EInvalid || ProblemsOf(err)[0].Rule != RuleConflict {
		t.Fatalf("contradicting area accepted: %v", err)
	}
}

func TestLevelText(t *testing.T) {
	for l := LevelCountry; l <= LevelSandik; l++ {
		var back AreaLevel
		b, _ := l.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != l {
			t.Fatalf("%v round-trips to %v (%v)", l, back, err)
		}
	}
	if _, err := ParseAreaLevel("planet"); err == nil {
		t.Fatal("unknown level accepted")
	}
}

func TestRaceScopeMustNotBeABox(t *testing.T) {
	_, err := NewRegistry(
		[]Area{{Code: "34", Level: LevelIl, Name: "İ"}, {Code: "34-1", Parent: "34", Level: LevelSandik, Name: "1"}},
		[]Election{{Code: "e", Name: "E", Date: time.Now(), Quorum: 2}},
		[]Race{{Code: "r", Election: "e", Name: "R", Scope: "34-1", Choices: choices("A")}}, nil)
	if ps := ProblemsOf(err); len(ps) != 1 || ps[0].Field != "races[0].scope" {
		t.Fatalf("a box as a race's scope: %v", err)
	}
}
