package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger/audit"
)

var meetingTests = []test{
	{"InvitedByPositionOnTheDay", testMeetingInvitedOnTheDay},
	{"RefusedWritesNothing", testMeetingRefused},
	{"Replies", testMeetingReplies},
	{"CheckInCountsOnce", testMeetingCheckInOnce},
	{"SurveyAnswers", testSurveyAnswers},
	{"SurveyConcurrentAnswers", testSurveyConcurrent},
	{"Tables", testMeetingTables},
	{"Decisions", testMeetingDecisions},
	{"Audited", testMeetingAudited},
	{"Restore", testMeetingRestore},
	{"SurveyRestore", testSurveyRestore},
}

// MeetingFixture is a board meeting of İstanbul on day at 19:00 in
// İstanbul, inviting the il and ilçe chairs under 34 and k-4 by name.
func MeetingFixture(id sandik.MeetingID, day string) sandik.Meeting {
	start, err := time.ParseInLocation("2006-01-02 15:04", day+" 19:00", sandik.Istanbul())
	if err != nil {
		panic(err)
	}
	return sandik.Meeting{ID: id, Unit: "34", Title: "İl yönetim kurulu", Kind: sandik.MeetingBoard,
		Start: start, End: start.Add(2 * time.Hour), Place: "İl başkanlığı, Sarıyer",
		Agenda: []sandik.AgendaItem{{At: start, Title: "Açılış", Speaker: "İl Başkanı"}},
		Invite: sandik.InviteRule{Kinds: []sandik.KindCode{"il_baskani", "ilce_baskani"}, Under: "34", People: []sandik.PersonID{"k-4"}},
		Code:   "482913"}
}

func invitedPeople(invs []sandik.Invitation) []string {
	out := make([]string, len(invs))
	for i, inv := range invs {
		out[i] = string(inv.Person)
	}
	return out
}

// testMeetingInvitedOnTheDay: the chair whose term ended the day before
// the meeting is not invited; the one who took over that day is, and a
// meeting the day before invites the old one. A meeting at half past
// midnight in İstanbul is on that day, whatever the UTC date.
func testMeetingInvitedOnTheDay(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	for _, c := range []struct {
		m    sandik.Meeting
		want []string
	}{
		{MeetingFixture("m-1", "2023-07-01"), []string{"k-2", "k-4"}},
		{MeetingFixture("m-2", "2023-06-30"), []string{"k-1", "k-4"}},
		{MeetingFixture("m-3", "2024-03-01"), []string{"k-2", "k-3", "k-4"}},
	} {
		invs, err := s.SaveMeeting(ctx, c.m)
		if err != nil {
			t.Fatal(err)
		}
		if got := invitedPeople(invs); !slices.Equal(got, c.want) {
			t.Errorf("%s on %s invites %v, want %v", c.m.ID, c.m.Day(), got, c.want)
		}
		stored, err := s.Invitations(ctx, c.m.ID)
		if err != nil || fmt.Sprint(stored) != fmt.Sprint(invs) {
			t.Errorf("Invitations(%s) = %v, %v; want %v", c.m.ID, stored, err, invs)
		}
	}
	invs, _ := s.Invitations(ctx, "m-1")
	if invs[0].Position != "g-2" || invs[0].Kind != "il_baskani" || invs[0].Reply != sandik.ReplyPending || invs[1].Position != "" {
		t.Errorf("invitations of m-1 = %+v", invs)
	}
	m := MeetingFixture("m-4", "2023-07-01")
	m.Start = time.Date(2023, 6, 30, 21, 30, 0, 0, time.UTC) // 00:30 on 1 July in İstanbul
	m.End = m.Start.Add(time.Hour)
	m.Agenda = nil
	invs, err := s.SaveMeeting(ctx, m)
	if err != nil || !slices.Equal(invitedPeople(invs), []string{"k-2", "k-4"}) {
		t.Errorf("meeting at 00:30 İstanbul invites %v, %v; want the chair of 1 July", invitedPeople(invs), err)
	}
	got, err := s.Meeting(ctx, "m-1")
	want := MeetingFixture("m-1", "2023-07-01")
	if err != nil || !got.Start.Equal(want.Start) || got.Title != want.Title || fmt.Sprint(got.Invite) != fmt.Sprint(want.Invite) || len(got.Agenda) != 1 {
		t.Errorf("Meeting(m-1) = %+v, %v", got, err)
	}
	list, err := s.Meetings(ctx, sandik.MeetingFilter{After: "m-1", Limit: 2})
	if err != nil || len(list) != 2 || list[0].ID != "m-2" || list[1].ID != "m-3" {
		t.Errorf("Meetings(after m-1, 2) = %v, %v", list, err)
	}
	if _, err := s.Meeting(ctx, "m-9"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("Meeting(m-9): %v, want not found", err)
	}
}

