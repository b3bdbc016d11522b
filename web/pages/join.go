package pages

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
)

// The participant's phone page: no account. The phone checks in with
// the meeting's code shown at the door, picking its owner's name among
// the invitees (listed only once the code is right), and keeps the
// check-in token in a cookie of this meeting's path; it joins a survey
// with the join code on the projector, kept the same way, and answers
// the open questions with one thumb. Results are shown once revealed.

// cookie names of a phone: the check-in token of a meeting, the join
// code of a survey.
func tokenCookie(m sandik.MeetingID) string { return "katil_" + cookieSafe(string(m)) }
func joinCookie(s sandik.SurveyID) string   { return "anket_" + cookieSafe(string(s)) }

func cookieSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

type optionRow struct {
	Index   int
	Text    string
	Count   string
	Percent string
	Value   float64
}

type phoneQuestion struct {
	N         int
	Survey    string
	Text      string
	Kind      string
	Single    bool
	Multiple  bool
	Scale     bool
	Ranking   bool
	TextKind  bool
	Options   []optionRow
	Ranks     []int
	Answered  bool
	Revealed  bool
	Answers   string
	Action    string
	Texts     []string
	ScaleOpts []int
}

type phoneSurvey struct {
	ID, Title string
	Joined    bool
	Action    string
	Questions []phoneQuestion
	Waiting   bool
}

type joinView struct {
	base
	Meeting   sandik.Meeting
	Action    string
	Code      string
	Invitees  []unitOption
	CheckedIn bool
	Name      string
	Surveys   []phoneSurvey
	Problems  []string
	Done      string
	Moderates int
	Kinds     []kindOption
	Districts []unitOption
	Found     []findingRow
}

// joinPage is the phone's page of a meeting.
func (p *Pages) joinPage(w http.ResponseWriter, r *http.Request) error {
	done := ""
	if r.URL.Query().Get("yanit") != "" {
		done = p.langOf(r).T("join.thanks")
	}
	if r.URL.Query().Get("bulgu") != "" {
		done = p.langOf(r).T("join.finding_saved")
	}
	return p.renderJoin(w, r, http.StatusOK, "", nil, done)
}

func (p *Pages) renderJoin(w http.ResponseWriter, r *http.Request, status int, code string, problems []string, done string) error {
	ctx := r.Context()
	m, err := p.c.Meetings().Meeting(ctx, sandik.MeetingID(r.PathValue("id")))
	if err != nil {
		return p.errorPage(w, r, sandik.User{}, err)
	}
	v := joinView{base: p.baseOf(r, sandik.User{}, "join.title"), Meeting: m, Problems: problems, Done: done,
		Action: "/katil/" + url.PathEscape(string(m.ID))}
	v.Title = m.Title
	a, ok := p.phoneAttendee(r, m.ID)
	if !ok {
		if code != "" {
			// The right code: the invitees to choose from.
			v.Code = code
			invs, err := p.c.Meetings().Invitations(ctx, m.ID)
			if err != nil {
				return err
			}
			ids := make([]sandik.PersonID, len(invs))
			for i, inv := range invs {
				ids[i] = inv.Person
			}
			names, err := p.namesOf(r, v.L, ids)
			if err != nil {
				return err
			}
			for _, id := range ids {
				v.Invitees = append(v.Invitees, unitOption{Code: string(id), Name: names[id]})
			}
			collation.Sort(v.Invitees, func(o unitOption) string { return o.Name })
		}
		return p.renderPhone(w, status, v)
	}
	v.CheckedIn = true
	names, err := p.namesOf(r, v.L, []sandik.PersonID{a.Person})
	if err != nil {
		return err
	}
	v.Name = names[a.Person]
	if err := p.moderatorOf(r, &v, a); err != nil {
		return err
	}
	surveys, err := p.c.Meetings().Surveys(ctx, m.ID)
	if err != nil {
		return err
	}
	for _, s := range surveys {
		ps := phoneSurvey{ID: string(s.ID), Title: s.Title, Action: v.Action + "/anket/" + url.PathEscape(string(s.ID))}
		c, err := r.Cookie(joinCookie(s.ID))
		ps.Joined = err == nil && c.Value == s.JoinCode
		if ps.Joined {
			answered, err := p.c.Meetings().Answered(ctx, s.ID, a.Person)
			if err != nil {
				return err
			}
			for _, q := range s.Questions {
				if q.State == sandik.QuestionDraft || q.State == sandik.QuestionClosed && !q.Revealed {
					continue
				}
				pq, err := p.phoneQuestion(r, v.L, s, q, slices.Contains(answered, q.N), ps.Action)
				if err != nil {
					return err
				}
				ps.Questions = append(ps.Questions, pq)
			}
			ps.Waiting = len(ps.Questions) == 0
		}
		v.Surveys = append(v.Surveys, ps)
	}
	return p.renderPhone(w, status, v)
}

