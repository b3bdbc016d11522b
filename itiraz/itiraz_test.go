package itiraz_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
)

var ist = itiraz.Istanbul()

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ist)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDefaultDeadlines(t *testing.T) {
	rules := itiraz.DefaultRules()
	if err := itiraz.CheckRules(rules); err != nil {
		t.Fatal(err)
	}
	rule := func(b itiraz.Board) itiraz.Rule {
		r, ok := itiraz.RuleFor(rules, b)
		if !ok {
			t.Fatalf("no rule for %s", b)
		}
		return r
	}
	tests := []struct {
		name    string
		board   itiraz.Board
		trigger time.Time
		want    string
	}{
		// 31 March 2024 was a Sunday: the published calendar closed the
		// ilçe boards at 15:00 on Tuesday 2 April.
		{"ilçe: Tuesday 15:00 after a Sunday vote", itiraz.BoardIlce, at("2024-03-31 00:00"), "2024-04-02 15:00"},
		// The trigger's date counts in İstanbul: 22:30 UTC on 30 March is
		// already 31 March there.
		{"time zone: UTC evening is the next İstanbul day", itiraz.BoardIlce, time.Date(2024, 3, 30, 22, 30, 0, 0, time.UTC), "2024-04-02 15:00"},
		{"time zone: UTC 20:59 is still the same İstanbul day", itiraz.BoardIlce, time.Date(2024, 3, 30, 20, 59, 0, 0, time.UTC), "2024-04-01 15:00"},
		// Across midnight: an ilçe sheet drawn up at 23:50 on Thursday
		// gives until 17:00 on Friday; at 00:10 on Friday, until Saturday.
		{"il: before midnight", itiraz.BoardIl, at("2024-04-04 23:50"), "2024-04-05 17:00"},
		{"il: after midnight", itiraz.BoardIl, at("2024-04-05 00:10"), "2024-04-06 17:00"},
		// Weekends do not extend (the law has no such rule): 2024's il
		// consolidation on Sunday 7 April closed YSK on Wednesday 10 April.
		{"YSK: third day after the il sheet", itiraz.BoardYSK, at("2024-04-07 17:00"), "2024-04-10 17:00"},
		{"YSK: deadline on a Sunday stays a Sunday", itiraz.BoardYSK, at("2024-04-11 09:00"), "2024-04-14 17:00"},
		{"box board: the moment the sheet is signed", itiraz.BoardSandik, at("2024-03-31 21:15"), "2024-03-31 21:15"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rule(tc.board).Deadline(tc.trigger, ist)
			if want := at(tc.want); !got.Equal(want) {
				t.Errorf("deadline %s, want %s", got.In(ist).Format("Mon 2006-01-02 15:04"), want.Format("Mon 2006-01-02 15:04"))
			}
			if got.Location().String() != ist.String() {
				t.Errorf("deadline in %s, want İstanbul time", got.Location())
			}
		})
	}
}

func TestWorkingDayRuleAndHours(t *testing.T) {
	r := itiraz.Rule{Board: itiraz.BoardYSK, Trigger: itiraz.TriggerIlConsolidation, Days: 3, At: "17:00", WorkingDays: true}
	if got, want := r.Deadline(at("2024-04-11 09:00"), ist), at("2024-04-15 17:00"); !got.Equal(want) {
		t.Errorf("Sunday deadline with working days: %s, want Monday %s", got, want)
	}
	h := itiraz.Rule{Board: itiraz.BoardIl, Trigger: itiraz.TriggerDecision, Hours: 48}
	if got, want := h.Deadline(at("2024-04-05 23:30"), ist), at("2024-04-07 23:30"); !got.Equal(want) {
		t.Errorf("48 hours: %s, want %s", got, want)
	}
	bad := []itiraz.Rule{
		{Board: "kaymakam", Trigger: itiraz.TriggerDecision},
		{Board: itiraz.BoardIl, Trigger: "moon", At: "25:00"},
		{Board: itiraz.BoardIl, Trigger: itiraz.TriggerDecision, Days: -1},
	}
	var fields []string
	for _, p := range sandik.ProblemsOf(itiraz.CheckRules(bad)) {
		fields = append(fields, p.Field)
	}
	if got := strings.Join(fields, ","); got != "rules[0].board,rules[1].trigger,rules[1].at,rules[2].board,rules[2].days" {
		t.Errorf("problems on %s", got)
	}
}

