package sandik

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Meetings of the organisation: board meetings, evaluations, workshops
// (çalıştay). Who is invited follows from the positions held on the day
// of the meeting; who attended is counted from check-ins, never typed.

// MeetingID names a meeting.
type MeetingID string

// MeetingKind is what a meeting is.
type MeetingKind string

// The kinds of meeting.
const (
	MeetingBoard      MeetingKind = "kurul"           // a board meeting
	MeetingEvaluation MeetingKind = "degerlendirme"   // an evaluation meeting
	MeetingWorkshop   MeetingKind = "calistay"        // a workshop
	MeetingCongress   MeetingKind = "kongre_hazirlik" // preparing a congress
)

// MeetingKinds lists every kind of meeting.
func MeetingKinds() []MeetingKind {
	return []MeetingKind{MeetingBoard, MeetingEvaluation, MeetingWorkshop, MeetingCongress}
}

// AgendaItem is an item of a meeting's agenda.
type AgendaItem struct {
	At      time.Time `json:"at"`
	Title   string    `json:"title"`
	Speaker string    `json:"speaker,omitempty"`
}

// InviteRule says who a meeting invites: every holder, on the day the
// meeting starts, of a position of one of Kinds in Under or a unit below
// it, and the People named.
type InviteRule struct {
	Kinds  []KindCode `json:"kinds,omitempty"`
	Under  UnitCode   `json:"under,omitempty"`
	People []PersonID `json:"people,omitempty"`
}

// Meeting is a meeting of a unit. Code is the check-in code shown at the
// door; the center draws it when the meeting is made.
type Meeting struct {
	ID     MeetingID    `json:"id"`
	Unit   UnitCode     `json:"unit"`
	Title  string       `json:"title"`
	Kind   MeetingKind  `json:"kind"`
	Start  time.Time    `json:"start"`
	End    time.Time    `json:"end"`
	Place  string       `json:"place,omitempty"`
	Link   string       `json:"link,omitempty"`
	Agenda []AgendaItem `json:"agenda,omitempty"`
	Invite InviteRule   `json:"invite"`
	Code   string       `json:"code,omitempty"`
}

// Bounds of a meeting.
const (
	MaxAgendaItems   = 100
	MaxInvitedPeople = 5000
	MaxInvitations   = 100_000 // the people a meeting's rule may invite, bounded for a restore
	MaxMeetingLength = 7 * 24 * time.Hour
)

// Day is the day the meeting starts in İstanbul: the day whose holders
// of positions are invited.
func (m Meeting) Day() Date { return DateOf(m.Start) }

