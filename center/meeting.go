package center

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/sandik-dev/sandik"
)

// Meetings and live surveys. A meeting is read by whoever's areas reach
// its unit's area and made by those who may change the organisation
// there; the door's check-in and the phones' answers need no account,
// only the codes shown in the room and the token a check-in gives.

// Meetings is the store of meetings and surveys.
func (c *Center) Meetings() interface {
	sandik.MeetingStore
	sandik.SurveyStore
	sandik.TableStore
	sandik.DecisionStore
	sandik.FindingStore
} {
	return c.store
}

// MeetingAllow decides whether u may read (write false) or organise
// (write true) meeting m.
func (c *Center) MeetingAllow(ctx context.Context, u sandik.User, m sandik.Meeting, write bool) error {
	un, err := c.store.Unit(ctx, m.Unit)
	if err != nil {
		return err
	}
	return c.OrgAllow(u, un.Area, write)
}

// CreateMeeting stores m for u with a fresh check-in code and returns it
// with its invitations.
func (c *Center) CreateMeeting(ctx context.Context, u sandik.User, m sandik.Meeting) (sandik.Meeting, []sandik.Invitation, error) {
	if m.Code != "" {
		return m, nil, sandik.Invalid("invalid meeting", []sandik.Problem{{Field: "code", Rule: sandik.RuleInvalidValue, Message: "is drawn by the server"}})
	}
	m.Code = digits(6)
	if err := m.Validate(); err != nil {
		return m, nil, err
	}
	un, err := c.store.Unit(ctx, m.Unit)
	if err != nil {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return m, nil, sandik.Invalid("invalid meeting", []sandik.Problem{{Field: "unit", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return m, nil, err
	}
	if err := c.OrgAllow(u, un.Area, true); err != nil {
		return m, nil, err
	}
	invs, err := c.store.SaveMeeting(ctx, m)
	if err != nil {
		return m, nil, err
	}
	stored, err := c.store.Meeting(ctx, m.ID)
	return stored, invs, err
}

// CheckIn is a check-in done: the attendance as stored, whether it is
// the person's first, and the token their phone answers surveys with.
type CheckIn struct {
	Attendance sandik.Attendance `json:"attendance"`
	New        bool              `json:"new"`
	Token      string            `json:"token"`
}

// CheckInWithCode checks an invitee in at the door with the meeting's
// code. Only invitees check themselves in; others are checked in by the
// organiser.
func (c *Center) CheckInWithCode(ctx context.Context, id sandik.MeetingID, code string, p sandik.PersonID) (CheckIn, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return CheckIn{}, err
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(m.Code)) != 1 {
		return CheckIn{}, sandik.Errorf(sandik.EForbidden, "the check-in code of meeting %q is not %q", id, code)
	}
	invs, err := c.store.Invitations(ctx, id)
	if err != nil {
		return CheckIn{}, err
	}
	invited := false
	for _, inv := range invs {
		invited = invited || inv.Person == p
	}
	if !invited {
		return CheckIn{}, sandik.Errorf(sandik.EForbidden, "%q is not invited to meeting %q; the organiser checks guests in", p, id)
	}
	return c.checkIn(ctx, sandik.Attendance{Meeting: id, Person: p, Mode: sandik.CheckInDoor})
}

// CheckInByOrganiser checks p in for u, at the desk or remote.
func (c *Center) CheckInByOrganiser(ctx context.Context, u sandik.User, id sandik.MeetingID, p sandik.PersonID, mode sandik.CheckInMode) (CheckIn, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return CheckIn{}, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return CheckIn{}, err
	}
	if mode != sandik.CheckInOrganiser && mode != sandik.CheckInRemote {
		return CheckIn{}, sandik.Invalid("invalid check-in", []sandik.Problem{{Field: "mode", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("an organiser checks in as organiser or remote, not %q", mode)}})
	}
	return c.checkIn(ctx, sandik.Attendance{Meeting: id, Person: p, Mode: mode})
}

func (c *Center) checkIn(ctx context.Context, a sandik.Attendance) (CheckIn, error) {
	token := randomHex(32)
	a.Arrived = c.now()
	got, fresh, err := c.store.CheckIn(ctx, a, sha256.Sum256([]byte(token)))
	if err != nil {
		return CheckIn{}, err
	}
	return CheckIn{Attendance: got, New: fresh, Token: token}, nil
}

func digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic(err) // crypto/rand does not fail
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