// renderPhone renders the phone's page, which is never cached: it holds
// what this phone may see.
func (p *Pages) renderPhone(w http.ResponseWriter, status int, v joinView) error {
	w.Header().Set("Cache-Control", "no-store")
	return p.render(w, status, "join", v)
}

func (p *Pages) phoneQuestion(r *http.Request, l *lang, s sandik.Survey, q sandik.Question, answered bool, action string) (phoneQuestion, error) {
	pq := phoneQuestion{N: q.N, Survey: string(s.ID), Text: q.Text, Kind: l.T("survey.kind." + string(q.Kind)), Answered: answered, Revealed: q.Revealed,
		Single: q.Kind == sandik.QuestionSingle, Multiple: q.Kind == sandik.QuestionMultiple, Scale: q.Kind == sandik.QuestionScale,
		Ranking: q.Kind == sandik.QuestionRanking, TextKind: q.Kind == sandik.QuestionText, Action: action + "/" + strconv.Itoa(q.N)}
	for i, o := range q.Options {
		pq.Options = append(pq.Options, optionRow{Index: i, Text: o})
		pq.Ranks = append(pq.Ranks, i+1)
	}
	pq.ScaleOpts = []int{1, 2, 3, 4, 5}
	if q.Revealed {
		res, err := p.c.Results(r.Context(), s, q.N)
		if err != nil {
			return pq, err
		}
		pq.Answers = l.F("survey.answers", l.Int(res.Answers))
		pq.Options = resultRows(l, q, res.Counts, res.Answers)
		pq.Texts = res.Texts
	}
	return pq, nil
}

// resultRows are a question's categories with their counts and shares.
func resultRows(l *lang, q sandik.Question, counts map[string]int, answers int) []optionRow {
	var out []optionRow
	names := q.Options
	if q.Kind == sandik.QuestionScale {
		names = []string{"1", "2", "3", "4", "5"}
	}
	for i, name := range names {
		cat := strconv.Itoa(i)
		if q.Kind == sandik.QuestionScale {
			cat = name
		}
		n := counts[cat]
		row := optionRow{Index: i, Text: name, Count: l.Int(n)}
		if answers > 0 {
			row.Value = float64(n) / float64(answers)
			row.Percent = l.Pct(int64(n), int64(answers))
		}
		out = append(out, row)
	}
	return out
}

// phoneAttendee is the check-in the phone's cookie stands for, if it is
// one of meeting m.
func (p *Pages) phoneAttendee(r *http.Request, m sandik.MeetingID) (sandik.Attendance, bool) {
	c, err := r.Cookie(tokenCookie(m))
	if err != nil || c.Value == "" {
		return sandik.Attendance{}, false
	}
	a, err := p.c.Meetings().Attendee(r.Context(), tokenHash(c.Value))
	if err != nil || a.Meeting != m {
		return sandik.Attendance{}, false
	}
	return a, true
}

func (p *Pages) setPhoneCookie(w http.ResponseWriter, r *http.Request, name, value string, m sandik.MeetingID) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/katil/" + url.PathEscape(string(m)), HttpOnly: true,
		Secure: p.b.Secure(r), SameSite: http.SameSiteStrictMode, MaxAge: 24 * 60 * 60})
}