// Validate checks m's own fields.
func (m Meeting) Validate() error {
	var ps problems
	if err := ValidateCode(string(m.ID)); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	}
	if err := ValidateCode(string(m.Unit)); err != nil {
		ps.add("unit", RuleInvalidValue, "%v", err)
	}
	nameProblems(&ps, "title", m.Title, true)
	if !slices.Contains(MeetingKinds(), m.Kind) {
		ps.add("kind", RuleInvalidValue, "unknown kind of meeting %q (want one of %s)", m.Kind, joinKinds(MeetingKinds()))
	}
	switch {
	case m.Start.IsZero():
		ps.add("start", RuleRequired, "is required")
	case m.End.IsZero():
		ps.add("end", RuleRequired, "is required")
	case !m.End.After(m.Start):
		ps.add("end", RuleInvalidValue, "ends at %s, not after it starts at %s", m.End.Format(time.RFC3339), m.Start.Format(time.RFC3339))
	case m.End.Sub(m.Start) > MaxMeetingLength:
		ps.add("end", RuleTooLarge, "a meeting lasts at most %s", MaxMeetingLength)
	}
	nameProblems(&ps, "place", m.Place, false)
	nameProblems(&ps, "link", m.Link, false)
	if m.Place == "" && m.Link == "" {
		ps.add("place", RuleRequired, "a meeting has a place or an online link")
	}
	if len(m.Agenda) > MaxAgendaItems {
		ps.add("agenda", RuleTooLarge, "at most %d items (got %d)", MaxAgendaItems, len(m.Agenda))
	}
	for i, a := range m.Agenda {
		f := fmt.Sprintf("agenda[%d]", i)
		nameProblems(&ps, f+".title", a.Title, true)
		nameProblems(&ps, f+".speaker", a.Speaker, false)
		if !a.At.IsZero() && (a.At.Before(m.Start) || a.At.After(m.End)) {
			ps.add(f+".at", RuleInvalidValue, "is outside the meeting's hours")
		}
	}
	if len(m.Invite.Kinds) > 0 && m.Invite.Under == "" {
		ps.add("invite.under", RuleRequired, "positions are invited under a unit")
	}
	if m.Invite.Under != "" {
		if err := ValidateCode(string(m.Invite.Under)); err != nil {
			ps.add("invite.under", RuleInvalidValue, "%v", err)
		}
	}
	for i, k := range m.Invite.Kinds {
		if err := ValidateCode(string(k)); err != nil {
			ps.add(fmt.Sprintf("invite.kinds[%d]", i), RuleInvalidValue, "%v", err)
		}
	}
	if len(m.Invite.People) > MaxInvitedPeople {
		ps.add("invite.people", RuleTooLarge, "at most %d people (got %d)", MaxInvitedPeople, len(m.Invite.People))
	}
	for i, p := range m.Invite.People {
		if err := ValidateCode(string(p)); err != nil {
			ps.add(fmt.Sprintf("invite.people[%d]", i), RuleInvalidValue, "%v", err)
		}
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid meeting %q", m.ID), ps)
	}
	return nil
}

// Reply is an invitee's answer to an invitation.
type Reply string

// The replies.
const (
	ReplyPending Reply = "pending"
	ReplyYes     Reply = "yes"
	ReplyNo      Reply = "no"
	ReplyMaybe   Reply = "maybe"
)

// Valid reports whether r is a known reply.
func (r Reply) Valid() bool {
	return r == ReplyPending || r == ReplyYes || r == ReplyNo || r == ReplyMaybe
}

// Invitation is one person invited to a meeting: by the term they hold
// on its day (Position, Kind, Unit), or by name (Position empty).
type Invitation struct {
	Meeting  MeetingID  `json:"meeting"`
	Person   PersonID   `json:"person"`
	Position PositionID `json:"position,omitempty"`
	Kind     KindCode   `json:"kind,omitempty"`
	Unit     UnitCode   `json:"unit,omitempty"`
	Reply    Reply      `json:"reply"`
}

// Invitees resolves m's rule over the units and the terms stored: every
// holder on m's day of a position of one of the rule's kinds in its unit
// or below, then the people named; one invitation per person (the first
// term by id when they hold two), by person id.
func Invitees(m Meeting, units []Unit, terms []Position) []Invitation {
	below := map[UnitCode]bool{}
	if m.Invite.Under != "" {
		children := map[UnitCode][]UnitCode{}
		for _, u := range units {
			if u.Parent != "" {
				children[u.Parent] = append(children[u.Parent], u.Code)
			}
		}
		stack := []UnitCode{m.Invite.Under}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !below[c] {
				below[c] = true
				stack = append(stack, children[c]...)
			}
		}
	}
	day := m.Day()
	byPerson := map[PersonID]Invitation{}
	terms = slices.Clone(terms)
	slices.SortFunc(terms, func(a, b Position) int { return compareText(a.ID, b.ID) })
	for _, t := range terms {
		if !below[t.Unit] || !slices.Contains(m.Invite.Kinds, t.Kind) || !t.HeldOn(day) {
			continue
		}
		if _, ok := byPerson[t.Person]; !ok {
			byPerson[t.Person] = Invitation{Meeting: m.ID, Person: t.Person, Position: t.ID, Kind: t.Kind, Unit: t.Unit, Reply: ReplyPending}
		}
	}
	for _, p := range m.Invite.People {
		if _, ok := byPerson[p]; !ok {
			byPerson[p] = Invitation{Meeting: m.ID, Person: p, Reply: ReplyPending}
		}
	}
	out := make([]Invitation, 0, len(byPerson))
	for _, inv := range byPerson {
		out = append(out, inv)
	}
	slices.SortFunc(out, func(a, b Invitation) int { return compareText(a.Person, b.Person) })
	return out
}