// registry: il 34 with two districts, two boxes each; a mayor race.
func registry(t *testing.T) *sandik.Registry {
	t.Helper()
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "34", Level: sandik.LevelIl, Name: "İSTANBUL"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "MALTEPE"},
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelSandik, Name: "1001"},
		{Code: "34.1.2", Parent: "34.1", Level: sandik.LevelSandik, Name: "1002"},
		{Code: "34.2", Parent: "34", Level: sandik.LevelIlce, Name: "ADALAR"},
		{Code: "34.2.1", Parent: "34.2", Level: sandik.LevelSandik, Name: "2001"},
		{Code: "06", Level: sandik.LevelIl, Name: "ANKARA"},
	}, []sandik.Election{{Code: "e", Name: "31 Mart 2019", Quorum: 2}},
		[]sandik.Race{{Code: "ibb", Election: "e", Name: "İBB Başkanı", Scope: "34", Choices: []sandik.Choice{{Code: "A", Name: "İmamoğlu"}, {Code: "B", Name: "Yıldırım"}}}},
		[]sandik.Registration{{Election: "e", Box: "34.1.1", Registered: 300}, {Election: "e", Box: "34.1.2", Registered: 300}, {Election: "e", Box: "34.2.1", Registered: 300}})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func draft() *itiraz.Draft {
	return &itiraz.Draft{Race: "ibb", Boxes: []sandik.AreaCode{"34.1.1"}, Ground: itiraz.GroundDiscrepancy, Remedy: itiraz.RemedyRecount,
		Board: itiraz.BoardIlce, Filer: "CHP İl Başkanlığı", Title: "Maltepe 1001", Claim: []int64{12, -12}}
}

func TestDraftCheck(t *testing.T) {
	reg := registry(t)
	if ps := draft().Check(reg); len(ps) != 0 {
		t.Fatalf("a good draft: %v", ps)
	}
	d := &itiraz.Draft{Race: "ibb", Boxes: []sandik.AreaCode{"34.9", "34.1"}, Areas: []sandik.AreaCode{"06", "99"}, Ground: "anger", Remedy: "revenge",
		Board: "kaymakam", Title: strings.Repeat("x", itiraz.MaxTitle+1), Claim: []int64{1}}
	var got []string
	for _, p := range d.Check(reg) {
		got = append(got, p.Field+" "+p.Rule)
	}
	want := "boxes[0] unknown_box,boxes[1] unknown_box,areas[0] invalid_value,areas[1] unknown_area,ground invalid_value,remedy invalid_value," +
		"board invalid_value,filer required,title too_large,claim invalid_value"
	if strings.Join(got, ",") != want {
		t.Errorf("problems\n got %s\nwant %s", strings.Join(got, ","), want)
	}
	empty := &itiraz.Draft{Race: "nope"}
	if ps := empty.Check(reg); len(ps) < 2 || ps[0].Field != "race" || ps[1].Field != "boxes" {
		t.Errorf("empty draft: %v", ps)
	}
}

// flow applies events one after another, numbering them.
type flow struct {
	t *testing.T
	c *itiraz.Case
}

func (f *flow) apply(e itiraz.Event) error {
	e.Case = "c1"
	e.User = "avukat"
	e.Version = 1
	if f.c != nil {
		e.Version = f.c.Version + 1
	}
	c, err := itiraz.Apply(f.c, e)
	if err == nil {
		f.c = c
	}
	return err
}

func (f *flow) must(e itiraz.Event) {
	f.t.Helper()
	if err := f.apply(e); err != nil {
		f.t.Fatalf("%s: %v", e.Kind, err)
	}
}

func (f *flow) refuse(e itiraz.Event, words string) {
	f.t.Helper()
	before := f.c
	err := f.apply(e)
	if sandik.CodeOf(err) != sandik.EInvalid || !strings.Contains(err.Error(), words) {
		f.t.Errorf("%s on a %s case: %v; want EInvalid saying %q", e.Kind, before.Status, err, words)
	}
	if f.c != before {
		f.t.Errorf("a refused %s changed the case", e.Kind)
	}
}

