package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// meetingBody is a meeting of İstanbul on 1 April 2024 inviting every
// ilçe başkanı under 34 and k-ada... by name when named is set.
func meetingBody(id string, named ...string) map[string]any {
	return map[string]any{"id": id, "unit": "34", "title": "İlçe başkanları toplantısı", "kind": "degerlendirme",
		"start": "2024-04-01T19:00:00+03:00", "end": "2024-04-01T21:00:00+03:00", "place": "İl başkanlığı",
		"agenda": []any{map[string]any{"at": "2024-04-01T19:00:00+03:00", "title": "Açılış", "speaker": "İl Başkanı"}},
		"invite": map[string]any{"kinds": []string{"ilce_baskani"}, "under": "34", "people": named}}
}

type createdMeeting struct {
	Meeting     sandik.Meeting      `json:"meeting"`
	Invitations []sandik.Invitation `json:"invitations"`
}

// TestMeetingInvitesHoldersOfTheDay: Adalar's chair, whose term ended on
// 31 March, is not invited to a meeting of 1 April; Beşiktaş's is.
func TestMeetingInvitesHoldersOfTheDay(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	var got createdMeeting
	e.Do("POST", "/api/v1/meetings", coordinator, meetingBody("t-1")).Decode(t, http.StatusCreated, &got)
	if len(got.Invitations) != 1 || got.Invitations[0].Person != "k-bes" || got.Invitations[0].Position != "g-bes" {
		t.Fatalf("invitations %+v, want Beşiktaş's chair only", got.Invitations)
	}
	if len(got.Meeting.Code) != 6 {
		t.Errorf("check-in code %q, want six digits", got.Meeting.Code)
	}
	var list struct {
		Invitations []struct {
			Person sandik.PersonID `json:"person"`
			Name   string          `json:"name"`
			Reply  sandik.Reply    `json:"reply"`
		} `json:"invitations"`
	}
	e.Do("GET", "/api/v1/meetings/t-1/invitations", observer1, nil).Decode(t, http.StatusOK, &list)
	if len(list.Invitations) != 1 || list.Invitations[0].Name != "Cem Beşli" || list.Invitations[0].Reply != sandik.ReplyPending {
		t.Errorf("invitations listed %+v", list)
	}
	// The code is shown to organisers only.
	var seen struct {
		Meeting sandik.Meeting `json:"meeting"`
	}
	e.Do("GET", "/api/v1/meetings/t-1", observer1, nil).Decode(t, http.StatusOK, &seen)
	if seen.Meeting.Code != "" {
		t.Errorf("an observer sees the check-in code")
	}
	d := e.Do("POST", "/api/v1/meetings", coordinator, map[string]any{"id": "t-2", "unit": "34", "title": "x", "kind": "kurul",
		"start": "2024-04-01T19:00:00+03:00", "end": "2024-04-01T18:00:00+03:00", "place": "p"}).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) != 1 || d.Problems[0].Field != "end" {
		t.Errorf("a meeting ending before it starts: %+v", d)
	}
	e.Do("POST", "/api/v1/meetings", observer1, meetingBody("t-3")).APIError(t, http.StatusForbidden)
}