// testMeetingRefused: bad references and a taken id are refused and
// write nothing.
func testMeetingRefused(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	if _, err := s.SaveMeeting(ctx, MeetingFixture("m-1", "2024-03-01")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		edit  func(*sandik.Meeting)
		code  sandik.ErrorCode
		field string
	}{
		{func(m *sandik.Meeting) {}, sandik.EConflict, "id"},
		{func(m *sandik.Meeting) { m.ID, m.Unit = "m-2", "99" }, sandik.EInvalid, "unit"},
		{func(m *sandik.Meeting) { m.ID, m.Invite.Kinds = "m-2", []sandik.KindCode{"il_baskani", "kral"} }, sandik.EInvalid, "invite.kinds[1]"},
		{func(m *sandik.Meeting) { m.ID, m.Invite.People = "m-2", []sandik.PersonID{"k-9"} }, sandik.EInvalid, "invite.people[0]"},
		{func(m *sandik.Meeting) { m.ID, m.End = "m-2", m.Start }, sandik.EInvalid, "end"},
	} {
		m := MeetingFixture("m-1", "2024-03-01")
		c.edit(&m)
		_, err := s.SaveMeeting(ctx, m)
		wantCode(t, err, c.code, "SaveMeeting "+c.field)
		if ps := sandik.ProblemsOf(err); len(ps) == 0 || ps[0].Field != c.field {
			t.Errorf("SaveMeeting with a bad %s: problems %+v", c.field, ps)
		}
	}
	list, err := s.Meetings(ctx, sandik.MeetingFilter{})
	if err != nil || len(list) != 1 {
		t.Errorf("meetings after refusals = %v, %v; want m-1 only", list, err)
	}
	if invs, _ := s.Invitations(ctx, "m-2"); len(invs) != 0 {
		t.Errorf("a refused meeting left invitations %v", invs)
	}
}

func testMeetingReplies(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	if _, err := s.SaveMeeting(ctx, MeetingFixture("m-1", "2024-03-01")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetReply(ctx, "m-1", "k-3", sandik.ReplyYes); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SetReply(ctx, "m-1", "k-1", sandik.ReplyYes), sandik.ENotFound, "reply of someone not invited")
	wantCode(t, s.SetReply(ctx, "m-1", "k-3", "belki"), sandik.EInvalid, "unknown reply")
	invs, _ := s.Invitations(ctx, "m-1")
	for _, inv := range invs {
		want := sandik.ReplyPending
		if inv.Person == "k-3" {
			want = sandik.ReplyYes
		}
		if inv.Reply != want {
			t.Errorf("reply of %s = %s, want %s", inv.Person, inv.Reply, want)
		}
	}
}