// checkIn takes the door's code, then the name chosen.
func (p *Pages) checkIn(w http.ResponseWriter, r *http.Request) error {
	if err := p.cop.Check(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
	}
	if err := r.ParseForm(); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EInvalid, "unreadable form"))
	}
	id := sandik.MeetingID(r.PathValue("id"))
	m, err := p.c.Meetings().Meeting(r.Context(), id)
	if err != nil {
		return p.errorPage(w, r, sandik.User{}, err)
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	l := p.langOf(r)
	if !sameCode(code, m.Code) {
		return p.renderJoin(w, r, http.StatusForbidden, "", []string{l.T("join.bad_code")}, "")
	}
	person := r.PostForm.Get("person")
	if person == "" {
		return p.renderJoin(w, r, http.StatusOK, code, nil, "")
	}
	ci, err := p.c.CheckInWithCode(r.Context(), id, code, sandik.PersonID(person))
	if err != nil {
		return p.renderJoin(w, r, http.StatusForbidden, code, []string{l.T("join.not_invited")}, "")
	}
	p.setPhoneCookie(w, r, tokenCookie(id), ci.Token, id)
	http.Redirect(w, r, "/katil/"+url.PathEscape(string(id)), http.StatusSeeOther)
	return nil
}

// joinSurvey takes a survey's join code.
func (p *Pages) joinSurvey(w http.ResponseWriter, r *http.Request) error {
	if err := p.cop.Check(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
	}
	if err := r.ParseForm(); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EInvalid, "unreadable form"))
	}
	id, sid := sandik.MeetingID(r.PathValue("id")), sandik.SurveyID(r.PathValue("survey"))
	s, err := p.c.Meetings().Survey(r.Context(), sid)
	if err != nil || s.Meeting != id {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.ENotFound, "no survey %q in meeting %q", sid, id))
	}
	if _, ok := p.phoneAttendee(r, id); !ok {
		http.Redirect(w, r, "/katil/"+url.PathEscape(string(id)), http.StatusSeeOther)
		return nil
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if !sameCode(code, s.JoinCode) {
		return p.renderJoin(w, r, http.StatusForbidden, "", []string{p.langOf(r).T("join.bad_code")}, "")
	}
	p.setPhoneCookie(w, r, joinCookie(sid), code, id)
	http.Redirect(w, r, "/katil/"+url.PathEscape(string(id))+"#s-"+url.PathEscape(string(sid)), http.StatusSeeOther)
	return nil
}

// answerQuestion takes a phone's answer to a question.
func (p *Pages) answerQuestion(w http.ResponseWriter, r *http.Request) error {
	if err := p.cop.Check(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
	}
	if err := r.ParseForm(); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EInvalid, "unreadable form"))
	}
	id, sid := sandik.MeetingID(r.PathValue("id")), sandik.SurveyID(r.PathValue("survey"))
	n, err := strconv.Atoi(r.PathValue("q"))
	if err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.ENotFound, "no question %q", r.PathValue("q")))
	}
	tok, err1 := r.Cookie(tokenCookie(id))
	join, err2 := r.Cookie(joinCookie(sid))
	if err1 != nil || err2 != nil {
		http.Redirect(w, r, "/katil/"+url.PathEscape(string(id)), http.StatusSeeOther)
		return nil
	}
	f := r.PostForm
	var ans sandik.Answer
	for _, c := range append(f["choice"], rankOrder(f)...) {
		i, err := strconv.Atoi(c)
		if err != nil {
			i = -1
		}
		ans.Choices = append(ans.Choices, i)
	}
	if s := f.Get("scale"); s != "" {
		ans.Scale, _ = strconv.Atoi(s)
	}
	ans.Text = f.Get("text")
	l := p.langOf(r)
	err = p.c.Answer(r.Context(), sid, n, join.Value, tok.Value, ans)
	switch sandik.CodeOf(err) {
	case "":
		http.Redirect(w, r, "/katil/"+url.PathEscape(string(id))+"?yanit="+strconv.Itoa(n)+"#s-"+url.PathEscape(string(sid)), http.StatusSeeOther)
		return nil
	case sandik.EConflict:
		return p.renderJoin(w, r, http.StatusConflict, "", []string{l.T("join.answered")}, "")
	case sandik.EInvalid:
		return p.renderJoin(w, r, http.StatusUnprocessableEntity, "", []string{l.T("join.invalid")}, "")
	}
	return p.errorPage(w, r, sandik.User{}, err)
}

