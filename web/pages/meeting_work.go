package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// The organiser's work on a meeting's page beyond attendance: seating
// the round tables and naming their moderators, the tables' findings,
// decisions, closing with minutes, and the next meeting from this one.

type roundTableRow struct {
	N         int
	Moderator string
	Members   []tableSeatRow
}

type tableSeatRow struct{ ID, Name string }

type findingRow struct {
	Table     int
	Text      string
	Districts string
}

type findingGroup struct {
	Kind  string
	Items []findingRow
}

type decisionRow struct {
	ID, Text, Owner, Due, Status string
	Open, Overdue                bool
}

// workOf fills the tables, findings, decisions and minutes of v.
func (p *Pages) workOf(r *http.Request, v *meetingView) error {
	ctx := r.Context()
	id := v.Meeting.ID
	tables, err := p.c.Meetings().Tables(ctx, id)
	if err != nil {
		return err
	}
	var ids []sandik.PersonID
	for _, t := range tables {
		ids = append(ids, t.Members...)
		if t.Moderator != "" {
			ids = append(ids, t.Moderator)
		}
	}
	names, err := p.namesOf(r, v.L, ids)
	if err != nil {
		return err
	}
	for _, t := range tables {
		row := roundTableRow{N: t.N, Moderator: names[t.Moderator]}
		for _, m := range t.Members {
			row.Members = append(row.Members, tableSeatRow{ID: string(m), Name: names[m]})
		}
		v.Tables = append(v.Tables, row)
	}
	findings, err := p.c.Meetings().Findings(ctx, id)
	if err != nil {
		return err
	}
	units, err := p.c.Org().Units(ctx)
	if err != nil {
		return err
	}
	unitName := map[sandik.UnitCode]string{}
	for _, u := range units {
		unitName[u.Code] = u.Name
	}
	for _, k := range sandik.FindingKinds() {
		g := findingGroup{Kind: v.L.T("finding.kind." + string(k))}
		for _, f := range findings {
			if f.Kind != k {
				continue
			}
			var ds []string
			for _, d := range f.Districts {
				ds = append(ds, unitName[d])
			}
			g.Items = append(g.Items, findingRow{Table: f.Table, Text: f.Text, Districts: strings.Join(ds, ", ")})
		}
		v.Findings = append(v.Findings, g)
	}
	ds, err := p.c.Meetings().Decisions(ctx, sandik.DecisionFilter{Meeting: id})
	if err != nil {
		return err
	}
	var owners []sandik.PersonID
	for _, d := range ds {
		owners = append(owners, d.OwnerPerson)
	}
	ownerNames, err := p.namesOf(r, v.L, owners)
	if err != nil {
		return err
	}
	today := sandik.DateOf(p.now())
	for _, d := range ds {
		owner := ownerNames[d.OwnerPerson]
		if d.OwnerUnit != "" {
			owner = unitName[d.OwnerUnit]
		}
		v.Decisions = append(v.Decisions, decisionRow{ID: string(d.ID), Text: d.Text, Owner: owner, Due: string(d.Due),
			Status: v.L.T("decision.status." + string(d.Status)), Open: d.Status == sandik.DecisionOpen, Overdue: d.Overdue(today)})
	}
	mins, err := p.c.Meetings().Minutes(ctx, id)
	switch sandik.CodeOf(err) {
	case "":
		v.Minutes = &mins
		v.ClosedAt = v.L.Time(mins.ClosedAt)
	case sandik.ENotFound:
	default:
		return err
	}
	for _, u := range units {
		v.OwnerUnits = append(v.OwnerUnits, unitOption{Code: string(u.Code), Name: u.Name})
	}
	v.NextDay = p.now().In(p.loc).AddDate(1, 0, 0).Format("2006-01-02") + "T10:00"
	return nil
}