// CheckInToken returns the hash of a check-in token, as the center keeps it.
func CheckInToken(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// testMeetingCheckInOnce: a second check-in counts nothing more and
// keeps the first arrival; the phone of the latest holds the token.
func testMeetingCheckInOnce(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	m := MeetingFixture("m-1", "2024-03-01")
	if _, err := s.SaveMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	arrive := m.Start.Add(-5 * time.Minute)
	a, fresh, err := s.CheckIn(ctx, sandik.Attendance{Meeting: "m-1", Person: "k-3", Mode: sandik.CheckInDoor, Arrived: arrive}, CheckInToken("t1"))
	if err != nil || !fresh || !a.Arrived.Equal(arrive) {
		t.Fatalf("CheckIn = %+v, %v, %v", a, fresh, err)
	}
	a, fresh, err = s.CheckIn(ctx, sandik.Attendance{Meeting: "m-1", Person: "k-3", Mode: sandik.CheckInOrganiser, Arrived: arrive.Add(time.Minute)}, CheckInToken("t2"))
	if err != nil || fresh || !a.Arrived.Equal(arrive) || a.Mode != sandik.CheckInDoor {
		t.Fatalf("second CheckIn = %+v, %v, %v; want the first arrival, not new", a, fresh, err)
	}
	if _, _, err := s.CheckIn(ctx, sandik.Attendance{Meeting: "m-1", Person: "k-2", Mode: sandik.CheckInRemote, Arrived: m.Start}, CheckInToken("t3")); err != nil {
		t.Fatal(err)
	}
	att, err := s.Attendance(ctx, "m-1")
	if err != nil || len(att) != 2 || att[0].Person != "k-2" || att[1].Person != "k-3" {
		t.Fatalf("Attendance = %+v, %v; want k-2 and k-3 once each", att, err)
	}
	if _, err := s.Attendee(ctx, CheckInToken("t1")); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("the token replaced still finds %v", err)
	}
	if got, err := s.Attendee(ctx, CheckInToken("t2")); err != nil || got.Person != "k-3" {
		t.Errorf("Attendee(t2) = %+v, %v", got, err)
	}
	left := m.Start.Add(40 * time.Minute)
	if err := s.Leave(ctx, "m-1", "k-3", left); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.Leave(ctx, "m-1", "k-3", left), sandik.EConflict, "leaving twice")
	wantCode(t, s.Leave(ctx, "m-1", "k-1", left), sandik.ENotFound, "leaving without checking in")
	wantCode(t, s.Leave(ctx, "m-1", "k-2", m.Start.Add(-time.Hour)), sandik.EInvalid, "leaving before arriving")
	att, _ = s.Attendance(ctx, "m-1")
	if !att[1].Left.Equal(left) || !att[0].Left.IsZero() {
		t.Errorf("departures = %+v", att)
	}
	_, _, err = s.CheckIn(ctx, sandik.Attendance{Meeting: "m-9", Person: "k-3", Mode: sandik.CheckInDoor, Arrived: arrive}, CheckInToken("t4"))
	wantCode(t, err, sandik.ENotFound, "check-in to no meeting")
}

// SurveyFixture is a survey of m-1 with one question of each kind.
func SurveyFixture() sandik.Survey {
	return sandik.Survey{ID: "s-1", Meeting: "m-1", Title: "Çalıştay anketi", K: 5, JoinCode: "735102", Questions: []sandik.Question{
		{N: 1, Kind: sandik.QuestionSingle, Text: "Kardeş ilçe modeli?", Options: []string{"Evet", "Hayır", "Kararsız"}, State: sandik.QuestionDraft},
		{N: 2, Kind: sandik.QuestionMultiple, Text: "Öncelikler", Options: []string{"Üye", "Sandık", "Gençlik"}, State: sandik.QuestionDraft},
		{N: 3, Kind: sandik.QuestionScale, Text: "Geçen yıl", State: sandik.QuestionDraft},
		{N: 4, Kind: sandik.QuestionRanking, Text: "Sırala", Options: []string{"A", "B", "C"}, State: sandik.QuestionDraft},
		{N: 5, Kind: sandik.QuestionText, Text: "Bir kelime", State: sandik.QuestionDraft},
	}}
}

// surveyWithAttendees stores the fixture, m-1, s-1 and n attendees:
// people p-0… at home in 34.0135, checked in.
func surveyWithAttendees(t *testing.T, s sandik.Store, n int) []sandik.Attendance {
	t.Helper()
	ctx := context.Background()
	c := OrgFixture()
	people := make([]sandik.PersonID, n)
	for i := range n {
		p := sandik.Person{ID: sandik.PersonID(fmt.Sprintf("p-%03d", i)), Name: fmt.Sprintf("Katılımcı %d (sentetik)", i), Home: "34.0135", Purpose: "örgüt üyeliği", Consent: "2024-01-01"}
		c.People = append(c.People, p)
		people[i] = p.ID
	}
	saveOrg(t, s, c)
	m := MeetingFixture("m-1", "2024-03-01")
	m.Invite.People = people
	if _, err := s.SaveMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSurvey(ctx, SurveyFixture()); err != nil {
		t.Fatal(err)
	}
	out := make([]sandik.Attendance, n)
	for i, p := range people {
		a, _, err := s.CheckIn(ctx, sandik.Attendance{Meeting: "m-1", Person: p, Mode: sandik.CheckInDoor, Arrived: m.Start}, CheckInToken(string(p)))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = a
	}
	return out
}

