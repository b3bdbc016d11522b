package pages

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
)

// The organiser's pages of meetings: the list with a form to make one,
// and a meeting's page with its invitations, check-ins and departures,
// and its surveys, whose questions are opened, closed and revealed from
// there. Who may do what is the centre's (center/meeting.go).

type meetingRow struct {
	Href, Title, When, Unit, Kind string
}

type kindOption struct {
	Code, Name string
}

type meetingsView struct {
	base
	Rows       []meetingRow
	Organise   bool
	Units      []unitOption
	Kinds      []kindOption
	Positions  []kindOption
	Form       url.Values
	Problems   []string
	DefaultDay string
}

// meetingKinds are the kinds of meeting, named in l's language.
func meetingKinds(l *lang) []kindOption {
	var out []kindOption
	for _, k := range sandik.MeetingKinds() {
		out = append(out, kindOption{string(k), l.T("meeting.kind." + string(k))})
	}
	return out
}

func (p *Pages) meetingsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.renderMeetings(w, r, u, http.StatusOK, nil, nil)
}

func (p *Pages) renderMeetings(w http.ResponseWriter, r *http.Request, u sandik.User, status int, form url.Values, problems []string) error {
	ctx := r.Context()
	v := meetingsView{base: p.baseOf(r, u, "meetings.title"), Form: form, Problems: problems}
	units, err := p.visibleUnits(r, u)
	if err != nil {
		return err
	}
	ms, err := p.c.Meetings().Meetings(ctx, sandik.MeetingFilter{})
	if err != nil {
		return err
	}
	slices.SortFunc(ms, func(a, b sandik.Meeting) int { return b.Start.Compare(a.Start) })
	for _, m := range ms {
		un, ok := units[m.Unit]
		if !ok {
			continue
		}
		v.Rows = append(v.Rows, meetingRow{Href: "/toplantilar/" + url.PathEscape(string(m.ID)), Title: m.Title,
			When: v.L.Time(m.Start), Unit: un.Name, Kind: v.L.T("meeting.kind." + string(m.Kind))})
	}
	for _, un := range units {
		if p.c.OrgAllow(u, un.Area, true) == nil {
			v.Units = append(v.Units, unitOption{Code: string(un.Code), Name: un.Name, Selected: form.Get("unit") == string(un.Code)})
		}
	}
	collation.Sort(v.Units, func(o unitOption) string { return o.Name })
	v.Organise = len(v.Units) > 0
	v.Kinds = meetingKinds(v.L)
	kinds, err := p.c.Org().PositionKinds(ctx)
	if err != nil {
		return err
	}
	for _, k := range kinds {
		v.Positions = append(v.Positions, kindOption{string(k.Code), k.Name})
	}
	v.DefaultDay = p.now().In(p.loc).Format("2006-01-02") + "T19:00"
	return p.render(w, status, "meetings", v)
}