// TestMeetingCheckIn: at the door with the code, once however many
// times; by the organiser, remote; a departure.
func TestMeetingCheckIn(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	var m createdMeeting
	e.Do("POST", "/api/v1/meetings", coordinator, meetingBody("t-1", "k-ada")).Decode(t, http.StatusCreated, &m)
	e.Do("POST", "/api/v1/meetings/t-1/checkin", "", map[string]any{"code": "000000x", "person": "k-bes"}).APIError(t, http.StatusForbidden)
	e.Do("POST", "/api/v1/meetings/t-1/checkin", "", map[string]any{"code": m.Meeting.Code, "person": "m-obs1"}).APIError(t, http.StatusForbidden)
	var first, again center.CheckIn
	e.Do("POST", "/api/v1/meetings/t-1/checkin", "", map[string]any{"code": m.Meeting.Code, "person": "k-bes"}).Decode(t, http.StatusCreated, &first)
	e.Do("POST", "/api/v1/meetings/t-1/checkin", "", map[string]any{"code": m.Meeting.Code, "person": "k-bes"}).Decode(t, http.StatusOK, &again)
	if !first.New || again.New || first.Token == "" || again.Token == first.Token || !again.Attendance.Arrived.Equal(first.Attendance.Arrived) {
		t.Errorf("check-ins %+v then %+v", first, again)
	}
	var remote center.CheckIn
	e.Do("POST", "/api/v1/meetings/t-1/attendance", coordinator, map[string]any{"person": "k-ada", "mode": "remote"}).Decode(t, http.StatusCreated, &remote)
	e.Do("POST", "/api/v1/meetings/t-1/attendance", volunteer, map[string]any{"person": "k-ada", "mode": "remote"}).APIError(t, http.StatusForbidden)
	e.Do("POST", "/api/v1/meetings/t-1/attendance/k-bes/departure", coordinator, map[string]any{}).Decode(t, http.StatusOK, nil)
	e.Do("POST", "/api/v1/meetings/t-1/attendance/k-bes/departure", coordinator, map[string]any{}).APIError(t, http.StatusConflict)
	var sum struct {
		Summary meetingSummary `json:"summary"`
	}
	e.Do("GET", "/api/v1/meetings/t-1", coordinator, nil).Decode(t, http.StatusOK, &sum)
	if s := sum.Summary; s.Invited != 2 || s.Attended != 2 || s.Remote != 1 || s.Left != 1 || s.Present != 0 {
		t.Errorf("summary %+v, want 2 invited, 2 attended: 1 remote, 1 left", s)
	}
	e.Do("PUT", "/api/v1/meetings/t-1/invitations/k-ada", coordinator, map[string]any{"reply": "yes"}).Decode(t, http.StatusOK, nil)
	e.Do("PUT", "/api/v1/meetings/t-1/invitations/k-nobody", coordinator, map[string]any{"reply": "yes"}).APIError(t, http.StatusNotFound)
}

// surveyBody has a single choice, a scale and a text question.
func surveyBody(id, meeting string) map[string]any {
	return map[string]any{"id": id, "meeting": meeting, "title": "Çalıştay anketi", "questions": []any{
		map[string]any{"n": 1, "kind": "single", "text": "Kardeş ilçe modeli uygulansın mı?", "options": []string{"Evet", "Hayır", "Kararsızım"}},
		map[string]any{"n": 2, "kind": "scale", "text": "Geçen yılı değerlendirin"},
		map[string]any{"n": 3, "kind": "text", "text": "Tek kelimeyle"},
	}}
}

type participant struct{ code, token string }

func (e *env) answerAs(p participant, survey string, n int, body any) webtest.Response {
	return e.Do("POST", fmt.Sprintf("/api/v1/surveys/%s/questions/%d/answers", survey, n), "", body, joinCodeHeader, p.code, tokenHeader, p.token)
}

type resultsOut struct {
	K       int                      `json:"k"`
	Results []center.QuestionResults `json:"results"`
}