func testSurveyAnswers(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	att := surveyWithAttendees(t, s, 3)
	got, err := s.Survey(ctx, "s-1")
	if err != nil || fmt.Sprint(got) != fmt.Sprint(SurveyFixture()) {
		t.Fatalf("Survey = %+v, %v", got, err)
	}
	wantCode(t, s.SaveSurvey(ctx, SurveyFixture()), sandik.EConflict, "survey saved twice")
	groups := map[sandik.Dimension]string{sandik.ByDistrict: "34.0135"}
	wantCode(t, s.Answer(ctx, "s-1", 1, att[0], "0", groups), sandik.EConflict, "an answer to a draft")
	if err := s.SetQuestion(ctx, "s-1", 1, sandik.QuestionOpen, false); err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{"0", "2", "0"} {
		if err := s.Answer(ctx, "s-1", 1, att[i], v, groups); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, s.Answer(ctx, "s-1", 1, att[1], "1", groups), sandik.EConflict, "a second answer")
	other := att[0]
	other.Meeting = "m-2"
	wantCode(t, s.Answer(ctx, "s-1", 1, other, "1", groups), sandik.EForbidden, "an answer from another meeting's check-in")
	if err := s.SetQuestion(ctx, "s-1", 1, sandik.QuestionClosed, true); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.Answer(ctx, "s-1", 1, att[2], "1", groups), sandik.EConflict, "an answer to a closed question")
	wantCode(t, s.SetQuestion(ctx, "s-1", 9, sandik.QuestionOpen, false), sandik.ENotFound, "no question 9")
	vals, err := s.Answers(ctx, "s-1", 1)
	if err != nil || !slices.Equal(vals, []string{"0", "0", "2"}) {
		t.Errorf("Answers = %v, %v", vals, err)
	}
	if got, err := s.Answered(ctx, "s-1", att[0].Person); err != nil || !slices.Equal(got, []int{1}) {
		t.Errorf("Answered = %v, %v; want question 1", got, err)
	}
	if n, err := s.Participants(ctx, "s-1", 1); err != nil || n != 3 {
		t.Errorf("Participants = %d, %v; want 3", n, err)
	}
	tl, err := s.Tallies(ctx, "s-1", 1)
	if err != nil || len(tl) != 1 || tl[0].Answers != 3 || tl[0].Counts["0"] != 2 || tl[0].Counts["2"] != 1 {
		t.Errorf("Tallies = %+v, %v", tl, err)
	}
	q, _ := s.Survey(ctx, "s-1")
	if q.Questions[0].State != sandik.QuestionClosed || !q.Questions[0].Revealed {
		t.Errorf("question 1 = %+v, want closed and revealed", q.Questions[0])
	}
	// A multiple choice counts each option chosen, the answer once.
	if err := s.SetQuestion(ctx, "s-1", 2, sandik.QuestionOpen, false); err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{"0,2", "2"} {
		if err := s.Answer(ctx, "s-1", 2, att[i], v, groups); err != nil {
			t.Fatal(err)
		}
	}
	tl, _ = s.Tallies(ctx, "s-1", 2)
	if len(tl) != 1 || tl[0].Answers != 2 || tl[0].Counts["0"] != 1 || tl[0].Counts["2"] != 2 {
		t.Errorf("Tallies of a multiple choice = %+v", tl)
	}
}

// testSurveyConcurrent: answers given at once are all counted, none
// twice, whatever the backend's locking.
func testSurveyConcurrent(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	const n = 40
	att := surveyWithAttendees(t, s, n)
	if err := s.SetQuestion(ctx, "s-1", 3, sandik.QuestionOpen, false); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range 2 * n { // every attendee answers twice at once
		wg.Go(func() {
			errs <- s.Answer(ctx, "s-1", 3, att[i%n], fmt.Sprint(1+i%5), map[sandik.Dimension]string{sandik.ByKind: "uye"})
		})
	}
	wg.Wait()
	close(errs)
	ok, refused := 0, 0
	for err := range errs {
		switch sandik.CodeOf(err) {
		case "":
			ok++
		case sandik.EConflict:
			refused++
		default:
			t.Errorf("answer: %v", err)
		}
	}
	vals, _ := s.Answers(ctx, "s-1", 3)
	parts, _ := s.Participants(ctx, "s-1", 3)
	tl, _ := s.Tallies(ctx, "s-1", 3)
	if ok != n || refused != n || len(vals) != n || parts != n || len(tl) != 1 || tl[0].Answers != n {
		t.Errorf("%d accepted, %d refused, %d answers, %d marks, tallies %+v; want %d of each", ok, refused, len(vals), parts, tl, n)
	}
}