// createMeeting makes a meeting from the list's form.
func (p *Pages) createMeeting(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return sandik.Invalid("invalid form", []sandik.Problem{{Field: "form", Rule: sandik.RuleInvalidValue, Message: err.Error()}})
	}
	f := r.PostForm
	m := sandik.Meeting{ID: sandik.MeetingID("t-" + randomHex(6)), Unit: sandik.UnitCode(f.Get("unit")), Title: strings.TrimSpace(f.Get("title")),
		Kind: sandik.MeetingKind(f.Get("kind")), Place: strings.TrimSpace(f.Get("place")), Link: strings.TrimSpace(f.Get("link"))}
	var ps []sandik.Problem
	for _, t := range []struct {
		field string
		dst   *time.Time
	}{{"start", &m.Start}, {"end", &m.End}} {
		at, err := time.ParseInLocation("2006-01-02T15:04", f.Get(t.field), p.loc)
		if err != nil {
			ps = append(ps, sandik.Problem{Field: t.field, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("%q is not a day and time", f.Get(t.field))})
		}
		*t.dst = at
	}
	for _, k := range f["invite_kind"] {
		m.Invite.Kinds = append(m.Invite.Kinds, sandik.KindCode(k))
	}
	if len(m.Invite.Kinds) > 0 {
		m.Invite.Under = m.Unit
	}
	for line := range strings.Lines(f.Get("invite_people")) {
		if id := strings.TrimSpace(line); id != "" {
			m.Invite.People = append(m.Invite.People, sandik.PersonID(id))
		}
	}
	var err error
	if len(ps) > 0 {
		err = sandik.Invalid("invalid meeting", ps)
	} else {
		m, _, err = p.c.CreateMeeting(r.Context(), u, m)
	}
	if code := sandik.CodeOf(err); code == sandik.EInvalid || code == sandik.EConflict {
		return p.renderMeetings(w, r, u, http.StatusUnprocessableEntity, f, problemLines(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/toplantilar/"+url.PathEscape(string(m.ID)), http.StatusSeeOther)
	return nil
}

// problemLines are an error's problems, each with its field.
func problemLines(err error) []string {
	var out []string
	for _, pr := range sandik.ProblemsOf(err) {
		out = append(out, pr.Field+": "+pr.Message)
	}
	if len(out) == 0 {
		out = append(out, sandik.MessageOf(err))
	}
	return out
}

type inviteeRow struct {
	ID, Name, Kind, Unit, Reply string
	Arrived, Left, Mode         string
	Present, Gone               bool
}

type questionRow struct {
	N                   int
	Text, Kind, State   string
	Answers             string
	Draft, Open, Closed bool
	Revealed            bool
}

type surveyBlock struct {
	ID, Title, JoinCode, Projector string
	Questions                      []questionRow
}

type meetingView struct {
	base
	Meeting  sandik.Meeting
	Kind     string
	When     string
	Unit     string
	Code     string
	Organise bool
	Invitees []inviteeRow
	Guests   []inviteeRow
	Counts   string
	Surveys  []surveyBlock
	JoinURL  string
	Problems []string
	Form     url.Values
	Agenda   []agendaRow

	Tables     []roundTableRow
	Findings   []findingGroup
	Decisions  []decisionRow
	Minutes    *sandik.Minutes
	ClosedAt   string
	OwnerUnits []unitOption
	NextDay    string
}

type agendaRow struct{ At, Title, Speaker string }

func (p *Pages) meetingPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.renderMeeting(w, r, u, http.StatusOK, nil, nil)
}

func (p *Pages) renderMeeting(w http.ResponseWriter, r *http.Request, u sandik.User, status int, form url.Values, problems []string) error {
	ctx := r.Context()
	m, err := p.c.Meetings().Meeting(ctx, sandik.MeetingID(r.PathValue("id")))
	if err != nil {
		return err
	}
	if err := p.c.MeetingAllow(ctx, u, m, false); err != nil {
		return err
	}
	v := meetingView{base: p.baseOf(r, u, "meeting.title"), Meeting: m, Problems: problems, Form: form}
	v.Title = m.Title
	v.Kind = v.L.T("meeting.kind." + string(m.Kind))
	v.Organise = p.c.MeetingAllow(ctx, u, m, true) == nil
	if v.Organise {
		v.Code = m.Code
	}
	v.When = v.L.Time(m.Start) + " – " + v.L.Clock(m.End)
	if un, err := p.c.Org().Unit(ctx, m.Unit); err == nil {
		v.Unit = un.Name
	}
	for _, a := range m.Agenda {
		row := agendaRow{Title: a.Title, Speaker: a.Speaker}
		if !a.At.IsZero() {
			row.At = v.L.Clock(a.At)
		}
		v.Agenda = append(v.Agenda, row)
	}
	v.JoinURL = "/katil/" + url.PathEscape(string(m.ID))
	invs, err := p.c.Meetings().Invitations(ctx, m.ID)
	if err != nil {
		return err
	}
	att, err := p.c.Meetings().Attendance(ctx, m.ID)
	if err != nil {
		return err
	}
	kinds, err := p.c.Org().PositionKinds(ctx)
	if err != nil {
		return err
	}
	kindName := map[sandik.KindCode]string{}
	for _, k := range kinds {
		kindName[k.Code] = k.Name
	}
	ids := make([]sandik.PersonID, 0, len(invs)+len(att))
	for _, inv := range invs {
		ids = append(ids, inv.Person)
	}
	for _, a := range att {
		ids = append(ids, a.Person)
	}
	names, err := p.namesOf(r, v.L, ids)
	if err != nil {
		return err
	}
	byPerson := map[sandik.PersonID]sandik.Attendance{}
	for _, a := range att {
		byPerson[a.Person] = a
	}
	row := func(id sandik.PersonID) inviteeRow {
		out := inviteeRow{ID: string(id), Name: names[id]}
		if a, ok := byPerson[id]; ok {
			out.Present, out.Gone = true, !a.Left.IsZero()
			out.Arrived, out.Mode = v.L.Clock(a.Arrived), v.L.T("meeting.mode."+string(a.Mode))
			if out.Gone {
				out.Left = v.L.Clock(a.Left)
			}
		}
		return out
	}
	invited := map[sandik.PersonID]bool{}
	present, remote, gone := 0, 0, 0
	for _, inv := range invs {
		invited[inv.Person] = true
		ir := row(inv.Person)
		ir.Kind, ir.Unit, ir.Reply = kindName[inv.Kind], string(inv.Unit), v.L.T("meeting.reply."+string(inv.Reply))
		if inv.Kind == "" {
			ir.Kind = v.L.T("meeting.named")
		}
		v.Invitees = append(v.Invitees, ir)
	}
	for _, a := range att {
		switch {
		case !a.Left.IsZero():
			gone++
		case a.Mode == sandik.CheckInRemote:
			remote++
		default:
			present++
		}
		if !invited[a.Person] {
			v.Guests = append(v.Guests, row(a.Person))
		}
	}
	collation.Sort(v.Invitees, func(r inviteeRow) string { return r.Name })
	v.Counts = v.L.F("meeting.counts", v.L.Int(len(invs)), v.L.Int(len(att)), v.L.Int(present), v.L.Int(remote), v.L.Int(gone))
	surveys, err := p.c.Meetings().Surveys(ctx, m.ID)
	if err != nil {
		return err
	}
	for _, s := range surveys {
		b := surveyBlock{ID: string(s.ID), Title: s.Title, Projector: "/anket/" + url.PathEscape(string(s.ID)) + "/ekran"}
		if v.Organise {
			b.JoinCode = s.JoinCode
		}
		for _, q := range s.Questions {
			n, err := p.c.Meetings().Participants(ctx, s.ID, q.N)
			if err != nil {
				return err
			}
			b.Questions = append(b.Questions, questionRow{N: q.N, Text: q.Text, Kind: v.L.T("survey.kind." + string(q.Kind)),
				State: v.L.T("survey.state." + string(q.State)), Answers: v.L.Int(n), Revealed: q.Revealed,
				Draft: q.State == sandik.QuestionDraft, Open: q.State == sandik.QuestionOpen, Closed: q.State == sandik.QuestionClosed})
		}
		v.Surveys = append(v.Surveys, b)
	}
	if err := p.workOf(r, &v); err != nil {
		return err
	}
	return p.render(w, status, "meeting", v)
}

// randomHex is n random bytes in hex: ids of records made from forms.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// namesOf reads the names of ids, an erased person as removed.
func (p *Pages) namesOf(r *http.Request, l *lang, ids []sandik.PersonID) (map[sandik.PersonID]string, error) {
	names := make(map[sandik.PersonID]string, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		people, err := p.c.Org().People(r.Context(), sandik.PeopleFilter{IDs: chunk})
		if err != nil {
			return nil, err
		}
		for _, pe := range people {
			names[pe.ID] = p.shownName(l, pe)
		}
	}
	return names, nil
}

// attend checks someone in at the desk or remote, or records that they
// left, from the meeting's page.
func (p *Pages) attend(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := sandik.MeetingID(r.PathValue("id"))
	person := sandik.PersonID(r.PostForm.Get("person"))
	var err error
	switch action := r.PostForm.Get("action"); action {
	case "leave":
		var m sandik.Meeting
		if m, err = p.c.Meetings().Meeting(r.Context(), id); err == nil {
			if err = p.c.MeetingAllow(r.Context(), u, m, true); err == nil {
				err = p.c.Meetings().Leave(r.Context(), id, person, p.now())
			}
		}
	default:
		_, err = p.c.CheckInByOrganiser(r.Context(), u, id, person, sandik.CheckInMode(action))
	}
	if code := sandik.CodeOf(err); code == sandik.EInvalid || code == sandik.EConflict || code == sandik.ENotFound {
		return p.renderMeeting(w, r, u, http.StatusUnprocessableEntity, r.PostForm, problemLines(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/toplantilar/"+url.PathEscape(string(id))+"#katilim", http.StatusSeeOther)
	return nil
}

// createSurvey makes a survey from the meeting page's form: one question
// a line, "kind: text | option | option".
func (p *Pages) createSurvey(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	s := sandik.Survey{ID: sandik.SurveyID("a-" + randomHex(6)), Meeting: sandik.MeetingID(r.PathValue("id")), Title: strings.TrimSpace(f.Get("title"))}
	if k := f.Get("k"); k != "" {
		n, err := strconv.Atoi(k)
		if err != nil {
			return p.renderMeeting(w, r, u, http.StatusUnprocessableEntity, f, []string{"k: " + k})
		}
		s.K = n
	}
	qs, err := ParseQuestions(f.Get("questions"))
	if err == nil {
		s.Questions = qs
		_, err = p.c.CreateSurvey(r.Context(), u, s)
	}
	if code := sandik.CodeOf(err); code == sandik.EInvalid || code == sandik.EConflict {
		return p.renderMeeting(w, r, u, http.StatusUnprocessableEntity, f, problemLines(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/toplantilar/"+url.PathEscape(string(s.Meeting))+"#anketler", http.StatusSeeOther)
	return nil
}

// questionWords are the words a line of the survey form begins with, in
// Turkish and English.
var questionWords = map[string]sandik.QuestionKind{
	"tek": sandik.QuestionSingle, "single": sandik.QuestionSingle,
	"çok": sandik.QuestionMultiple, "multiple": sandik.QuestionMultiple,
	"ölçek": sandik.QuestionScale, "scale": sandik.QuestionScale,
	"sıra": sandik.QuestionRanking, "ranking": sandik.QuestionRanking,
	"metin": sandik.QuestionText, "text": sandik.QuestionText,
}

// ParseQuestions reads the survey form's questions, one a line:
// "tek: Kardeş ilçe modeli? | Evet | Hayır". A line it cannot read is
// refused, the problem naming its number.
func ParseQuestions(text string) ([]sandik.Question, error) {
	var out []sandik.Question
	var ps []sandik.Problem
	n := 0
	for line := range strings.Lines(text) {
		n++
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		word, rest, ok := strings.Cut(line, ":")
		kind, known := questionWords[strings.ToLower(strings.TrimSpace(word))]
		if !ok || !known {
			ps = append(ps, sandik.Problem{Field: fmt.Sprintf("questions (line %d)", n), Line: n, Rule: sandik.RuleInvalidValue,
				Message: "begins with tek, çok, ölçek, sıra or metin and a colon"})
			continue
		}
		parts := strings.Split(rest, "|")
		q := sandik.Question{N: len(out) + 1, Kind: kind, Text: strings.TrimSpace(parts[0]), State: sandik.QuestionDraft}
		for _, o := range parts[1:] {
			q.Options = append(q.Options, strings.TrimSpace(o))
		}
		out = append(out, q)
	}
	if len(ps) > 0 {
		return nil, sandik.Invalid("invalid questions", ps)
	}
	return out, nil
}

// setQuestion opens, closes or reveals a question from the meeting page.
func (p *Pages) setQuestion(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := sandik.SurveyID(r.PathValue("id"))
	n, err := strconv.Atoi(r.PathValue("q"))
	if err != nil {
		return sandik.Errorf(sandik.ENotFound, "no question %q", r.PathValue("q"))
	}
	s, m, err := p.c.SurveyFor(r.Context(), u, id, true)
	if err != nil {
		return err
	}
	if n < 1 || n > len(s.Questions) {
		return sandik.Errorf(sandik.ENotFound, "survey %q has no question %d", id, n)
	}
	q := s.Questions[n-1]
	switch r.PostForm.Get("do") {
	case "open":
		q.State = sandik.QuestionOpen
	case "close":
		q.State = sandik.QuestionClosed
	case "reveal":
		q.Revealed = true
	case "hide":
		q.Revealed = false
	default:
		return sandik.Invalid("invalid change of a question", []sandik.Problem{{Field: "do", Rule: sandik.RuleInvalidValue, Message: "open, close, reveal or hide"}})
	}
	if err := p.c.SetQuestion(r.Context(), u, id, n, q.State, q.Revealed); err != nil {
		return err
	}
	back := r.PostForm.Get("back")
	if back != "projector" {
		http.Redirect(w, r, "/toplantilar/"+url.PathEscape(string(m.ID))+"#anketler", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/anket/"+url.PathEscape(string(id))+"/ekran", http.StatusSeeOther)
	return nil
}
