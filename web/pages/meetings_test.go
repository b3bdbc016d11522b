package pages

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// meetingPagesFixture is peopleFixture with a workshop of İstanbul on 1
// June 2024 inviting the ilçe başkanları (Adalar's) and, by name, Cem
// Beşli and Çağla Öz, and a survey of a single choice and a scale.
func meetingPagesFixture(t *testing.T, e *env) (sandik.Meeting, sandik.Survey) {
	t.Helper()
	peopleFixture(t, e)
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	start := time.Date(2024, 6, 1, 10, 0, 0, 0, sandik.Istanbul())
	m, _, err := e.Center.CreateMeeting(ctx, setup, sandik.Meeting{ID: "t-1", Unit: "34", Title: "İstanbul Çalıştayı", Kind: sandik.MeetingWorkshop,
		Start: start, End: start.Add(6 * time.Hour), Place: "Sarıyer",
		Invite: sandik.InviteRule{Kinds: []sandik.KindCode{"ilce_baskani"}, Under: "34", People: []sandik.PersonID{"k-bes", "k-c1"}}})
	if err != nil {
		t.Fatal(err)
	}
	qs, err := ParseQuestions("tek: Kardeş ilçe modeli uygulansın mı? | Evet | Hayır\nölçek: Geçen yılı değerlendirin")
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.Center.CreateSurvey(ctx, setup, sandik.Survey{ID: "a-1", Meeting: "t-1", Title: "Çalıştay anketi", Questions: qs})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Center.AddDecision(ctx, setup, "t-1", sandik.Decision{ID: "d-fixture", Text: "Adalar raporu", OwnerUnit: "34.01", Due: "2019-03-01"}); err != nil {
		t.Fatal(err)
	}
	// A meeting to close for each user of the matrix.
	for _, u := range []string{observer2, volunteer, coordinator, admin, lawyer} {
		c := m
		c.ID, c.Code = sandik.MeetingID("t-close-"+u), ""
		if _, _, err := e.Center.CreateMeeting(ctx, setup, c); err != nil {
			t.Fatal(err)
		}
	}
	return m, s
}

// meetingPageRequest is a valid request of a meeting page as user, for
// the authorisation matrix.
func meetingPageRequest(b *webtest.Browser, p, path, user string) (webtest.Response, bool) {
	path = strings.NewReplacer("/toplantilar/"+webtest.Box1, "/toplantilar/t-1").Replace(path)
	switch p {
	case "POST /toplantilar":
		return b.Post(path, url.Values{"title": {"Toplantı " + user}, "unit": {"34"}, "kind": {"kurul"},
			"start": {"2024-06-02T19:00"}, "end": {"2024-06-02T21:00"}, "place": {"İl binası"}}), true
	case "POST /toplantilar/{id}/katilim":
		return b.Post("/toplantilar/t-1/katilim", url.Values{"person": {"k-c2"}, "action": {"organiser"}}), true
	case "POST /toplantilar/{id}/anket":
		return b.Post("/toplantilar/t-1/anket", url.Values{"title": {"Anket " + user}, "questions": {"metin: Bir kelime"}}), true
	case "POST /toplantilar/{id}/masalar":
		return b.Post("/toplantilar/t-1/masalar", url.Values{"action": {"seat"}, "min": {"1"}, "max": {"4"}}), true
	case "POST /toplantilar/{id}/karar":
		return b.Post("/toplantilar/t-1/karar", url.Values{"decision": {"Karar " + user}, "owner": {"34"}, "due": {"2024-07-01"}}), true
	case "POST /toplantilar/{id}/kapat":
		return b.Post("/toplantilar/t-close-"+user+"/kapat", url.Values{"minutes": {"Tutanak"}}), true
	case "POST /toplantilar/{id}/sonraki":
		return b.Post("/toplantilar/t-1/sonraki", url.Values{"title": {"Sonraki " + user}, "start": {"2025-06-01T10:00"}, "end": {"2025-06-01T12:00"}}), true
	case "POST /anket/{id}/soru/{q}":
		return b.Post("/anket/a-1/soru/1", url.Values{"do": {"open"}}), true
	case "POST /kararlar/{id}":
		return b.Post("/kararlar/d-fixture", url.Values{"status": {"done"}}), true
	case "GET /toplantilar/{id}":
		return b.Get("/toplantilar/t-1"), true
	case "GET /anket/{id}/ekran":
		return b.Get("/anket/a-1/ekran"), true
	case "GET /anket/{id}/sonuclar.csv":
		return b.Get("/anket/a-1/sonuclar.csv"), true
	case "GET /anket/{id}/sonuclar.xlsx":
		return b.Get("/anket/a-1/sonuclar.xlsx"), true
	}
	return webtest.Response{}, false
}

var inviteeOption = regexp.MustCompile(`<option value="([^"]+)">([^<]+)</option>`)

