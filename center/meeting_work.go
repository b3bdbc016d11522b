package center

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
)

// The work of a meeting beyond attendance: round tables and their
// findings, decisions, closing with minutes, and the next meeting made
// from this one.

// SeatMeeting seats the people checked in to meeting id and not gone by
// rules (Together defaulting to sandik.DefaultTogether), each counted in
// their home unit and the kind they were invited as, and stores the
// tables for u.
func (c *Center) SeatMeeting(ctx context.Context, u sandik.User, id sandik.MeetingID, rules sandik.SeatingRules) ([]sandik.Table, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return nil, err
	}
	if rules.Together == nil {
		rules.Together = sandik.DefaultTogether()
	}
	att, err := c.store.Attendance(ctx, id)
	if err != nil {
		return nil, err
	}
	invs, err := c.store.Invitations(ctx, id)
	if err != nil {
		return nil, err
	}
	kinds := map[sandik.PersonID]sandik.KindCode{}
	for _, inv := range invs {
		kinds[inv.Person] = inv.Kind
	}
	var people []sandik.Seatee
	for _, a := range att {
		if !a.Left.IsZero() {
			continue
		}
		p, err := c.store.Person(ctx, a.Person)
		if err != nil {
			return nil, err
		}
		people = append(people, sandik.Seatee{Person: a.Person, Unit: p.Home, Kind: kinds[a.Person]})
	}
	tables, err := sandik.Seat(people, rules)
	if err != nil {
		return nil, err
	}
	if err := c.store.SaveTables(ctx, id, tables); err != nil {
		return nil, err
	}
	return c.store.Tables(ctx, id)
}

// SaveTables stores tables edited by hand for u.
func (c *Center) SaveTables(ctx context.Context, u sandik.User, id sandik.MeetingID, tables []sandik.Table) ([]sandik.Table, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return nil, err
	}
	if err := c.store.SaveTables(ctx, id, tables); err != nil {
		return nil, err
	}
	return c.store.Tables(ctx, id)
}

// surveyAttachments is the room kept among a meeting's attachments for
// its surveys' results.
const surveyAttachments = 5

// Attachment is a file given with minutes.
type Attachment struct {
	Name string
	Data []byte
}

// CloseMeeting closes meeting id for u with minutes, attachments kept
// in the evidence store by their SHA-256, and new decisions (ids drawn
// when empty, status open when empty), all or nothing but for the
// attachments, which stay stored if the closing fails.
func (c *Center) CloseMeeting(ctx context.Context, u sandik.User, id sandik.MeetingID, text string, files []Attachment, ds []sandik.Decision) (sandik.Minutes, []sandik.Decision, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return sandik.Minutes{}, nil, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return sandik.Minutes{}, nil, err
	}
	mins := sandik.Minutes{Meeting: id, Text: text, ClosedAt: c.now(), ClosedBy: u.ID}
	if len(files) > sandik.MaxAttachments-surveyAttachments {
		return mins, nil, sandik.Invalid("invalid minutes", []sandik.Problem{{Field: "attachments", Rule: sandik.RuleTooLarge, Message: fmt.Sprintf("at most %d attachments", sandik.MaxAttachments)}})
	}
	// The surveys' aggregated results are kept with the meeting: each as
	// CSV among the minutes' attachments.
	surveys, err := c.store.Surveys(ctx, id)
	if err != nil {
		return mins, nil, err
	}
	for _, s := range surveys {
		data, err := c.ResultsCSV(ctx, s)
		if err != nil {
			return mins, nil, fmt.Errorf("results of %s: %w", s.ID, err)
		}
		files = append(files, Attachment{Name: string(s.ID) + ".csv", Data: data})
	}
	for i, f := range files {
		sum, err := c.store.PutEvidence(ctx, f.Data)
		if err != nil {
			return mins, nil, fmt.Errorf("attachments[%d]: %w", i, err)
		}
		mins.Attachments = append(mins.Attachments, sum)
	}
	for i := range ds {
		ds[i].Meeting = id
		if ds[i].ID == "" {
			ds[i].ID = sandik.DecisionID("d-" + randomHex(6))
		}
		if ds[i].Status == "" {
			ds[i].Status = sandik.DecisionOpen
		}
	}
	if err := c.store.CloseMeeting(ctx, mins, ds); err != nil {
		return mins, nil, err
	}
	got, err := c.store.Minutes(ctx, id)
	return got, ds, err
}

// AddDecision stores a decision of meeting id for u.
func (c *Center) AddDecision(ctx context.Context, u sandik.User, id sandik.MeetingID, d sandik.Decision) (sandik.Decision, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return d, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return d, err
	}
	d.Meeting = id
	if d.ID == "" {
		d.ID = sandik.DecisionID("d-" + randomHex(6))
	}
	if d.Status == "" {
		d.Status = sandik.DecisionOpen
	}
	return d, c.store.SaveDecision(ctx, d)
}

// SetDecisionStatus changes a decision's status for u, an organiser of
// its meeting.
func (c *Center) SetDecisionStatus(ctx context.Context, u sandik.User, id sandik.DecisionID, s sandik.DecisionStatus) error {
	all, err := c.store.Decisions(ctx, sandik.DecisionFilter{})
	if err != nil {
		return err
	}
	for _, d := range all {
		if d.ID != id {
			continue
		}
		m, err := c.store.Meeting(ctx, d.Meeting)
		if err != nil {
			return err
		}
		if err := c.MeetingAllow(ctx, u, m, true); err != nil {
			return err
		}
		return c.store.SetDecisionStatus(ctx, id, s)
	}
	return sandik.Errorf(sandik.ENotFound, "no decision %q", id)
}