func compareText[S ~string](a, b S) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CheckInMode is how someone was checked in.
type CheckInMode string

// The ways of checking in.
const (
	CheckInDoor      CheckInMode = "door"      // with the meeting's code on their own phone
	CheckInOrganiser CheckInMode = "organiser" // by the organiser at the desk
	CheckInRemote    CheckInMode = "remote"    // joined online
)

// Valid reports whether m is a known mode.
func (m CheckInMode) Valid() bool {
	return m == CheckInDoor || m == CheckInOrganiser || m == CheckInRemote
}

// Attendance is one person at a meeting: counted from their first
// check-in (a second one counts nothing more) until they left.
type Attendance struct {
	Meeting MeetingID   `json:"meeting"`
	Person  PersonID    `json:"person"`
	Mode    CheckInMode `json:"mode"`
	Arrived time.Time   `json:"arrived"`
	Left    time.Time   `json:"left,omitzero"`
}

// MeetingFilter selects meetings: of a unit (empty: all), paged by id.
type MeetingFilter struct {
	Unit  UnitCode
	After MeetingID
	Limit int
}

// MeetingStore keeps meetings, invitations, attendance and surveys.
// Every write of a meeting, invitation, check-in, survey or question is
// a leaf of the ledger; answers and participation marks are not (see
// SurveyStore.Answer).
type MeetingStore interface {
	// SaveMeeting stores a new meeting and its invitations, resolved by
	// Invitees over the units and terms as stored in the same
	// transaction, and returns them. EInvalid if m fails its Validate or
	// names a unit, kind or person not stored; EConflict if the id is
	// taken.
	SaveMeeting(ctx context.Context, m Meeting) ([]Invitation, error)
	// RestoreMeeting stores a meeting with the invitations it was given
	// when another store saved it (Invitations), replies included, for
	// copying a database whole: resolving its rule again over terms
	// changed since would invite others. EInvalid as SaveMeeting, or if
	// an invitation is not m's, is out of order by person, names a person
	// not stored or a term not stored or not the person's of that kind
	// and unit; EConflict if the id is taken.
	RestoreMeeting(ctx context.Context, m Meeting, invs []Invitation) error
	// Meeting returns one meeting; ENotFound if there is none.
	Meeting(ctx context.Context, id MeetingID) (Meeting, error)
	// Meetings returns the meetings f selects, by id.
	Meetings(ctx context.Context, f MeetingFilter) ([]Meeting, error)
	// Invitations returns a meeting's invitations, by person.
	Invitations(ctx context.Context, id MeetingID) ([]Invitation, error)
	// SetReply records an invitee's reply; ENotFound if they are not
	// invited.
	SetReply(ctx context.Context, id MeetingID, p PersonID, r Reply) error
	// CheckIn records a's arrival with the hash of a fresh check-in
	// token and returns the attendance as stored and whether it is new.
	// A person checked in already keeps their arrival and mode (they
	// count once); the token is the latest one given. ENotFound if the
	// meeting or person is not stored.
	CheckIn(ctx context.Context, a Attendance, tokenHash [32]byte) (Attendance, bool, error)
	// Leave records a departure at; ENotFound if the person has not
	// checked in, EConflict if they left already.
	Leave(ctx context.Context, id MeetingID, p PersonID, at time.Time) error
	// Attendance returns a meeting's attendance, by person.
	Attendance(ctx context.Context, id MeetingID) ([]Attendance, error)
	// Attendee returns the attendance whose latest check-in token
	// hashes to tokenHash; ENotFound if none does.
	Attendee(ctx context.Context, tokenHash [32]byte) (Attendance, error)
}
