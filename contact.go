package sandik

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// Contacts under KVKK (Law 6698): who may see a person's phones, e-mail
// and note, the log of every time they were shown, and erasure.

// ContactField names a part of a person's contact data.
type ContactField string

// The contact fields. The note is shown with them, to the same people,
// but only phones and e-mail make a view that is logged on their own:
// they are what a scraper wants.
const (
	FieldPhones ContactField = "phones"
	FieldEmail  ContactField = "email"
	FieldNote   ContactField = "note"
)

// MaySeeContact is the visibility table of contact data: the role
// decides whether contacts are needed at all, the scope where.
//
//	role         area in scope   area out of scope   no areas (whole centre)
//	admin        yes             —                   yes
//	coordinator  yes             no                  yes
//	lawyer       no              no                  no
//	volunteer    no              no                  no
//	observer     no              no                  no
//
// A coordinator calls the people of their district: a silent observer on
// election night, a board member before a meeting. A lawyer files
// objections, a volunteer types sheets and an observer watches a box;
// none of them needs the members' phone book, and each of them is many
// more people than the coordinators, so the fewer phones they can read
// the fewer leak. An administrator manages everyone's records.
func MaySeeContact(u User, inScope bool) bool {
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleCoordinator:
		return inScope
	}
	return false
}

// AllowContact decides whether u may see the contacts of a person whose
// home unit works in area, with Registry's scope; EForbidden says why not.
func (r *Registry) AllowContact(u User, area AreaCode) error {
	if !u.Role.Valid() {
		return Errorf(EForbidden, "user %q has no role", u.ID)
	}
	if MaySeeContact(u, r.InScope(u, area)) {
		return nil
	}
	if u.Role != RoleCoordinator {
		return Errorf(EForbidden, "user %q (%s) does not see phones, e-mail or notes of people; coordinators of the person's area and administrators do", u.ID, u.Role)
	}
	return Errorf(EForbidden, "%s is outside the areas of user %q (%s); they see contacts only within %s", area, u.ID, u.Role, joinCodes(u.Areas))
}

// HideContact returns p without its phones, e-mail and note.
func (p Person) HideContact() Person {
	p.Phones, p.Email, p.Note = nil, "", ""
	return p
}

// ContactFields are the contact fields p holds, which showing p shows.
func (p Person) ContactFields() []ContactField {
	var fs []ContactField
	if len(p.Phones) > 0 {
		fs = append(fs, FieldPhones)
	}
	if p.Email != "" {
		fs = append(fs, FieldEmail)
	}
	if p.Note != "" {
		fs = append(fs, FieldNote)
	}
	return fs
}

// Logged reports whether showing fields is a view the log must record:
// a phone or an e-mail among them.
func Logged(fields []ContactField) bool {
	for _, f := range fields {
		if f == FieldPhones || f == FieldEmail {
			return true
		}
	}
	return false
}

// ContactView is one showing of a person's contacts to a user: who saw
// whose what, when. It holds ids only, no copy of the data shown, so
// that erasing the person leaves nothing of them here. Seq is given by
// the store and orders the log.
type ContactView struct {
	Seq    int64          `json:"seq"`
	User   UserID         `json:"user"`
	Person PersonID       `json:"person"`
	At     time.Time      `json:"at"`
	Fields []ContactField `json:"fields"`
}

// ContactViewFilter selects views: every field set must match; After
// and Limit page by Seq (Limit 0: all).
type ContactViewFilter struct {
	Person PersonID
	User   UserID
	After  int64
	Limit  int
}

// DefaultContactViewsPerMinute is K, the most contacts one user is shown
// in any minute. A coordinator calling down a list reads a few a minute
// and a page of the API holds at most a hundred people; a hostile one
// reading the phone book of a province (tens of thousands) would need
// hours, every view logged under their name.
const DefaultContactViewsPerMinute = 100

// ETooMany is the code of a refusal over a limit of one client, to be
// retried later; web/handler answers it 429 with Retry-After.
const ETooMany ErrorCode = "too_many_requests"

// RuleContactLimit is the rule a view over the minute's limit breaks.
const RuleContactLimit = "contact_limit"

// ContactLimit is the refusal of views over the limit of a minute.
func ContactLimit(u UserID, limit int) *Error {
	return &Error{Code: ETooMany, Message: fmt.Sprintf("user %q has been shown %d contacts in the last minute, the most allowed; retry in a minute", u, limit),
		Problems: []Problem{{Rule: RuleContactLimit, Message: fmt.Sprintf("at most %d contacts a minute", limit)}}}
}

// RemovedPerson is what the history shows in place of an erased person.
// Like the kinds of position, it is the party's own Turkish word; pages
// translate it.
const RemovedPerson = "silinmiş kişi"

// ShownName is p's name, or RemovedPerson once p is erased.
func (p Person) ShownName() string {
	if p.Erased != "" {
		return RemovedPerson
	}
	return p.Name
}

// MaxEraseReason bounds the reason of an erasure.
const MaxEraseReason = 500

// CheckEraseReason checks the reason given for an erasure: required, one
// line of at most MaxEraseReason characters. It is kept with the erased
// record, so it must not repeat the data erased.
func CheckEraseReason(reason string) error {
	var ps problems
	switch {
	case utf8.RuneCountInString(reason) > MaxEraseReason:
		ps.add("reason", RuleTooLarge, "is longer than %d characters", MaxEraseReason)
	default:
		nameProblems(&ps, "reason", reason, true)
	}
	if len(ps) > 0 {
		return Invalid("invalid erasure", ps)
	}
	return nil
}

// PersonExport is everything held about a person: the record, the terms
// they held, the views of their contacts and the users linked to them.
type PersonExport struct {
	Person    Person        `json:"person"`
	Home      Unit          `json:"home"`
	Positions []Position    `json:"positions"`
	Views     []ContactView `json:"contact_views"`
	Users     []UserID      `json:"users"`
}

// ContactStore keeps the log of contact views and erases people.
type ContactStore interface {
	// LogContactViews appends vs, every one of the same user, all or
	// nothing, each a leaf of the ledger, and returns them with their
	// Seq. It refuses with ContactLimit (ETooMany) and writes nothing
	// when the user would then have more than perMinute views with At in
	// the minute up to vs[0].At. Stores stamp no time of their own.
	LogContactViews(ctx context.Context, vs []ContactView, perMinute int) ([]ContactView, error)
	// ContactViews returns the views f selects, by Seq.
	ContactViews(ctx context.Context, f ContactViewFilter) ([]ContactView, error)
	// LinkedUsers returns the users linked to a person, by id.
	LinkedUsers(ctx context.Context, id PersonID) ([]UserID, error)
	// ErasePerson removes a person's name, phones, e-mail and note from
	// the database, free pages and the write-ahead log included, keeping
	// the record (id, home unit, purpose, consent) marked erased on day
	// with reason, so that the terms they held still show a removed
	// person; the erased record is a leaf of the ledger. ENotFound if
	// there is no such person, EConflict if they are erased already.
	ErasePerson(ctx context.Context, id PersonID, day Date, reason string) error
}