// testMeetingAudited: every write of meetings and surveys is a leaf the
// audit recomputes from the rows; answers add none.
func testMeetingAudited(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	att := surveyWithAttendees(t, s, 2)
	if err := s.SetReply(ctx, "m-1", "k-2", sandik.ReplyNo); err != nil {
		t.Fatal(err)
	}
	if err := s.Leave(ctx, "m-1", att[0].Person, att[0].Arrived.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetQuestion(ctx, "s-1", 1, sandik.QuestionOpen, false); err != nil {
		t.Fatal(err)
	}
	before, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Answer(ctx, "s-1", 1, att[1], "1", nil); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.LedgerSize(ctx); after != before {
		t.Errorf("an answer added %d leaves, want none", after-before)
	}
	if err := s.SaveTables(ctx, "m-1", []sandik.Table{{N: 1, Members: []sandik.PersonID{att[0].Person, att[1].Person}}}); err != nil {
		t.Fatal(err)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit: %v", err)
	}
}

// testMeetingTables: a seating is replaced whole; a person seated twice
// or not stored is refused and changes nothing.
func testMeetingTables(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	if _, err := s.SaveMeeting(ctx, MeetingFixture("m-1", "2024-03-01")); err != nil {
		t.Fatal(err)
	}
	first := []sandik.Table{{N: 1, Moderator: "k-1", Members: []sandik.PersonID{"k-3", "k-2"}}, {N: 2, Members: []sandik.PersonID{"k-4"}}}
	if err := s.SaveTables(ctx, "m-1", first); err != nil {
		t.Fatal(err)
	}
	got, err := s.Tables(ctx, "m-1")
	want := []sandik.Table{{N: 1, Moderator: "k-1", Members: []sandik.PersonID{"k-2", "k-3"}}, {N: 2, Members: []sandik.PersonID{"k-4"}}}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Tables = %v, %v; want %v", got, err, want)
	}
	wantCode(t, s.SaveTables(ctx, "m-1", []sandik.Table{{N: 1, Members: []sandik.PersonID{"k-2", "k-9"}}}), sandik.EInvalid, "a person not stored")
	wantCode(t, s.SaveTables(ctx, "m-1", []sandik.Table{{N: 1, Members: []sandik.PersonID{"k-2"}}, {N: 2, Members: []sandik.PersonID{"k-2"}}}), sandik.EInvalid, "seated twice")
	wantCode(t, s.SaveTables(ctx, "m-9", first), sandik.ENotFound, "no meeting")
	if got, _ := s.Tables(ctx, "m-1"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("a refused seating changed the tables: %v", got)
	}
	if err := s.SaveTables(ctx, "m-1", []sandik.Table{{N: 1, Members: []sandik.PersonID{"k-4", "k-1"}}}); err != nil {
		t.Fatal(err)
	}
	// Findings of a table: one of each kind; a table the meeting lacks or
	// a district not stored is refused.
	for i, k := range sandik.FindingKinds() {
		f := sandik.Finding{ID: fmt.Sprintf("f-%d", i), Meeting: "m-1", Table: 1, Kind: k, Text: "Madde " + string(k), Districts: []sandik.UnitCode{"34.0135"}}
		if err := s.AddFinding(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, s.AddFinding(ctx, sandik.Finding{ID: "f-9", Meeting: "m-1", Table: 2, Kind: sandik.FindingProposal, Text: "x"}), sandik.EInvalid, "no table 2")
	wantCode(t, s.AddFinding(ctx, sandik.Finding{ID: "f-9", Meeting: "m-1", Table: 1, Kind: sandik.FindingProposal, Text: "x", Districts: []sandik.UnitCode{"99"}}), sandik.EInvalid, "no unit 99")
	wantCode(t, s.AddFinding(ctx, sandik.Finding{ID: "f-0", Meeting: "m-1", Table: 1, Kind: sandik.FindingProposal, Text: "x"}), sandik.EConflict, "an id taken")
	wantCode(t, s.SaveTables(ctx, "m-1", []sandik.Table{{N: 1, Members: []sandik.PersonID{"k-4"}}}), sandik.EConflict, "seating again after findings")
	if fs, err := s.Findings(ctx, "m-1"); err != nil || len(fs) != 3 || fs[0].Kind != sandik.FindingProposal || fmt.Sprint(fs[0].Districts) != "[34.0135]" {
		t.Errorf("Findings = %+v, %v", fs, err)
	}
	if got, _ := s.Tables(ctx, "m-1"); len(got) != 1 || fmt.Sprint(got[0].Members) != "[k-1 k-4]" {
		t.Errorf("replaced seating = %v", got)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit after a seating replaced: %v", err)
	}
}

// testMeetingDecisions: a meeting is closed once, with its minutes and
// decisions all or nothing; the follow-up list of a unit holds its own
// decisions and its people's, overdue (earliest due) first.
func testMeetingDecisions(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	for _, id := range []sandik.MeetingID{"m-1", "m-2"} {
		if _, err := s.SaveMeeting(ctx, MeetingFixture(id, "2024-03-01")); err != nil {
			t.Fatal(err)
		}
	}
	closed := Received()
	sum := strings.Repeat("ab", 32)
	mins := sandik.Minutes{Meeting: "m-1", Text: "Kardeş ilçe modeli kabul edildi.\nİkinci satır.", Attachments: []string{sum}, ClosedAt: closed, ClosedBy: "ayse"}
	ds := []sandik.Decision{
		{ID: "d-1", Meeting: "m-1", Text: "Kadıköy kardeş ilçesiyle görüşsün", OwnerUnit: "34.0135", Due: "2024-04-01", Status: sandik.DecisionOpen},
		{ID: "d-2", Meeting: "m-1", Text: "Rapor", OwnerPerson: "k-3", Due: "2024-03-15", Status: sandik.DecisionOpen},
	}
	bad := append(slices.Clone(ds), sandik.Decision{ID: "d-3", Meeting: "m-1", Text: "x", OwnerPerson: "k-9", Due: "2024-03-15", Status: sandik.DecisionOpen})
	err := s.CloseMeeting(ctx, mins, bad)
	wantCode(t, err, sandik.EInvalid, "a decision owned by no one stored")
	if ps := sandik.ProblemsOf(err); len(ps) == 0 || ps[0].Field != "decisions[2].owner_person" {
		t.Errorf("problems %+v", ps)
	}
	if _, err := s.Minutes(ctx, "m-1"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("a refused closing left minutes: %v", err)
	}
	if err := s.CloseMeeting(ctx, mins, ds); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CloseMeeting(ctx, mins, nil), sandik.EConflict, "closing twice")
	got, err := s.Minutes(ctx, "m-1")
	if err != nil || got.Text != mins.Text || !got.ClosedAt.Equal(closed) || !slices.Equal(got.Attachments, mins.Attachments) {
		t.Errorf("Minutes = %+v, %v", got, err)
	}
	if err := s.SaveDecision(ctx, sandik.Decision{ID: "d-4", Meeting: "m-2", Text: "Sonraki toplantı", OwnerUnit: "34", Due: "2024-03-10", Status: sandik.DecisionOpen}); err != nil {
		t.Fatal(err)
	}
	ids := func(f sandik.DecisionFilter) string {
		list, err := s.Decisions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range list {
			out = append(out, string(d.ID))
		}
		return strings.Join(out, ",")
	}
	if got := ids(sandik.DecisionFilter{Unit: "34.0135", Open: true}); got != "d-2,d-1" {
		t.Errorf("open decisions of Kadıköy: %s, want d-2 (its member's, due first) then d-1", got)
	}
	if got := ids(sandik.DecisionFilter{}); got != "d-4,d-2,d-1" {
		t.Errorf("all decisions by due day: %s", got)
	}
	if err := s.SetDecisionStatus(ctx, "d-2", sandik.DecisionDone); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SetDecisionStatus(ctx, "d-9", sandik.DecisionDone), sandik.ENotFound, "no decision")
	wantCode(t, s.SaveDecision(ctx, ds[0]), sandik.EConflict, "a decision id taken")
	if got := ids(sandik.DecisionFilter{Unit: "34.0135", Open: true}); got != "d-1" {
		t.Errorf("open decisions of Kadıköy after d-2 is done: %s", got)
	}
	if got := ids(sandik.DecisionFilter{Meeting: "m-2"}); got != "d-4" {
		t.Errorf("decisions of m-2: %s", got)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit: %v", err)
	}
}