// FollowUp is a decision on the follow-up list.
type FollowUp struct {
	sandik.Decision
	MeetingTitle string `json:"meeting_title"`
	Overdue      bool   `json:"overdue"`
}

// FollowUps lists the decisions f selects of the meetings u may read:
// overdue first, then by due day.
func (c *Center) FollowUps(ctx context.Context, u sandik.User, f sandik.DecisionFilter) ([]FollowUp, error) {
	ds, err := c.store.Decisions(ctx, f)
	if err != nil {
		return nil, err
	}
	today := sandik.DateOf(c.now())
	meetings := map[sandik.MeetingID]*sandik.Meeting{}
	out := []FollowUp{}
	for _, d := range ds {
		m, ok := meetings[d.Meeting]
		if !ok {
			got, err := c.store.Meeting(ctx, d.Meeting)
			if err != nil {
				return nil, err
			}
			if c.MeetingAllow(ctx, u, got, false) == nil {
				m = &got
			}
			meetings[d.Meeting] = m
		}
		if m != nil {
			out = append(out, FollowUp{Decision: d, MeetingTitle: m.Title, Overdue: d.Overdue(today)})
		}
	}
	slices.SortStableFunc(out, func(a, b FollowUp) int {
		switch {
		case a.Overdue == b.Overdue:
			return 0
		case a.Overdue:
			return -1
		}
		return 1
	})
	return out, nil
}

// AddFinding records a finding of a round table: by an organiser u of
// the meeting (token empty), or from the phone of the table's moderator,
// whose check-in token is given (u ignored). The id is drawn.
func (c *Center) AddFinding(ctx context.Context, u sandik.User, token string, f sandik.Finding) (sandik.Finding, error) {
	m, err := c.store.Meeting(ctx, f.Meeting)
	if err != nil {
		return f, err
	}
	if token == "" {
		if err := c.MeetingAllow(ctx, u, m, true); err != nil {
			return f, err
		}
	} else {
		a, err := c.store.Attendee(ctx, sha256.Sum256([]byte(token)))
		if err != nil || a.Meeting != m.ID {
			return f, sandik.Errorf(sandik.EForbidden, "the check-in token is not one of meeting %q", m.ID)
		}
		tables, err := c.store.Tables(ctx, m.ID)
		if err != nil {
			return f, err
		}
		if f.Table < 1 || f.Table > len(tables) || tables[f.Table-1].Moderator != a.Person {
			return f, sandik.Errorf(sandik.EForbidden, "%q does not moderate table %d", a.Person, f.Table)
		}
	}
	f.ID = "b-" + randomHex(6)
	return f, c.store.AddFinding(ctx, f)
}

// ModeratedTable is the number of the table person p moderates at
// meeting id, 0 if none.
func (c *Center) ModeratedTable(ctx context.Context, id sandik.MeetingID, p sandik.PersonID) (int, error) {
	tables, err := c.store.Tables(ctx, id)
	if err != nil {
		return 0, err
	}
	for _, t := range tables {
		if t.Moderator == p {
			return t.N, nil
		}
	}
	return 0, nil
}

// CreateMeetingFrom makes a meeting for u from the meeting from, used
// as a template: its unit, kind, place, link and invitation rule, its
// agenda moved to the new start, and its surveys' questions (drafts,
// new join codes); m gives the id, title, start and end, and may give
// the rest to replace the template's.
func (c *Center) CreateMeetingFrom(ctx context.Context, u sandik.User, from sandik.MeetingID, m sandik.Meeting) (sandik.Meeting, []sandik.Invitation, error) {
	t, err := c.store.Meeting(ctx, from)
	if err != nil {
		return m, nil, err
	}
	if err := c.MeetingAllow(ctx, u, t, false); err != nil {
		return m, nil, err
	}
	if m.Unit == "" {
		m.Unit = t.Unit
	}
	if m.Kind == "" {
		m.Kind = t.Kind
	}
	if m.Place == "" && m.Link == "" {
		m.Place, m.Link = t.Place, t.Link
	}
	if len(m.Invite.Kinds) == 0 && len(m.Invite.People) == 0 {
		m.Invite = t.Invite
	}
	if len(m.Agenda) == 0 && !m.Start.IsZero() {
		for _, a := range t.Agenda {
			if !a.At.IsZero() {
				a.At = m.Start.Add(a.At.Sub(t.Start))
			}
			m.Agenda = append(m.Agenda, a)
		}
	}
	made, invs, err := c.CreateMeeting(ctx, u, m)
	if err != nil {
		return made, nil, err
	}
	surveys, err := c.store.Surveys(ctx, from)
	if err != nil {
		return made, invs, err
	}
	for i, s := range surveys {
		s.ID = sandik.SurveyID(fmt.Sprintf("%s-%d", made.ID, i+1))
		s.Meeting, s.JoinCode = made.ID, ""
		for j := range s.Questions {
			s.Questions[j].State, s.Questions[j].Revealed = sandik.QuestionDraft, false
		}
		if _, err := c.CreateSurvey(ctx, u, s); err != nil {
			return made, invs, fmt.Errorf("copy survey %s: %w", s.ID, err)
		}
	}
	return made, invs, nil
}