// TestWorkshopPages: the organiser makes a meeting and a survey on the
// pages; a phone checks in with the door's code, picking its name among
// the invitees shown only after the code, joins the survey and answers;
// a second answer is refused; counts stay hidden from the phone and the
// projector until revealed.
func TestWorkshopPages(t *testing.T) {
	e := newEnv(t)
	m, s := meetingPagesFixture(t, e)
	org := e.Browser(coordinator)
	r := org.Post("/toplantilar", url.Values{"title": {"Kurul"}, "unit": {"34"}, "kind": {"kurul"}, "start": {"2024-06-02T19:00"}, "end": {"2024-06-02T18:00"}, "place": {"x"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "end:") {
		t.Errorf("a meeting ending before it starts: %d", r.Status)
	}
	r = org.Post("/toplantilar/t-1/anket", url.Values{"title": {"Kötü"}, "questions": {"tek: iyi | a | b\nsoru: nedir"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "questions (line 2)") {
		t.Errorf("a survey with a bad line: %d, want 422 naming line 2", r.Status)
	}
	page := org.Page("/toplantilar/t-1", http.StatusOK)
	for _, want := range []string{"Deniz Ada", "Cem Beşli", "Çağla Öz", m.Code, s.JoinCode, "3 davetli"} {
		if !strings.Contains(page, want) {
			t.Errorf("the organiser's page lacks %q", want)
		}
	}
	if r := org.Post("/anket/a-1/soru/1", url.Values{"do": {"open"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("open question 1: %d", r.Status)
	}

	phone := e.Browser("")
	first := phone.Page("/katil/t-1", http.StatusOK)
	if strings.Contains(first, "Deniz Ada") {
		t.Error("the invitees are listed before the code is given")
	}
	if r := phone.Post("/katil/t-1", url.Values{"code": {"000000"}}); r.Status != http.StatusForbidden {
		t.Errorf("a wrong code: %d", r.Status)
	}
	r = phone.Post("/katil/t-1", url.Values{"code": {m.Code}})
	names := inviteeOption.FindAllStringSubmatch(string(r.Body), -1)
	if r.Status != http.StatusOK || len(names) != 3 {
		t.Fatalf("after the code: %d, invitees %v", r.Status, names)
	}
	if r := phone.Post("/katil/t-1", url.Values{"code": {m.Code}, "person": {"k-bes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	if got := phone.Page("/katil/t-1", http.StatusOK); !strings.Contains(got, "Cem Beşli") {
		t.Fatalf("after check-in the phone does not greet its owner")
	}
	if r := phone.Post("/katil/t-1/anket/a-1", url.Values{"code": {"1"}}); r.Status != http.StatusForbidden {
		t.Errorf("a wrong survey code: %d", r.Status)
	}
	if r := phone.Post("/katil/t-1/anket/a-1", url.Values{"code": {s.JoinCode}}); r.Status != http.StatusSeeOther {
		t.Fatalf("join the survey: %d", r.Status)
	}
	if got := phone.Page("/katil/t-1", http.StatusOK); !strings.Contains(got, "Kardeş ilçe modeli") || strings.Contains(got, "Geçen yılı") {
		t.Errorf("the phone shows the open question only: %s", got)
	}
	if r := phone.Post("/katil/t-1/anket/a-1/1", url.Values{"choice": {"0"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", r.Status, r.Body)
	}
	if r := phone.Post("/katil/t-1/anket/a-1/1", url.Values{"choice": {"1"}}); r.Status != http.StatusConflict {
		t.Errorf("a second answer: %d, want 409", r.Status)
	}
	if got := phone.Page("/katil/t-1", http.StatusOK); !strings.Contains(got, "Yanıtınız alındı") || strings.Contains(got, "%100") {
		t.Errorf("after answering, the phone shows %s", got)
	}
	proj := org.Page("/anket/a-1/ekran", http.StatusOK)
	if !strings.Contains(proj, "1 yanıt") || strings.Contains(proj, "%100") {
		t.Errorf("the projector before the reveal shows counts: %s", proj)
	}
	// The organiser's projector shows the join address whole, and as a
	// code to scan.
	if !strings.Contains(proj, `<svg class="qr"`) || !strings.Contains(proj, "://") || !strings.Contains(proj, "/katil/t-1</strong>") {
		t.Errorf("the projector has no code to scan, or no whole join address")
	}
	org.Post("/anket/a-1/soru/1", url.Values{"do": {"reveal"}})
	if got := phone.Page("/katil/t-1", http.StatusOK); !strings.Contains(got, "%100") {
		t.Errorf("revealed results not on the phone: %s", got)
	}
	if proj := org.Page("/anket/a-1/ekran", http.StatusOK); !strings.Contains(proj, "%100") {
		t.Errorf("revealed results not on the projector")
	}
	// The organiser's page counts the check-in once, at the door.
	if got := org.Page("/toplantilar/t-1", http.StatusOK); !strings.Contains(got, "1 katılan (1 salonda") || !strings.Contains(got, "kodla") {
		t.Errorf("attendance on the organiser's page")
	}
	if r := org.Post("/toplantilar/t-1/katilim", url.Values{"person": {"k-bes"}, "action": {"leave"}}); r.Status != http.StatusSeeOther {
		t.Errorf("departure: %d", r.Status)
	}
	if got := org.Page("/toplantilar/t-1", http.StatusOK); !strings.Contains(got, "1 ayrıldı") {
		t.Errorf("the departure is not counted")
	}
	// The results exported: counts by option name, nobody named.
	csv := org.Get("/anket/a-1/sonuclar.csv")
	if csv.Status != http.StatusOK || !strings.Contains(string(csv.Body), "1;Kardeş ilçe modeli uygulansın mı?;all;Evet;1") || strings.Contains(string(csv.Body), "Cem") {
		t.Errorf("results CSV %d:\n%s", csv.Status, csv.Body)
	}
	if x := org.Get("/anket/a-1/sonuclar.xlsx"); x.Status != http.StatusOK || !strings.HasPrefix(string(x.Body), "PK") {
		t.Errorf("results XLSX %d", x.Status)
	}
	if r := phone.Get("/anket/a-1/sonuclar.csv"); r.Status != http.StatusSeeOther {
		t.Errorf("a phone without an account reads the export: %d", r.Status)
	}
	// The follow-up list: Adalar's overdue decision, marked done.
	if got := org.Page("/kararlar?birim=34.01", http.StatusOK); !strings.Contains(got, "Adalar raporu") || !strings.Contains(got, "gecikmiş") {
		t.Errorf("the follow-up of Adalar lacks its overdue decision")
	}
	if r := org.Post("/kararlar/d-fixture", url.Values{"status": {"done"}, "birim": {"34.01"}}); r.Status != http.StatusSeeOther {
		t.Errorf("mark done: %d", r.Status)
	}
	if got := org.Page("/kararlar?birim=34.01", http.StatusOK); strings.Contains(got, "Adalar raporu") {
		t.Errorf("a decision done is still on the open list")
	}
	// Closing keeps the results with the meeting.
	if r := org.Post("/toplantilar/t-1/kapat", url.Values{"minutes": {"Tutanak"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	mins, err := e.Center.Meetings().Minutes(context.Background(), "t-1")
	if err != nil || len(mins.Attachments) != 1 {
		t.Fatalf("minutes %+v, %v; want the survey's results attached", mins, err)
	}
	if kept, err := e.Store.Evidence(context.Background(), mins.Attachments[0]); err != nil || !strings.Contains(string(kept), "Evet;1") {
		t.Errorf("results kept %q, %v", kept, err)
	}
}

// TestProjectorLive: the projector's stream starts with a snapshot and
// brings every answer in, coalesced.
func TestProjectorLive(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	m, s := meetingPagesFixture(t, e)
	ctx := context.Background()
	if err := e.Center.SetQuestion(ctx, sandik.User{ID: "setup", Role: sandik.RoleAdmin}, "a-1", 1, sandik.QuestionOpen, false); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	live := e.Browser(coordinator).Stream(sctx, "/anket/a-1/ekran/live")
	if first := next(t, live); first.K["q1.answers"] != "0 yanıt" {
		t.Fatalf("snapshot %+v", first)
	}
	var tokens []string
	for _, p := range []sandik.PersonID{"k-ada", "k-bes", "k-c1"} {
		ci, err := e.Center.CheckInWithCode(ctx, "t-1", m.Code, p)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, ci.Token)
	}
	for _, tok := range tokens {
		if err := e.Center.Answer(ctx, "a-1", 1, s.JoinCode, tok, sandik.Answer{Choices: []int{1}}); err != nil {
			t.Fatal(err)
		}
	}
	for events := 1; ; events++ {
		p := next(t, live)
		if p.K["q1.answers"] == "3 yanıt" {
			if p.K["q1.c1"] != "–" {
				t.Errorf("counts on the projector before the reveal: %v", p.K)
			}
			break
		}
		if events > 3 {
			t.Fatalf("more events than answers: %+v", p)
		}
	}
}

// TestSurveyBellCoalesces: a hundred answers between two looks of a
// waiter wake it once, and the version says how many changes passed.
func TestSurveyBellCoalesces(t *testing.T) {
	e := newEnv(t)
	m, s := meetingPagesFixture(t, e)
	ctx := context.Background()
	admin := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	if err := e.Center.SetQuestion(ctx, admin, "a-1", 2, sandik.QuestionOpen, false); err != nil {
		t.Fatal(err)
	}
	changed, v0 := e.Center.SurveyChanged("a-1")
	var cis []center.CheckIn
	for _, p := range []sandik.PersonID{"k-ada", "k-bes", "k-c1"} {
		ci, err := e.Center.CheckInWithCode(ctx, "t-1", m.Code, p)
		if err != nil {
			t.Fatal(err)
		}
		cis = append(cis, ci)
	}
	for i, ci := range cis {
		if err := e.Center.Answer(ctx, "a-1", 2, s.JoinCode, ci.Token, sandik.Answer{Scale: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-changed:
	default:
		t.Fatal("the bell did not ring")
	}
	again, v1 := e.Center.SurveyChanged("a-1")
	if v1 != v0+3 {
		t.Errorf("version moved %d, want 3", v1-v0)
	}
	select {
	case <-again:
		t.Error("a waiter that looked after the answers is woken again")
	default:
	}
}