// seat seats the round tables by rules or names a table's moderator.
func (p *Pages) seat(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	id := sandik.MeetingID(r.PathValue("id"))
	var err error
	switch f.Get("action") {
	case "moderator":
		var tables []sandik.Table
		if tables, err = p.c.Meetings().Tables(r.Context(), id); err == nil {
			n, _ := strconv.Atoi(f.Get("table"))
			person := sandik.PersonID(f.Get("person"))
			if n < 1 || n > len(tables) {
				err = sandik.Invalid("invalid moderator", []sandik.Problem{{Field: "table", Rule: sandik.RuleInvalidValue, Message: "no such table"}})
			} else {
				// A member named moderator leaves the members' seats.
				t := &tables[n-1]
				members := t.Members[:0]
				for _, m := range t.Members {
					if m != person {
						members = append(members, m)
					}
				}
				if t.Moderator != "" {
					members = append(members, t.Moderator)
				}
				t.Members, t.Moderator = members, person
				_, err = p.c.SaveTables(r.Context(), u, id, tables)
			}
		}
	default:
		lo, _ := strconv.Atoi(f.Get("min"))
		hi, _ := strconv.Atoi(f.Get("max"))
		_, err = p.c.SeatMeeting(r.Context(), u, id, sandik.SeatingRules{Min: lo, Max: hi})
	}
	return p.afterWork(w, r, u, id, err, "#masalar")
}

// afterWork answers a form of the meeting's page: back to the page, or
// the page again with the problems.
func (p *Pages) afterWork(w http.ResponseWriter, r *http.Request, u sandik.User, id sandik.MeetingID, err error, anchor string) error {
	if code := sandik.CodeOf(err); code == sandik.EInvalid || code == sandik.EConflict || code == sandik.ENotFound {
		return p.renderMeeting(w, r, u, http.StatusUnprocessableEntity, r.PostForm, problemLines(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/toplantilar/"+url.PathEscape(string(id))+anchor, http.StatusSeeOther)
	return nil
}

// decisionOf reads a decision from the form's fields.
func decisionOf(f url.Values) sandik.Decision {
	d := sandik.Decision{Text: strings.TrimSpace(f.Get("decision")), Due: sandik.Date(f.Get("due"))}
	owner := f.Get("owner")
	if person, ok := strings.CutPrefix(owner, "kisi:"); ok {
		d.OwnerPerson = sandik.PersonID(person)
	} else {
		d.OwnerUnit = sandik.UnitCode(owner)
	}
	return d
}

// closeMeeting closes the meeting with its minutes and, when given, a
// decision.
func (p *Pages) closeMeeting(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := sandik.MeetingID(r.PathValue("id"))
	var ds []sandik.Decision
	if strings.TrimSpace(r.PostForm.Get("decision")) != "" {
		ds = append(ds, decisionOf(r.PostForm))
	}
	_, _, err := p.c.CloseMeeting(r.Context(), u, id, r.PostForm.Get("minutes"), nil, ds)
	return p.afterWork(w, r, u, id, err, "#kararlar")
}

// addDecision records a decision.
func (p *Pages) addDecision(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := sandik.MeetingID(r.PathValue("id"))
	_, err := p.c.AddDecision(r.Context(), u, id, decisionOf(r.PostForm))
	return p.afterWork(w, r, u, id, err, "#kararlar")
}

// nextMeeting makes the next meeting from this one as its template.
func (p *Pages) nextMeeting(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	from := sandik.MeetingID(r.PathValue("id"))
	m := sandik.Meeting{ID: sandik.MeetingID("t-" + randomHex(6)), Title: strings.TrimSpace(f.Get("title"))}
	start, err1 := time.ParseInLocation("2006-01-02T15:04", f.Get("start"), p.loc)
	end, err2 := time.ParseInLocation("2006-01-02T15:04", f.Get("end"), p.loc)
	if err1 != nil || err2 != nil {
		return p.afterWork(w, r, u, from, sandik.Invalid("invalid meeting", []sandik.Problem{{Field: "start", Rule: sandik.RuleInvalidValue, Message: "a day and a time for the start and the end"}}), "")
	}
	m.Start, m.End = start, end
	made, _, err := p.c.CreateMeetingFrom(r.Context(), u, from, m)
	if err != nil {
		return p.afterWork(w, r, u, from, err, "")
	}
	http.Redirect(w, r, "/toplantilar/"+url.PathEscape(string(made.ID)), http.StatusSeeOther)
	return nil
}