// TestSurveyRevealAndSecondAnswer: counts are hidden from participants
// until revealed; a second answer from one check-in is refused.
func TestSurveyRevealAndSecondAnswer(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	var m createdMeeting
	e.Do("POST", "/api/v1/meetings", coordinator, meetingBody("t-1", "k-ada")).Decode(t, http.StatusCreated, &m)
	var s sandik.Survey
	e.Do("POST", "/api/v1/surveys", coordinator, surveyBody("a-1", "t-1")).Decode(t, http.StatusCreated, &s)
	if s.K != sandik.DefaultK || len(s.JoinCode) != 6 || s.Questions[0].State != sandik.QuestionDraft {
		t.Fatalf("survey %+v", s)
	}
	var ci center.CheckIn
	e.Do("POST", "/api/v1/meetings/t-1/checkin", "", map[string]any{"code": m.Meeting.Code, "person": "k-bes"}).Decode(t, http.StatusCreated, &ci)
	p := participant{s.JoinCode, ci.Token}
	e.answerAs(p, "a-1", 1, map[string]any{"choices": []int{0}}).APIError(t, http.StatusConflict) // a draft
	e.Do("PUT", "/api/v1/surveys/a-1/questions/1", coordinator, map[string]any{"state": "open"}).Decode(t, http.StatusOK, nil)
	e.answerAs(participant{s.JoinCode, "nope"}, "a-1", 1, map[string]any{"choices": []int{0}}).APIError(t, http.StatusForbidden)
	e.answerAs(participant{"111111x", ci.Token}, "a-1", 1, map[string]any{"choices": []int{0}}).APIError(t, http.StatusForbidden)
	d := e.answerAs(p, "a-1", 1, map[string]any{"choices": []int{7}}).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) == 0 || d.Problems[0].Field != "choices[0]" {
		t.Errorf("an option that does not exist: %+v", d)
	}
	e.answerAs(p, "a-1", 1, map[string]any{"choices": []int{0}}).Decode(t, http.StatusCreated, nil)
	e.answerAs(p, "a-1", 1, map[string]any{"choices": []int{1}}).APIError(t, http.StatusConflict)

	var asPhone, asPresenter resultsOut
	e.Do("GET", "/api/v1/surveys/a-1/results", "", nil, joinCodeHeader, p.code, tokenHeader, p.token).Decode(t, http.StatusOK, &asPhone)
	e.Do("GET", "/api/v1/surveys/a-1/results", coordinator, nil).Decode(t, http.StatusOK, &asPresenter)
	if r := asPhone.Results[0]; r.Answers != 0 || r.Counts != nil || r.State != sandik.QuestionOpen {
		t.Errorf("a phone sees results before they are revealed: %+v", r)
	}
	if r := asPresenter.Results[0]; r.Answers != 1 || r.Counts["0"] != 1 {
		t.Errorf("presenter's results %+v", r)
	}
	e.Do("PUT", "/api/v1/surveys/a-1/questions/1", coordinator, map[string]any{"state": "closed", "revealed": true}).Decode(t, http.StatusOK, nil)
	e.Do("GET", "/api/v1/surveys/a-1/results", "", nil, joinCodeHeader, p.code, tokenHeader, p.token).Decode(t, http.StatusOK, &asPhone)
	if r := asPhone.Results[0]; r.Answers != 1 || r.Counts["0"] != 1 || len(r.Breakdowns) != 0 {
		t.Errorf("revealed results %+v, want one answer and no group of fewer than k", r)
	}
	var phoneSurvey sandik.Survey
	e.Do("GET", "/api/v1/surveys/a-1", "", nil, joinCodeHeader, p.code, tokenHeader, p.token).Decode(t, http.StatusOK, &phoneSurvey)
	if phoneSurvey.JoinCode != "" || len(phoneSurvey.Questions) != 3 {
		t.Errorf("the phone's survey %+v", phoneSurvey)
	}
	e.Do("GET", "/api/v1/surveys/a-1", "", nil).APIError(t, http.StatusUnauthorized)
}

