package ledger

import (
	"encoding/binary"
	"strconv"

	"github.com/sandik-dev/sandik"
)

// Meetings are organisation records too ("meeting/m-1",
// "invitation/m-1/k-9", "attendance/m-1/k-9", "survey/s-1",
// "question/s-1/2"). A meeting and a survey are written once; an
// invitation changes with its reply, an attendance with a departure and
// a question with its state, so the latest leaf of each is the row as
// it stands. Answers to surveys have no leaves: see sandik.SurveyStore.

// Prefixes of the ids of meeting records.
const (
	MeetingPrefix    = "meeting/"
	InvitationPrefix = "invitation/"
	AttendancePrefix = "attendance/"
	SurveyPrefix     = "survey/"
	QuestionPrefix   = "question/"
)

func (o orgHash) nanos(n int64) { o.h.Write(binary.BigEndian.AppendUint64(nil, uint64(n))) }

func (o orgHash) list(xs []string) {
	o.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(xs))))
	for _, x := range xs {
		o.field(x)
	}
}

func unixNanos(t interface{ UnixNano() int64 }, zero bool) int64 {
	if zero {
		return 0
	}
	return t.UnixNano()
}

// MeetingRecord is the leaf of a meeting.
func MeetingRecord(m sandik.Meeting) Record {
	h := newOrgHash("meeting/1")
	for _, f := range []string{string(m.ID), string(m.Unit), m.Title, string(m.Kind), m.Place, m.Link, m.Code, string(m.Invite.Under)} {
		h.field(f)
	}
	h.nanos(m.Start.UnixNano())
	h.nanos(m.End.UnixNano())
	h.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(m.Agenda))))
	for _, a := range m.Agenda {
		h.nanos(unixNanos(a.At, a.At.IsZero()))
		h.field(a.Title)
		h.field(a.Speaker)
	}
	kinds := make([]string, len(m.Invite.Kinds))
	for i, k := range m.Invite.Kinds {
		kinds[i] = string(k)
	}
	h.list(kinds)
	people := make([]string, len(m.Invite.People))
	for i, p := range m.Invite.People {
		people[i] = string(p)
	}
	h.list(people)
	return h.record(MeetingPrefix + string(m.ID))
}

// InvitationRecord is the leaf of an invitation as it stands.
func InvitationRecord(inv sandik.Invitation) Record {
	h := newOrgHash("invitation/1")
	for _, f := range []string{string(inv.Meeting), string(inv.Person), string(inv.Position), string(inv.Kind), string(inv.Unit), string(inv.Reply)} {
		h.field(f)
	}
	return h.record(InvitationPrefix + string(inv.Meeting) + "/" + string(inv.Person))
}

// AttendanceRecord is the leaf of an attendance as it stands. The hash
// of the check-in token is left out: it is a credential, changed by each
// check-in, not a record of who came.
func AttendanceRecord(a sandik.Attendance) Record {
	h := newOrgHash("attendance/1")
	for _, f := range []string{string(a.Meeting), string(a.Person), string(a.Mode)} {
		h.field(f)
	}
	h.nanos(a.Arrived.UnixNano())
	h.nanos(unixNanos(a.Left, a.Left.IsZero()))
	return h.record(AttendancePrefix + string(a.Meeting) + "/" + string(a.Person))
}

// SurveyRecord is the leaf of a survey as written, its questions as
// drafted included.
func SurveyRecord(s sandik.Survey) Record {
	h := newOrgHash("survey/1")
	for _, f := range []string{string(s.ID), string(s.Meeting), s.Title, strconv.Itoa(s.K), s.JoinCode} {
		h.field(f)
	}
	h.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s.Questions))))
	for _, q := range s.Questions {
		h.field(strconv.Itoa(q.N))
		h.field(string(q.Kind))
		h.field(q.Text)
		h.list(q.Options)
	}
	return h.record(SurveyPrefix + string(s.ID))
}

// QuestionRecord is the leaf of a question's state as it stands.
func QuestionRecord(id sandik.SurveyID, q sandik.Question) Record {
	h := newOrgHash("question/1")
	for _, f := range []string{string(id), strconv.Itoa(q.N), string(q.State), strconv.FormatBool(q.Revealed)} {
		h.field(f)
	}
	return h.record(QuestionPrefix + string(id) + "/" + strconv.Itoa(q.N))
}

// SeatingPrefix begins the id of a meeting's seating at round tables.
const SeatingPrefix = "seating/"

// SeatingRecord is the leaf of a meeting's tables as they stand.
func SeatingRecord(id sandik.MeetingID, tables []sandik.Table) Record {
	h := newOrgHash("seating/1")
	h.field(string(id))
	h.h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(tables))))
	for _, t := range tables {
		h.field(strconv.Itoa(t.N))
		h.field(string(t.Moderator))
		members := make([]string, len(t.Members))
		for i, p := range t.Members {
			members[i] = string(p)
		}
		h.list(members)
	}
	return h.record(SeatingPrefix + string(id))
}

// Prefixes of the ids of decisions ("decision/<id>") and minutes
// ("minutes/<meeting>").
const (
	DecisionPrefix = "decision/"
	MinutesPrefix  = "minutes/"
)

// DecisionRecord is the leaf of a decision as it stands.
func DecisionRecord(d sandik.Decision) Record {
	h := newOrgHash("decision/1")
	for _, f := range []string{string(d.ID), string(d.Meeting), d.Text, string(d.OwnerPerson), string(d.OwnerUnit), string(d.Due), string(d.Status)} {
		h.field(f)
	}
	return h.record(DecisionPrefix + string(d.ID))
}

// MinutesRecord is the leaf of a meeting's minutes.
func MinutesRecord(m sandik.Minutes) Record {
	h := newOrgHash("minutes/1")
	for _, f := range []string{string(m.Meeting), m.Text, string(m.ClosedBy)} {
		h.field(f)
	}
	h.nanos(m.ClosedAt.UnixNano())
	h.list(m.Attachments)
	return h.record(MinutesPrefix + string(m.Meeting))
}

// FindingPrefix begins the id of a round table's finding
// ("finding/<meeting>/<id>").
const FindingPrefix = "finding/"

// FindingRecord is the leaf of a finding, written once.
func FindingRecord(f sandik.Finding) Record {
	h := newOrgHash("finding/1")
	for _, s := range []string{string(f.Meeting), f.ID, strconv.Itoa(f.Table), string(f.Kind), f.Text} {
		h.field(s)
	}
	districts := make([]string, len(f.Districts))
	for i, d := range f.Districts {
		districts[i] = string(d)
	}
	h.list(districts)
	return h.record(FindingPrefix + string(f.Meeting) + "/" + f.ID)
}
