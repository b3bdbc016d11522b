package sandik

import (
	"testing"
	"time"
)

func TestCommitmentDueAcrossIstanbulMidnight(t *testing.T) {
	c := Commitment{ID: "c1", Visit: "v1", Text: "yol", OwnerUnit: "u", Due: "2024-05-05", Status: CommitOpen}
	cases := []struct {
		utc  string
		want DueState
	}{
		{"2024-05-04T20:59:59Z", DueLater},   // 23:59:59 on the 4th in İstanbul
		{"2024-05-04T21:00:00Z", DueToday},   // 00:00 on the 5th in İstanbul, still the 4th in UTC
		{"2024-05-05T20:59:59Z", DueToday},   // 23:59:59 on the 5th
		{"2024-05-05T21:00:00Z", DueOverdue}, // 00:00 on the 6th in İstanbul, still the 5th in UTC
	}
	for _, tc := range cases {
		now, _ := time.Parse(time.RFC3339, tc.utc)
		if got := c.DueState(now); got != tc.want {
			t.Errorf("at %s: %s, want %s", tc.utc, got, tc.want)
		}
	}
	now, _ := time.Parse(time.RFC3339, "2024-06-01T00:00:00Z")
	for _, s := range []CommitmentStatus{CommitDone, CommitDropped} {
		c.Status = s
		if got := c.DueState(now); got != DueClosed {
			t.Errorf("%s: %s, want closed", s, got)
		}
	}
}

func TestDueBoard(t *testing.T) {
	now, _ := time.Parse(time.RFC3339, "2024-05-05T09:00:00Z")
	cs := []Commitment{
		{ID: "b", Due: "2024-05-01", Status: CommitOpen},
		{ID: "a", Due: "2024-05-03", Status: CommitOpen},
		{ID: "c", Due: "2024-05-05", Status: CommitOpen},
		{ID: "d", Due: "2024-05-09", Status: CommitOpen},
		{ID: "e", Due: "2024-05-01", Status: CommitDone},
	}
	b := NewDueBoard(cs, now)
	if len(b.Overdue) != 2 || b.Overdue[0].ID != "b" || b.Overdue[1].ID != "a" {
		t.Errorf("overdue %+v", b.Overdue)
	}
	if len(b.DueToday) != 1 || b.DueToday[0].ID != "c" || len(b.Later) != 1 || b.Later[0].ID != "d" {
		t.Errorf("today %+v later %+v", b.DueToday, b.Later)
	}
}

func TestChain(t *testing.T) {
	cs := []Commitment{{ID: "c3", Follows: "c2"}, {ID: "c1"}, {ID: "c2", Follows: "c1"}, {ID: "x", Follows: "y"}, {ID: "y", Follows: "x"}}
	got := Chain(cs, "c3")
	if len(got) != 3 || got[0].ID != "c1" || got[2].ID != "c3" {
		t.Errorf("chain %+v", got)
	}
	if got := Chain(cs, "x"); len(got) != 2 {
		t.Errorf("a cycle ends the walk: %+v", got)
	}
}

func TestVisitValidate(t *testing.T) {
	v := Visit{ID: "v1", FromUnit: "il-35", Visitors: []PersonID{"p1"}, Target: VisitTarget{Unit: "ilce-kiraz"}, Kind: VisitEvaluation, At: time.Now()}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := v
	bad.Target.Person = "p2"
	bad.Kind = "party"
	bad.Photos = []string{"abc"}
	err := bad.Validate()
	fields := map[string]bool{}
	for _, p := range ProblemsOf(err) {
		fields[p.Field] = true
	}
	for _, f := range []string{"target", "kind", "photos[0]"} {
		if !fields[f] {
			t.Errorf("no problem named %s in %v", f, err)
		}
	}
	c := Commitment{ID: "c1", Visit: "v1", Text: "x", Due: "2024-13-01", Status: "late"}
	fields = map[string]bool{}
	for _, p := range ProblemsOf(c.Validate()) {
		fields[p.Field] = true
	}
	for _, f := range []string{"owner_person", "due", "status"} {
		if !fields[f] {
			t.Errorf("commitment: no problem named %s", f)
		}
	}
}