func TestStatusFlow(t *testing.T) {
	f := &flow{t: t}
	if err := f.apply(itiraz.Event{Kind: itiraz.EventFiled}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("a case starting with filed: %v", err)
	}
	f.must(itiraz.Event{Kind: itiraz.EventCreated, Draft: draft(), Deadline: at("2019-04-02 15:00")})
	f.refuse(itiraz.Event{Kind: itiraz.EventDecided, When: at("2019-04-02 10:00"), Outcome: itiraz.StatusAccepted}, "file it first")
	f.refuse(itiraz.Event{Kind: itiraz.EventAppealed, When: at("2019-04-02 10:00")}, "only rejected or partly accepted")
	f.refuse(itiraz.Event{Kind: itiraz.EventFiled}, "time it was handed")
	f.must(itiraz.Event{Kind: itiraz.EventEdited, Draft: &itiraz.Draft{Race: "ibb", Boxes: []sandik.AreaCode{"34.1.1", "34.1.2"}, Ground: itiraz.GroundDiscrepancy,
		Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "CHP", Title: "Maltepe", Claim: []int64{20, -20}}})
	f.must(itiraz.Event{Kind: itiraz.EventFiled, When: at("2019-04-02 14:30"), Reference: "2019/123"})
	if f.c.Status != itiraz.StatusFiled || f.c.Late(at("2019-04-03 00:00")) {
		t.Errorf("filed before the deadline: status %s late %v", f.c.Status, f.c.Late(at("2019-04-03 00:00")))
	}
	f.refuse(itiraz.Event{Kind: itiraz.EventEdited, Draft: draft()}, "only drafts")
	f.refuse(itiraz.Event{Kind: itiraz.EventFiled, When: at("2019-04-02 14:40")}, "only drafts")
	f.refuse(itiraz.Event{Kind: itiraz.EventDecided, When: at("2019-04-02 10:00"), Outcome: itiraz.StatusAccepted}, "not before the filing")
	f.refuse(itiraz.Event{Kind: itiraz.EventDecided, When: at("2019-04-04 16:00"), Outcome: itiraz.StatusFiled}, "accepted, partly_accepted or rejected")
	f.refuse(itiraz.Event{Kind: itiraz.EventDecided, When: at("2019-04-04 16:00"), Outcome: itiraz.StatusPartly, Granted: []int64{1}}, "votes granted")
	f.must(itiraz.Event{Kind: itiraz.EventDecided, When: at("2019-04-04 16:00"), Outcome: itiraz.StatusPartly, Granted: []int64{8, -8}, Decision: "1002 yeniden sayıldı"})
	f.must(itiraz.Event{Kind: itiraz.EventAppealed, When: at("2019-04-05 11:00"), Trigger: at("2019-04-04 16:00"), Deadline: at("2019-04-05 17:00")})
	if f.c.Board != itiraz.BoardIl || f.c.Status != itiraz.StatusAppealed || f.c.Late(at("2019-04-06 00:00")) {
		t.Errorf("after appeal: board %s status %s", f.c.Board, f.c.Status)
	}
	f.must(itiraz.Event{Kind: itiraz.EventDecided, When: at("2019-04-07 12:00"), Outcome: itiraz.StatusRejected})
	f.must(itiraz.Event{Kind: itiraz.EventAppealed, When: at("2019-04-08 09:00")})
	f.must(itiraz.Event{Kind: itiraz.EventDecided, When: at("2019-04-10 12:00"), Outcome: itiraz.StatusRejected})
	if f.c.Board != itiraz.BoardYSK {
		t.Fatalf("board %s, want ysk", f.c.Board)
	}
	f.refuse(itiraz.Event{Kind: itiraz.EventAppealed, When: at("2019-04-11 09:00")}, "final")
	f.refuse(itiraz.Event{Kind: itiraz.EventWithdraw}, "cannot be withdrawn")
	if len(f.c.History) != 8 || f.c.Version != 8 {
		t.Errorf("history %d, version %d; want 8 events", len(f.c.History), f.c.Version)
	}
	// The same events fold into the same case.
	again, err := itiraz.Fold(f.c.History)
	if err != nil || again.Status != f.c.Status || again.Board != f.c.Board || again.Version != f.c.Version {
		t.Errorf("fold: %v %+v", err, again)
	}
	// An event made on an old version conflicts.
	stale := itiraz.Event{Case: "c1", Version: 3, Kind: itiraz.EventWithdraw}
	if _, err := itiraz.Apply(f.c, stale); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("stale event: %v", err)
	}
}