// rankOrder reads a ranking's selects rank1, rank2, … in order.
func rankOrder(f url.Values) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := f["rank"+strconv.Itoa(i)]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}

func sameCode(a, b string) bool {
	return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func tokenHash(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// moderatorOf fills the moderator's part of the phone's page: the
// table's findings so far and a form for the next, the districts being
// the home units of the table's members.
func (p *Pages) moderatorOf(r *http.Request, v *joinView, a sandik.Attendance) error {
	ctx := r.Context()
	n, err := p.c.ModeratedTable(ctx, a.Meeting, a.Person)
	if err != nil || n == 0 {
		return err
	}
	v.Moderates = n
	for _, k := range sandik.FindingKinds() {
		v.Kinds = append(v.Kinds, kindOption{string(k), v.L.T("finding.kind." + string(k))})
	}
	tables, err := p.c.Meetings().Tables(ctx, a.Meeting)
	if err != nil {
		return err
	}
	people, err := p.c.Org().People(ctx, sandik.PeopleFilter{IDs: tables[n-1].Members})
	if err != nil {
		return err
	}
	seen := map[sandik.UnitCode]bool{}
	for _, pe := range people {
		if seen[pe.Home] {
			continue
		}
		seen[pe.Home] = true
		if un, err := p.c.Org().Unit(ctx, pe.Home); err == nil {
			v.Districts = append(v.Districts, unitOption{Code: string(un.Code), Name: un.Name})
		}
	}
	collation.Sort(v.Districts, func(o unitOption) string { return o.Name })
	fs, err := p.c.Meetings().Findings(ctx, a.Meeting)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.Table == n {
			v.Found = append(v.Found, findingRow{Table: f.Table, Text: v.L.T("finding.kind."+string(f.Kind)) + ": " + f.Text})
		}
	}
	return nil
}

// addFinding takes a finding from the phone of a table's moderator.
func (p *Pages) addFinding(w http.ResponseWriter, r *http.Request) error {
	if err := p.cop.Check(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
	}
	if err := r.ParseForm(); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EInvalid, "unreadable form"))
	}
	id := sandik.MeetingID(r.PathValue("id"))
	a, ok := p.phoneAttendee(r, id)
	if !ok {
		http.Redirect(w, r, "/katil/"+url.PathEscape(string(id)), http.StatusSeeOther)
		return nil
	}
	n, err := p.c.ModeratedTable(r.Context(), id, a.Person)
	if err != nil {
		return err
	}
	tok, _ := r.Cookie(tokenCookie(id))
	f := sandik.Finding{Meeting: id, Table: n, Kind: sandik.FindingKind(r.PostForm.Get("kind")), Text: strings.TrimSpace(r.PostForm.Get("text"))}
	for _, d := range r.PostForm["district"] {
		f.Districts = append(f.Districts, sandik.UnitCode(d))
	}
	_, err = p.c.AddFinding(r.Context(), sandik.User{}, tok.Value, f)
	switch sandik.CodeOf(err) {
	case "":
		http.Redirect(w, r, "/katil/"+url.PathEscape(string(id))+"?bulgu=1#masa", http.StatusSeeOther)
		return nil
	case sandik.EInvalid, sandik.EForbidden:
		return p.renderJoin(w, r, http.StatusUnprocessableEntity, "", []string{p.langOf(r).T("join.invalid")}, "")
	}
	return p.errorPage(w, r, sandik.User{}, err)
}