// TestSeatingOverHTTP: the organiser seats those present (not those
// gone) by the rules, a district's chair and mayor together, then moves
// a person by hand; a person seated twice is refused.
func TestSeatingOverHTTP(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	ch := sandik.OrgChange{}
	var named []string
	for i, d := range []sandik.UnitCode{"34.01", "34.02", "34.01", "34.02", "34.01"} {
		id := fmt.Sprintf("s-%d", i)
		named = append(named, id)
		ch.People = append(ch.People, sandik.Person{ID: sandik.PersonID(id), Name: "Üye " + id + " (sentetik)", Home: d, Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
	}
	ch.People = append(ch.People, sandik.Person{ID: "bb-bes", Name: "Beşiktaş Belediye Başkanı (sentetik)", Home: "34.02", Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
	ch.Positions = append(ch.Positions, sandik.Position{ID: "g-bb-bes", Kind: "belediye_baskani", Unit: "34.02", Person: "bb-bes", Start: "2024-01-01", Source: sandik.SourceElection})
	if err := e.Center.SaveOrg(ctx, setup, ch); err != nil {
		t.Fatal(err)
	}
	body := meetingBody("t-1", named...)
	body["invite"].(map[string]any)["kinds"] = []string{"ilce_baskani", "belediye_baskani"}
	var m createdMeeting
	e.Do("POST", "/api/v1/meetings", coordinator, body).Decode(t, http.StatusCreated, &m)
	for _, inv := range m.Invitations {
		if _, err := e.Center.CheckInWithCode(ctx, "t-1", m.Meeting.Code, inv.Person); err != nil {
			t.Fatal(err)
		}
	}
	e.Do("POST", "/api/v1/meetings/t-1/attendance/s-4/departure", coordinator, map[string]any{}).Decode(t, http.StatusOK, nil)
	var got tablesBody
	e.Do("POST", "/api/v1/meetings/t-1/tables/seating", coordinator, map[string]any{"min": 2, "max": 3}).Decode(t, http.StatusOK, &got)
	at := map[sandik.PersonID]int{}
	for _, tb := range got.Tables {
		if len(tb.Members) < 2 || len(tb.Members) > 3 {
			t.Errorf("table %d seats %d", tb.N, len(tb.Members))
		}
		for _, p := range tb.Members {
			at[p] = tb.N
		}
	}
	if len(at) != 6 || at["s-4"] != 0 || at["k-bes"] != at["bb-bes"] {
		t.Errorf("seating %+v: want the six present, Beşiktaş's chair and mayor together", got.Tables)
	}
	moved := got.Tables
	moved[0].Moderator = "k-ada"
	var after tablesBody
	e.Do("PUT", "/api/v1/meetings/t-1/tables", coordinator, tablesBody{moved}).Decode(t, http.StatusOK, &after)
	if after.Tables[0].Moderator != "k-ada" {
		t.Errorf("edited tables %+v", after.Tables)
	}
	twice := []sandik.Table{{N: 1, Members: []sandik.PersonID{"s-0"}}, {N: 2, Members: []sandik.PersonID{"s-0"}}}
	d := e.Do("PUT", "/api/v1/meetings/t-1/tables", coordinator, tablesBody{twice}).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) == 0 || d.Problems[0].Field != "tables[1].members[0]" {
		t.Errorf("seated twice: %+v", d)
	}
	e.Do("GET", "/api/v1/meetings/t-1/tables", observer1, nil).Decode(t, http.StatusOK, &got)
	if fmt.Sprint(got.Tables) != fmt.Sprint(after.Tables) {
		t.Errorf("tables read %v, want %v", got.Tables, after.Tables)
	}
	// The moderator of table 1 records findings from the phone; a member
	// of another table may not record them for table 1.
	ci, err := e.Center.CheckInByOrganiser(ctx, setup, "t-1", "k-ada", sandik.CheckInOrganiser)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []map[string]any{
		{"table": 1, "kind": "strength", "text": "Sandık görevlisi eğitimi", "districts": []string{"34.02"}},
		{"table": 1, "kind": "proposal", "text": "Kardeş ilçe: Beşiktaş–Adalar", "districts": []string{"34.01", "34.02"}},
	} {
		e.Do("POST", "/api/v1/meetings/t-1/findings", "", f, tokenHeader, ci.Token).Decode(t, http.StatusCreated, nil)
	}
	other, err := e.Center.CheckInWithCode(ctx, "t-1", m.Meeting.Code, after.Tables[len(after.Tables)-1].Members[0])
	if err != nil {
		t.Fatal(err)
	}
	e.Do("POST", "/api/v1/meetings/t-1/findings", "", map[string]any{"table": 1, "kind": "weakness", "text": "x"}, tokenHeader, other.Token).APIError(t, http.StatusForbidden)
	var found struct {
		Findings map[sandik.FindingKind][]sandik.Finding `json:"findings"`
	}
	e.Do("GET", "/api/v1/meetings/t-1/findings", coordinator, nil).Decode(t, http.StatusOK, &found)
	if len(found.Findings["strength"]) != 1 || len(found.Findings["proposal"]) != 1 || len(found.Findings["weakness"]) != 0 {
		t.Errorf("findings grouped %+v", found.Findings)
	}
	e.Do("PUT", "/api/v1/meetings/t-1/tables", coordinator, tablesBody{moved}).APIError(t, http.StatusConflict)

	// Answers are counted by the table their givers sit at.
	sb := surveyBody("a-1", "t-1")
	sb["k"] = 1
	var s sandik.Survey
	e.Do("POST", "/api/v1/surveys", coordinator, sb).Decode(t, http.StatusCreated, &s)
	e.Do("PUT", "/api/v1/surveys/a-1/questions/1", coordinator, map[string]any{"state": "open"}).Decode(t, http.StatusOK, nil)
	for _, p := range []sandik.PersonID{"k-bes", "s-0"} {
		ci, err := e.Center.CheckInWithCode(ctx, "t-1", m.Meeting.Code, p)
		if err != nil {
			t.Fatal(err)
		}
		e.answerAs(participant{s.JoinCode, ci.Token}, "a-1", 1, map[string]any{"choices": []int{0}}).Decode(t, http.StatusCreated, nil)
	}
	var res resultsOut
	e.Do("GET", "/api/v1/surveys/a-1/results", coordinator, nil).Decode(t, http.StatusOK, &res)
	byTable := 0
	for _, g := range res.Results[0].Breakdowns {
		if g.Dimension == sandik.ByTable {
			byTable += g.Answers
			if g.Group != fmt.Sprintf("masa-%d", at["k-bes"]) && g.Group != fmt.Sprintf("masa-%d", at["s-0"]) && g.Group != sandik.OtherGroup {
				t.Errorf("a table group %q of no answerer's table", g.Group)
			}
		}
	}
	if byTable != 2 {
		t.Errorf("breakdowns %+v: want both answers counted by table", res.Results[0].Breakdowns)
	}
}

// TestSurvey500Concurrent: 500 participants answer one question at
// once over the real server, each twice: exactly 500 answers counted,
// 500 refused, none lost, none twice.
func TestSurvey500Concurrent(t *testing.T) {
	n := 500
	if raceDetector {
		// A hundred phones at once are as many races for the detector to
		// see; 500 took 29 s of CI's race stage, check-ins mostly.
		n = 100
	}
	e := newEnv(t)
	orgFixture(t, e.Env)
	ctx := context.Background()
	ch := sandik.OrgChange{}
	named := make([]string, n)
	for i := range n {
		id := fmt.Sprintf("p-%03d", i)
		named[i] = id
		home := []sandik.UnitCode{"34.01", "34.02"}[i%2]
		ch.People = append(ch.People, sandik.Person{ID: sandik.PersonID(id), Name: fmt.Sprintf("Katılımcı %d (sentetik)", i), Home: home, Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
	}
	if err := e.Center.SaveOrg(ctx, sandik.User{ID: "setup", Role: sandik.RoleAdmin}, ch); err != nil {
		t.Fatal(err)
	}
	var m createdMeeting
	e.Do("POST", "/api/v1/meetings", coordinator, meetingBody("t-1", named...)).Decode(t, http.StatusCreated, &m)
	var s sandik.Survey
	e.Do("POST", "/api/v1/surveys", coordinator, surveyBody("a-1", "t-1")).Decode(t, http.StatusCreated, &s)
	phones := make([]participant, n)
	for i, id := range named {
		ci, err := e.Center.CheckInWithCode(ctx, "t-1", m.Meeting.Code, sandik.PersonID(id))
		if err != nil {
			t.Fatal(err)
		}
		phones[i] = participant{s.JoinCode, ci.Token}
	}
	e.Do("PUT", "/api/v1/surveys/a-1/questions/2", coordinator, map[string]any{"state": "open"}).Decode(t, http.StatusOK, nil)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	statuses := make(chan int, 2*n)
	var wg sync.WaitGroup
	for i := range 2 * n {
		wg.Go(func() {
			p := phones[i%n]
			body, _ := json.Marshal(map[string]any{"scale": 1 + (i%n)%5})
			req, err := http.NewRequest("POST", e.HTTP.URL+"/api/v1/surveys/a-1/questions/2/answers", bytes.NewReader(body))
			if err != nil {
				statuses <- -1
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(joinCodeHeader, p.code)
			req.Header.Set(tokenHeader, p.token)
			resp, err := client.Do(req)
			if err != nil {
				statuses <- -1
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	byStatus := map[int]int{}
	for st := range statuses {
		byStatus[st]++
	}
	if byStatus[http.StatusCreated] != n || byStatus[http.StatusConflict] != n || len(byStatus) != 2 {
		t.Fatalf("statuses %v, want %d created and %d refused as conflicts", byStatus, n, n)
	}
	var res resultsOut
	e.Do("GET", "/api/v1/surveys/a-1/results", coordinator, nil).Decode(t, http.StatusOK, &res)
	r := res.Results[1]
	total := 0
	for v := 1; v <= 5; v++ {
		if got := r.Counts[fmt.Sprint(v)]; got != n/5 {
			t.Errorf("scale %d counted %d times, want %d", v, got, n/5)
		}
		total += r.Counts[fmt.Sprint(v)]
	}
	if r.Answers != n || total != n {
		t.Errorf("%d answers, %d counted; want %d", r.Answers, total, n)
	}
	if parts, err := e.Center.Meetings().Participants(ctx, "a-1", 2); err != nil || parts != n {
		t.Errorf("%d participation marks, %v; want %d", parts, err, n)
	}
	// Two districts of 250 answers each are shown; every count adds up.
	districts := 0
	for _, g := range r.Breakdowns {
		if g.Dimension == sandik.ByDistrict {
			districts++
			if g.Answers != n/2 {
				t.Errorf("district %s has %d answers, want %d", g.Group, g.Answers, n/2)
			}
		}
	}
	if districts != 2 {
		t.Errorf("breakdowns %+v, want both districts", r.Breakdowns)
	}
}

// publicMeetingRoutes take codes from the room, not an account.
var publicMeetingRoutes = map[string]bool{
	"POST /api/v1/meetings/{id}/checkin":              true,
	"POST /api/v1/surveys/{id}/questions/{q}/answers": true,
}

// meetingFixture makes, for the authorisation matrix, a meeting and a
// survey "m-<user>" for every user of the matrix, inviting and checking
// in the person "m-<user>".
func meetingFixture(t *testing.T, e *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	for _, id := range []string{observer1, volunteer, coordinator, webtest.Admin, lawyer} {
		mb := meetingBody("m-"+id, "m-"+id)
		data, _ := json.Marshal(mb)
		var m sandik.Meeting
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Center.CreateMeeting(ctx, setup, m); err != nil {
			t.Fatal(err)
		}
		for _, p := range []sandik.PersonID{sandik.PersonID("m-" + id), "k-ada"} {
			if _, err := e.Center.CheckInByOrganiser(ctx, setup, m.ID, p, sandik.CheckInOrganiser); err != nil {
				t.Fatal(err)
			}
		}
		// A meeting closed already, with a decision, for the routes that
		// read minutes and change decisions.
		closed := m
		closed.ID = sandik.MeetingID("mc-" + id)
		if _, _, err := e.Center.CreateMeeting(ctx, setup, closed); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Center.CloseMeeting(ctx, setup, closed.ID, "Tutanak", nil, []sandik.Decision{{ID: sandik.DecisionID("mdc-" + id), Text: "Karar", OwnerUnit: "34", Due: "2024-05-01"}}); err != nil {
			t.Fatal(err)
		}
		data, _ = json.Marshal(surveyBody("m-"+id, "m-"+id))
		var s sandik.Survey
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Center.CreateSurvey(ctx, setup, s); err != nil {
			t.Fatal(err)
		}
	}
}

// meetingRequest is a valid request of a meeting route as user, for the
// authorisation matrix; ok is false for other routes.
func meetingRequest(p, path, user string) (string, any, bool) {
	path = strings.NewReplacer("{person}", "m-"+user, "{q}", "1").Replace(path)
	switch p {
	case "POST /api/v1/meetings":
		return path, meetingBody("mm-" + user), true
	case "PUT /api/v1/meetings/{id}/invitations/{person}":
		return strings.Replace(path, "/m-"+webtest.Coordinator+"/", "/m-"+user+"/", 1), map[string]any{"reply": "yes"}, true
	case "POST /api/v1/meetings/{id}/attendance":
		return path, map[string]any{"person": "m-" + user, "mode": "organiser"}, true
	case "POST /api/v1/meetings/{id}/attendance/{person}/departure":
		return strings.Replace(path, "/m-"+webtest.Coordinator+"/", "/m-"+user+"/", 1), map[string]any{}, true
	case "POST /api/v1/surveys":
		return path, surveyBody("ms-"+user, "m-"+user), true
	case "POST /api/v1/meetings/{id}/decisions":
		return path, map[string]any{"text": "Karar " + user, "owner_unit": "34", "due": "2024-05-01"}, true
	case "POST /api/v1/meetings/{id}/close":
		return path, map[string]any{"minutes": "Tutanak " + user, "decisions": []any{map[string]any{"id": "md-" + user, "text": "Karar", "owner_person": "m-" + user, "due": "2024-05-01"}}}, true
	case "PUT /api/v1/decisions/{id}":
		return "/api/v1/decisions/mdc-" + user, map[string]any{"status": "done"}, true
	case "GET /api/v1/meetings/{id}/minutes":
		return "/api/v1/meetings/mc-" + user + "/minutes", nil, true
	case "POST /api/v1/meetings/{id}/findings":
		return path, map[string]any{"table": 1, "kind": "proposal", "text": "Öneri " + user}, true
	case "PUT /api/v1/meetings/{id}/tables":
		return path, map[string]any{"tables": []any{map[string]any{"n": 1, "members": []string{"m-" + user}}}}, true
	case "POST /api/v1/meetings/{id}/tables/seating":
		return path, map[string]any{"min": 1, "max": 4}, true
	case "PUT /api/v1/surveys/{id}/questions/{q}":
		return path, map[string]any{"state": "open"}, true
	}
	return path, nil, strings.Contains(p, "/meetings") || strings.Contains(p, "/surveys")
}

// TestCloseMeetingAndFollowUp: closing asks for the minutes, keeps the
// attachments by SHA-256 and links the decisions; the follow-up list of
// a district puts its overdue decisions first; a meeting closes once.
func TestCloseMeetingAndFollowUp(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	var m createdMeeting
	e.Do("POST", "/api/v1/meetings", coordinator, meetingBody("t-1")).Decode(t, http.StatusCreated, &m)
	d := e.Do("POST", "/api/v1/meetings/t-1/close", coordinator, map[string]any{"minutes": " "}).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) == 0 || d.Problems[0].Field != "minutes" {
		t.Errorf("closing without minutes: %+v", d)
	}
	var closed struct {
		Minutes   sandik.Minutes    `json:"minutes"`
		Decisions []sandik.Decision `json:"decisions"`
	}
	e.Do("POST", "/api/v1/meetings/t-1/close", coordinator, map[string]any{
		"minutes":     "Kardeş ilçe modeli görüşüldü.",
		"attachments": []any{map[string]any{"name": "imza.txt", "data": "aW16YQ=="}},
		"decisions": []any{
			map[string]any{"text": "Beşiktaş raporu", "owner_unit": "34.02", "due": "2019-06-01"},
			map[string]any{"text": "Beşiktaş başkanı görüşsün", "owner_person": "k-bes", "due": "2019-03-01"},
		},
	}).Decode(t, http.StatusCreated, &closed)
	sum := sha256.Sum256([]byte("imza"))
	if len(closed.Minutes.Attachments) != 1 || closed.Minutes.Attachments[0] != hex.EncodeToString(sum[:]) || len(closed.Decisions) != 2 {
		t.Fatalf("closed %+v", closed)
	}
	if data, err := e.Store.Evidence(context.Background(), closed.Minutes.Attachments[0]); err != nil || string(data) != "imza" {
		t.Errorf("the attachment kept: %q, %v", data, err)
	}
	e.Do("POST", "/api/v1/meetings/t-1/close", coordinator, map[string]any{"minutes": "again"}).APIError(t, http.StatusConflict)
	var follow struct {
		Decisions []center.FollowUp `json:"decisions"`
	}
	e.Do("GET", "/api/v1/decisions?unit=34.02&open=1", observer1, nil).Decode(t, http.StatusOK, &follow)
	if len(follow.Decisions) != 2 || !follow.Decisions[0].Overdue || follow.Decisions[0].OwnerPerson != "k-bes" || follow.Decisions[1].Overdue {
		t.Fatalf("follow-up of Beşiktaş %+v, want the overdue one first", follow.Decisions)
	}
	e.Do("PUT", "/api/v1/decisions/"+string(follow.Decisions[0].ID), coordinator, map[string]any{"status": "done"}).Decode(t, http.StatusOK, nil)
	e.Do("GET", "/api/v1/decisions?unit=34.02&open=1", observer1, nil).Decode(t, http.StatusOK, &follow)
	if len(follow.Decisions) != 1 || follow.Decisions[0].OwnerUnit != "34.02" {
		t.Errorf("after one is done: %+v", follow.Decisions)
	}
	var mins sandik.Minutes
	e.Do("GET", "/api/v1/meetings/t-1/minutes", observer1, nil).Decode(t, http.StatusOK, &mins)
	if mins.Text != "Kardeş ilçe modeli görüşüldü." || mins.ClosedBy != coordinator {
		t.Errorf("minutes %+v", mins)
	}
}

// TestMeetingFromTemplate: the next workshop starts from the last: its
// invitation rule, agenda moved to the new day and survey questions.
func TestMeetingFromTemplate(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	e.Do("POST", "/api/v1/meetings", coordinator, meetingBody("t-1")).Decode(t, http.StatusCreated, nil)
	e.Do("POST", "/api/v1/surveys", coordinator, surveyBody("a-1", "t-1")).Decode(t, http.StatusCreated, nil)
	e.Do("PUT", "/api/v1/surveys/a-1/questions/1", coordinator, map[string]any{"state": "open"}).Decode(t, http.StatusOK, nil)
	var next createdMeeting
	e.Do("POST", "/api/v1/meetings?from=t-1", coordinator, map[string]any{"id": "t-2", "title": "Çalıştay 2025",
		"start": "2025-06-01T19:00:00+03:00", "end": "2025-06-01T21:00:00+03:00"}).Decode(t, http.StatusCreated, &next)
	if next.Meeting.Unit != "34" || next.Meeting.Kind != "degerlendirme" || len(next.Meeting.Agenda) != 1 || !next.Meeting.Agenda[0].At.Equal(next.Meeting.Start) {
		t.Errorf("meeting from the template %+v", next.Meeting)
	}
	if len(next.Invitations) != 1 || next.Invitations[0].Person != "k-bes" {
		t.Errorf("invitations %+v, want by the template's rule on the new day", next.Invitations)
	}
	var s sandik.Survey
	e.Do("GET", "/api/v1/surveys/t-2-1", coordinator, nil).Decode(t, http.StatusOK, &s)
	if len(s.Questions) != 3 || s.Questions[0].State != sandik.QuestionDraft || s.JoinCode == "" {
		t.Errorf("survey copied %+v", s)
	}
	e.Do("POST", "/api/v1/meetings?from=t-9", coordinator, map[string]any{"id": "t-3", "title": "x",
		"start": "2025-06-01T19:00:00+03:00", "end": "2025-06-01T21:00:00+03:00"}).APIError(t, http.StatusNotFound)
}