func TestEvidenceAndLateness(t *testing.T) {
	f := &flow{t: t}
	f.must(itiraz.Event{Kind: itiraz.EventCreated, Draft: draft(), Deadline: at("2019-04-02 15:00")})
	f.refuse(itiraz.Event{Kind: itiraz.EventEvidence, Evidence: &itiraz.Evidence{Name: "tutanak.jpg", SHA256: "abc"}}, "no valid SHA-256")
	f.must(itiraz.Event{Kind: itiraz.EventEvidence, Evidence: &itiraz.Evidence{Name: "tutanak.jpg", Size: 3,
		SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}})
	if len(f.c.Evidence) != 1 {
		t.Fatalf("evidence %v", f.c.Evidence)
	}
	if !f.c.Late(at("2019-04-02 15:01")) || f.c.Late(at("2019-04-02 15:00")) {
		t.Error("a draft is late only after its deadline")
	}
	f.must(itiraz.Event{Kind: itiraz.EventFiled, When: at("2019-04-02 15:20")})
	if !f.c.Late(at("2019-04-10 00:00")) {
		t.Error("filed 20 minutes late, not marked late")
	}
}

func TestMarginsIfUpheld(t *testing.T) {
	reg := registry(t)
	rc, _ := reg.Race("ibb")
	counted := []int64{4_169_765, 4_156_036} // certified on 17 April 2019: margin 13,729
	mk := func(id itiraz.CaseID, status itiraz.Status, claim, granted []int64) *itiraz.Case {
		return &itiraz.Case{ID: id, Race: "ibb", Status: status, Claim: claim, Granted: granted}
	}
	cases := []*itiraz.Case{
		mk("draft", itiraz.StatusDraft, []int64{1000, -500}, nil),                 // +1,500 if upheld
		mk("filed", itiraz.StatusFiled, []int64{300, 0}, nil),                     // +300
		mk("appealed", itiraz.StatusAppealed, []int64{0, -700}, []int64{0, -200}), // +700, +200 granted below
		mk("accepted", itiraz.StatusAccepted, []int64{50, -50}, []int64{50, -50}), // decided +100
		mk("partly", itiraz.StatusPartly, []int64{400, 0}, []int64{150, 0}),       // decided +150
		mk("rejected", itiraz.StatusRejected, []int64{900, 0}, []int64{0, 0}),
		mk("withdrawn", itiraz.StatusWithdrawn, []int64{5000, 0}, nil),
		{ID: "other", Race: "other", Status: itiraz.StatusFiled, Claim: []int64{99999, 0}},
	}
	m := itiraz.ComputeMargins(rc, counted, 0, 1, cases)
	if m.Counted != 13_729 || m.IfOpenUpheld != 13_729+1500+300+700 || m.IfFiledUpheld != 13_729+300+700 || m.AsDecided != 13_729+200+100+150 {
		t.Errorf("margins %+v", m)
	}
	if m.A != "A" || m.B != "B" || m.Cases[itiraz.StatusFiled] != 1 || m.Cases[itiraz.StatusWithdrawn] != 1 {
		t.Errorf("pair or counts: %+v", m)
	}
	// The other way round the margin changes sign.
	if r := itiraz.ComputeMargins(rc, counted, 1, 0, cases); r.Counted != -13_729 || r.AsDecided != -(13_729+450) {
		t.Errorf("reversed: %+v", r)
	}
}

func TestDeadlineBoard(t *testing.T) {
	now := at("2019-04-02 12:00")
	c := func(id itiraz.CaseID, status itiraz.Status, deadline string) *itiraz.Case {
		return &itiraz.Case{ID: id, Status: status, Deadline: at(deadline)}
	}
	soon, expired := itiraz.DeadlineBoard([]*itiraz.Case{
		c("in3h", itiraz.StatusDraft, "2019-04-02 15:00"),
		c("in1h", itiraz.StatusDraft, "2019-04-02 13:00"),
		c("tomorrow", itiraz.StatusDraft, "2019-04-03 17:00"),
		c("filed", itiraz.StatusFiled, "2019-04-02 15:00"),
		c("gone", itiraz.StatusDraft, "2019-04-01 17:00"),
		c("justgone", itiraz.StatusDraft, "2019-04-02 11:00"),
	}, now, 6*time.Hour)
	ids := func(ds []itiraz.Due) string {
		var s []string
		for _, d := range ds {
			s = append(s, string(d.Case.ID))
		}
		return strings.Join(s, ",")
	}
	if ids(soon) != "in1h,in3h" || ids(expired) != "justgone,gone" {
		t.Errorf("soon %s, expired %s", ids(soon), ids(expired))
	}
	if soon[0].Left != time.Hour {
		t.Errorf("left %s", soon[0].Left)
	}
}
