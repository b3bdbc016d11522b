package sandik

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func choices(codes ...string) []Choice {
	out := make([]Choice, len(codes))
	for i, c := range codes {
		out[i] = Choice{Code: ChoiceCode(c), Name: c}
	}
	return out
}

func TestTutanakCheck(t *testing.T) {
	ch := choices("A", "B")
	good := Tutanak{Registered: 300, Voted: 250, ValidWithoutObjection: 240, ValidUponObjection: 5, ValidTotal: 245, Invalid: 5, Votes: []int64{145, 100}}
	tests := []struct {
		name   string
		modify func(*Tutanak)
		want   []string // "field rule"
	}{
		{"valid sheet", func(*Tutanak) {}, nil},
		{"voted over registered is not an error", func(s *Tutanak) { s.Registered = 10 }, nil},
		{"choices do not add up", func(s *Tutanak) { s.Votes[1] = 112 }, []string{"votes choices_sum"}},
		{"objection split does not add up", func(s *Tutanak) { s.ValidUponObjection = 6 }, []string{"valid_total valid_sum"}},
		{"valid plus invalid is not voted", func(s *Tutanak) { s.Invalid = 9 }, []string{"voted voted_sum"}},
		{"negative field", func(s *Tutanak) { s.Invalid = -1 }, []string{"invalid_total negative"}},
		{"negative vote", func(s *Tutanak) { s.Votes[0] = -3 }, []string{"votes.A negative"}},
		{"absurd number", func(s *Tutanak) { s.Voted = MaxSheetNumber + 1 }, []string{"voted too_large"}},
		{"every identity at once", func(s *Tutanak) { s.ValidTotal = 1 }, []string{"valid_total valid_sum", "votes choices_sum", "voted voted_sum"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good.Clone()
			tt.modify(&s)
			var got []string
			for _, p := range s.Check("", ch) {
				got = append(got, p.Field+" "+p.Rule)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("problems %v, want %v", got, tt.want)
			}
		})
	}
}

func TestChoicesSumSaysByHowMuch(t *testing.T) {
	s := Tutanak{Voted: 100, ValidWithoutObjection: 100, ValidTotal: 100, Votes: []int64{60, 52}}
	ps := s.Check("items[2].", choices("A", "B"))
	if len(ps) != 1 || *ps[0].Want != 100 || *ps[0].Got != 112 || !strings.Contains(ps[0].Message, "12 more") || ps[0].Field != "items[2].votes" {
		t.Fatalf("got %+v", ps)
	}
}

func TestContentHash(t *testing.T) {
	s := Submission{ID: "x", Race: "r", Box: "b", User: "u", Source: SourceObserver, Kind: KindEntry,
		CapturedAt: time.Date(2019, 3, 31, 20, 0, 0, 0, time.UTC), Sheet: Tutanak{Votes: []int64{1, 2}}}
	h := s.ContentHash()
	s.ReceivedAt, s.Seq, s.Warnings = time.Now(), 7, WarnLate
	if s.ContentHash() != h {
		t.Fatal("server-set fields changed the content hash")
	}
	for name, change := range map[string]func(*Submission){
		"user":     func(s *Submission) { s.User = "v" },
		"vote":     func(s *Submission) { s.Sheet.Votes[1] = 3 },
		"captured": func(s *Submission) { s.CapturedAt = s.CapturedAt.Add(time.Second) },
		"kind":     func(s *Submission) { s.Kind = KindAdjudication },
		"reason":   func(s *Submission) { s.Reason = "r" },
		// Length-prefixing keeps "ab"+"c" apart from "a"+"bc".
		"boundary": func(s *Submission) { s.Race, s.Box = "rb", "" },
	} {
		c := s
		c.Sheet = s.Sheet.Clone()
		change(&c)
		if c.ContentHash() == h {
			t.Errorf("changing %s left the content hash unchanged", name)
		}
	}
}

func TestSubmissionID(t *testing.T) {
	for _, ok := range []SubmissionID{"a", "0b7e-11f0:x_y.z", SubmissionID(strings.Repeat("x", 128))} {
		if err := ValidateSubmissionID(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []SubmissionID{"", "has space", "tab\t", "ünicode", SubmissionID(strings.Repeat("x", 129))} {
		if ValidateSubmissionID(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWarningNames(t *testing.T) {
	if got := (WarnLate | WarnVotedOverRegistered).Names(); !slices.Equal(got, []string{"voted_over_registered", "late"}) {
		t.Fatalf("got %v", got)
	}
	if got := Warnings(0).Names(); got == nil || len(got) != 0 {
		t.Fatalf("no warnings should be an empty list, got %#v", got)
	}
}

func TestTutanakAdd(t *testing.T) {
	var sum Tutanak
	a := Tutanak{Registered: 300, Voted: 250, ValidWithoutObjection: 240, ValidUponObjection: 5, ValidTotal: 245, Invalid: 5, Votes: []int64{145, 100}}
	sum.Add(a)
	sum.Add(a)
	want := Tutanak{Registered: 600, Voted: 500, ValidWithoutObjection: 480, ValidUponObjection: 10, ValidTotal: 490, Invalid: 10, Votes: []int64{290, 200}}
	if !sum.Equal(want) {
		t.Fatalf("sum %+v, want %+v", sum, want)
	}
	if len(a.Votes) != 2 || a.Votes[0] != 145 {
		t.Fatal("Add changed its argument")
	}
}
