package sandik

import (
	"slices"
	"testing"
	"time"
)

func testRegistry(t *testing.T) *Registry {
	t.Helper()
	reg, err := NewRegistry(
		[]Area{
			{Code: "34", Level: LevelIl, Name: "İSTANBUL"},
			{Code: "34-3", Parent: "34", Level: LevelIlce, Name: "ADALAR"},
			{Code: "34-3-1", Parent: "34-3", Level: LevelMahalle, Name: "BURGAZADA"},
			{Code: "34-3-1-1001", Parent: "34-3-1", Level: LevelSandik, Name: "1001"},
			{Code: "34-3-1-1002", Parent: "34-3-1", Level: LevelSandik, Name: "1002"},
			{Code: "06", Level: LevelIl, Name: "ANKARA"},
			{Code: "06-1", Parent: "06", Level: LevelSandik, Name: "1"},
		},
		[]Election{{Code: "2019", Name: "31 Mart", Date: time.Date(2019, 3, 31, 0, 0, 0, 0, time.UTC), Quorum: 2}},
		[]Race{{Code: "ibb", Election: "2019", Name: "İBB", Scope: "34", Choices: choices("CHP", "AKP")}},
		[]Registration{{Election: "2019", Box: "34-3-1-1001", Registered: 300}, {Election: "2019", Box: "06-1", Registered: 10}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func n(v int64) *int64 { return &v }

func goodInput() SheetInput {
	return SheetInput{ID: "id-1", Race: "ibb", Box: "34-3-1-1001", Source: SourceObserver,
		Registered: n(300), Voted: n(250), ValidWithoutObjection: n(245), ValidUponObjection: n(0), ValidTotal: n(245), Invalid: n(5),
		Votes: map[ChoiceCode]*int64{"CHP": n(145), "AKP": n(100)}}
}

var now = time.Date(2019, 3, 31, 21, 0, 0, 0, time.UTC)

func TestNewSubmissionRules(t *testing.T) {
	reg := testRegistry(t)
	user := User{ID: "ayse", Role: RoleObserver}
	tests := []struct {
		name   string
		modify func(*SheetInput)
		kind   Kind
		want   []string // "field rule"
	}{
		{"valid", func(*SheetInput) {}, KindEntry, nil},
		{"missing id", func(in *SheetInput) { in.ID = "" }, KindEntry, []string{"id required"}},
		{"an official import's id", func(in *SheetInput) { in.ID = "ysk:ibb:34-3-1-1001:00ff" }, KindEntry, []string{"id invalid_value"}},
		{"an observer import's id", func(in *SheetInput) { in.ID = "imp:ovo-ibb-7" }, KindEntry, []string{"id invalid_value"}},
		{"unknown race", func(in *SheetInput) { in.Race = "nope" }, KindEntry, []string{"race unknown_race"}},
		{"unknown box", func(in *SheetInput) { in.Box = "34-9" }, KindEntry, []string{"box unknown_box"}},
		{"an area that is not a box", func(in *SheetInput) { in.Box = "34-3-1" }, KindEntry, []string{"box unknown_box"}},
		{"box outside the race", func(in *SheetInput) { in.Box = "06-1" }, KindEntry, []string{"box box_not_in_race"}},
		{"box not registered for the election", func(in *SheetInput) { in.Box = "34-3-1-1002" }, KindEntry, []string{"box box_not_in_race"}},
		{"unknown choice", func(in *SheetInput) { in.Votes["HDP"] = n(0) }, KindEntry, []string{"votes.HDP unknown_choice"}},
		{"missing choice", func(in *SheetInput) { delete(in.Votes, "AKP") }, KindEntry, []string{"votes.AKP missing_choice"}},
		{"missing field", func(in *SheetInput) { in.Voted = nil }, KindEntry, []string{"voted required"}},
		{"choices do not add up", func(in *SheetInput) { in.Votes["AKP"] = n(112) }, KindEntry, []string{"votes choices_sum"}},
		{"valid plus invalid is not voted", func(in *SheetInput) { in.Invalid = n(6) }, KindEntry, []string{"voted voted_sum"}},
		{"negative", func(in *SheetInput) { in.Invalid = n(-5) }, KindEntry, []string{"invalid_total negative"}},
		{"official is not submitted", func(in *SheetInput) { in.Source = SourceOfficial }, KindEntry, []string{"source invalid_value"}},
		{"unknown source", func(in *SheetInput) { in.Source = "fax" }, KindEntry, []string{"source invalid_value"}},
		{"entry with a reason", func(in *SheetInput) { in.Reason = "because" }, KindEntry, []string{"reason invalid_value"}},
		{"adjudication without reason", func(*SheetInput) {}, KindAdjudication, []string{"reason reason_required"}},
		{"adjudication with reason", func(in *SheetInput) { in.Reason = "photo checked" }, KindAdjudication, nil},
		{"capture time in the future", func(in *SheetInput) { c := now.Add(48 * time.Hour); in.CapturedAt = &c }, KindEntry, []string{"captured_at invalid_value"}},
		{"every problem at once", func(in *SheetInput) { in.ID = ""; in.Race = "nope"; in.Box = "" }, KindEntry,
			[]string{"id required", "race unknown_race", "box required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := goodInput()
			tt.modify(&in)
			s, err := reg.NewSubmission(&in, user, tt.kind, now, "")
			var got []string
			for _, p := range ProblemsOf(err) {
				got = append(got, p.Field+" "+p.Rule)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("problems %v, want %v (err %v)", got, tt.want, err)
			}
			if err == nil && (s.Hash != s.ContentHash() || s.User != "ayse" || len(s.Sheet.Votes) != 2) {
				t.Fatalf("accepted submission is incomplete: %+v", s)
			}
			if err != nil && CodeOf(err) != EInvalid {
				t.Fatalf("code %s, want invalid", CodeOf(err))
			}
		})
	}
}

func TestNewSubmissionWarnings(t *testing.T) {
	reg := testRegistry(t)
	in := goodInput()
	in.Registered = n(240) // fewer than voted, and not the registry's 300
	captured := now.Add(-2 * time.Hour)
	in.CapturedAt = &captured
	s, err := reg.NewSubmission(&in, User{ID: "ayse"}, KindEntry, now, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := WarnVotedOverRegistered | WarnRegisteredMismatch | WarnLate; s.Warnings != want {
		t.Fatalf("warnings %v, want %v", s.Warnings.Names(), want.Names())
	}
	if !s.CapturedAt.Equal(captured) {
		t.Fatal("capture time not kept")
	}
}

func TestNewSubmissionVotesFollowBallotOrder(t *testing.T) {
	reg := testRegistry(t)
	in := goodInput()
	s, err := reg.NewSubmission(&in, User{ID: "ayse"}, KindEntry, now, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Sheet.Votes, []int64{145, 100}) {
		t.Fatalf("votes %v, want CHP then AKP", s.Sheet.Votes)
	}
}
