package sandik

import (
	"context"
	"encoding/json"
	"time"
)

// The store contract. Every method returns *Error values for expected
// failures (ENotFound, EConflict, EInvalid) and wraps anything else; a
// lookup that finds nothing returns ENotFound, never a zero value and nil.

// RegistryStore keeps the registry.
type RegistryStore interface {
	// SaveRegistry replaces the stored registry with reg in one
	// transaction. Callers build reg with Merge so that nothing stored is
	// ever contradicted; records already stored are left as they are.
	SaveRegistry(ctx context.Context, reg *Registry) error
	// LoadRegistry returns the stored registry (empty on a new store).
	LoadRegistry(ctx context.Context) (*Registry, error)
}

// LogWriter appends to the submission log.
type LogWriter interface {
	// Append commits subs durably as one unit and returns a receipt per
	// submission, in order. Concurrent calls are grouped into shared
	// commits. A submission whose ID is already in the log with the same
	// Hash gets the original receipt with Replayed set and is not written
	// again; with a different Hash the whole call fails with EConflict
	// naming the id and writes nothing. An error means nothing of subs was
	// written.
	Append(ctx context.Context, subs []Submission) ([]Receipt, error)
}

// LogReader reads the submission log.
type LogReader interface {
	// Since returns up to limit submissions with Seq > after, in Seq order.
	Since(ctx context.Context, after int64, limit int) ([]Submission, error)
	// LastSeq returns the highest committed sequence number (0 when empty).
	LastSeq(ctx context.Context) (int64, error)
	// WaitFor blocks until the log holds a sequence number above after, ctx
	// ends, or the poll interval passes (then it returns nil, so callers
	// simply read again).
	WaitFor(ctx context.Context, after int64, poll time.Duration) error
	// Submission returns one submission by its client id.
	Submission(ctx context.Context, id SubmissionID) (Submission, error)
	// BoxSubmissions returns every submission of one box for one race, in
	// Seq order.
	BoxSubmissions(ctx context.Context, race RaceCode, box AreaCode) ([]Submission, error)
}

// RecentWrites is a LogReader that keeps what its own process committed
// lately, as the log holds it. RecentSince returns the submissions of seqs
// after+1, after+2, … up to limit, stopping at the first this process did
// not write or no longer keeps; none when it does not keep after+1. A
// follower of the log (the centre's tally) reads there first rather than
// read back rows it has just written; every other reader, an audit above
// all, reads the database.
type RecentWrites interface {
	RecentSince(after int64, limit int) []Submission
}

// UserStore keeps users and the hashes of their API tokens.
type UserStore interface {
	// CreateUser adds a user; EConflict if the id is taken.
	CreateUser(ctx context.Context, u User, tokenHash [32]byte) error
	// SetToken replaces a user's token; ENotFound if there is no such user.
	SetToken(ctx context.Context, id UserID, tokenHash [32]byte) error
	// UserByToken finds the user holding a token; ENotFound if none.
	UserByToken(ctx context.Context, tokenHash [32]byte) (User, error)
	// Users lists all users by id.
	Users(ctx context.Context) ([]User, error)
	// SetUserAreas replaces the areas a user works in (their sorted,
	// repeat-free set; empty for none); ENotFound if the user does not
	// exist. CreateUser stores u.Areas the same way, and UserByToken and
	// Users return them.
	SetUserAreas(ctx context.Context, id UserID, areas []AreaCode) error
	// SaveUsers creates users, each with the hash of its token, and
	// replaces the areas of existing ones (ID and Areas of each), in one
	// transaction: all or nothing. EConflict if a new user's id or token
	// is taken; ENotFound if a user whose areas change does not exist.
	SaveUsers(ctx context.Context, create []NewUser, areas []User) error
	// TokenHashes returns every user's token hash, for moving users to
	// another store with their tokens still valid.
	TokenHashes(ctx context.Context) (map[UserID][32]byte, error)
	// UserGeneration returns a counter that every change of any user, by
	// any process on the database, moves (and the end of a session,
	// SessionStore.DeleteSession): a cache of users or sessions is good
	// only while it stands still.
	UserGeneration(ctx context.Context) (int64, error)
}

// NewUser is a user to create with the hash of their API token.
type NewUser struct {
	User
	TokenHash [32]byte
}

// Session is a signed-in browser of the pages. Only hashes are kept: the
// SHA-256 of the random id its cookie holds, so that a copy of the
// database cannot be replayed as a cookie, and the SHA-256 of the API
// token the user signed in with, so that replacing the token ends the
// session.
type Session struct {
	ID        [32]byte // SHA-256 of the session id in the cookie
	TokenHash [32]byte // SHA-256 of the API token that opened it
	User      UserID
	Created   time.Time
	Seen      time.Time // last use; callers refresh it only now and then
}

// SessionStore keeps page sessions where every instance sharing the
// database finds them. When a session has expired is the caller's rule;
// the store keeps times to the nanosecond and compares none of its own.
type SessionStore interface {
	// CreateSession stores a new session; EConflict if its ID is taken.
	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns a session and its user while the token that
	// opened it is still that user's; ENotFound if there is no such
	// session or the token has been replaced since.
	SessionUser(ctx context.Context, id [32]byte) (Session, User, error)
	// TouchSession moves a session's Seen forward to seen. It never moves
	// it back (instances' clocks differ a little), and a session that is
	// gone is left gone without an error.
	TouchSession(ctx context.Context, id [32]byte, seen time.Time) error
	// DeleteSession ends a session; one already gone is not an error.
	// Ending one moves the user generation (UserStore), so that those
	// holding a session read earlier know to read it again. Each session
	// takes a sign-in, bounded per account (handler's SignIns, 10 a minute),
	// so no account can empty every instance's caches of users more often.
	DeleteSession(ctx context.Context, id [32]byte) error
	// DeleteStaleSessions deletes up to limit sessions last seen before
	// seenBefore, created before createdBefore, or whose token is no
	// longer their user's, and returns how many it deleted.
	DeleteStaleSessions(ctx context.Context, seenBefore, createdBefore time.Time, limit int) (int, error)
	// SessionCount returns how many sessions are stored, stale ones not
	// yet deleted included.
	SessionCount(ctx context.Context) (int, error)
}

// Setting is a value the centre keeps for every instance sharing the
// database: JSON under a key, with who saved it when. Version is 1 after
// the first save and one more after each, so that two people saving at
// once cannot overwrite each other unseen.
type Setting struct {
	Key       string
	Value     []byte // JSON
	Version   int
	UpdatedBy UserID
	UpdatedAt time.Time
}

// Bounds of a setting: a few threshold-like values, not documents.
const (
	MaxSettingKey   = 200
	MaxSettingValue = 64 << 10
)

// Check returns an EInvalid *Error naming every field of s that cannot be
// stored over version prev, or nil.
func (s Setting) Check(prev int) error {
	var ps problems
	if s.Key == "" || len(s.Key) > MaxSettingKey {
		ps.add("key", RuleInvalidValue, "must be 1 to %d bytes (got %d)", MaxSettingKey, len(s.Key))
	}
	if len(s.Value) > MaxSettingValue {
		ps.add("value", RuleTooLarge, "is larger than %d bytes (got %d)", MaxSettingValue, len(s.Value))
	} else if !json.Valid(s.Value) {
		ps.add("value", RuleInvalidValue, "is not JSON")
	}
	if prev < 0 || s.Version <= prev {
		ps.add("version", RuleInvalidValue, "must be above the version it replaces (got %d over %d)", s.Version, prev)
	}
	if s.UpdatedBy == "" {
		ps.add("updated_by", RuleRequired, "is required")
	}
	if len(ps) > 0 {
		return Invalid("invalid setting", ps)
	}
	return nil
}

// SettingStore keeps settings.
type SettingStore interface {
	// Setting returns the setting stored under key; ENotFound if none is.
	Setting(ctx context.Context, key string) (Setting, error)
	// PutSetting stores s under s.Key if the version stored there is prev
	// (0: none is), all or nothing: EConflict naming the stored version
	// otherwise, and EInvalid if s fails Check(prev). Of writers racing
	// from one version exactly one succeeds. Times are kept to the
	// nanosecond.
	PutSetting(ctx context.Context, s Setting, prev int) error
	// Settings returns every setting, by key.
	Settings(ctx context.Context) ([]Setting, error)
}

// CaseStore keeps objection cases as the events that made them,
// append-only, and evidence files by their checksum.
type CaseStore interface {
	// AppendCaseEvent stores e. It fails with EConflict when the case
	// already has an event of e.Version: someone changed the case meanwhile.
	AppendCaseEvent(ctx context.Context, e CaseEvent) error
	// CaseEvents returns every event of every case, by case then version.
	CaseEvents(ctx context.Context) ([]CaseEvent, error)
	// CaseEventsOf returns one case's events by version; ENotFound if the
	// case has none.
	CaseEventsOf(ctx context.Context, id CaseID) ([]CaseEvent, error)
	// PutEvidence stores data under its SHA-256 and returns the checksum
	// in hex; the same bytes stored twice are kept once. An empty file is
	// EInvalid, one over MaxEvidenceBytes ETooLarge.
	PutEvidence(ctx context.Context, data []byte) (string, error)
	// Evidence returns the bytes stored under a checksum, checked against
	// it on the way out; ENotFound if there are none.
	Evidence(ctx context.Context, sum string) ([]byte, error)
	// EvidenceSums lists the checksums of every stored file, sorted (for
	// copying a database whole).
	EvidenceSums(ctx context.Context) ([]string, error)
}

// OrgStore keeps the organisation: kinds of position added to the
// defaults, units, people and the terms of positions. Every write is a
// leaf of the ledger.
type OrgStore interface {
	// SaveOrg stores c all or nothing: EInvalid naming the field of any
	// record that fails its Validate, or refers to a unit, person or kind
	// neither stored nor in c; EConflict if an id is taken, and EConflict
	// naming the holder when a term of a one-holder kind overlaps another
	// term of that kind and unit. Whether areas exist in the registry is
	// the caller's check (package org).
	SaveOrg(ctx context.Context, c OrgChange) error
	// EndPosition closes an open term on end (a day at or after its
	// start) for reason; ENotFound if there is no such term, EConflict if
	// it has ended already.
	EndPosition(ctx context.Context, id PositionID, end Date, reason string) error
	// PositionKinds returns the default kinds and those added, by code.
	PositionKinds(ctx context.Context) ([]PositionKind, error)
	// AddedPositionKinds returns only the kinds added, by code.
	AddedPositionKinds(ctx context.Context) ([]PositionKind, error)
	// Units returns every unit, by code.
	Units(ctx context.Context) ([]Unit, error)
	// UnitsOfKind returns the units of one kind, by code.
	UnitsOfKind(ctx context.Context, kind UnitKind) ([]Unit, error)
	// Children returns the units whose parent is code, by code.
	Children(ctx context.Context, code UnitCode) ([]Unit, error)
	// Unit returns one unit; ENotFound if none has the code.
	Unit(ctx context.Context, code UnitCode) (Unit, error)
	// People returns the people f selects, by id.
	People(ctx context.Context, f PeopleFilter) ([]Person, error)
	// Person returns one person; ENotFound if none has the id.
	Person(ctx context.Context, id PersonID) (Person, error)
	// Position returns one term; ENotFound if none has the id.
	Position(ctx context.Context, id PositionID) (Position, error)
	// Positions returns the terms f selects, by id.
	Positions(ctx context.Context, f PositionFilter) ([]Position, error)
	// UnitRecords returns what the chart of unit code is drawn from on
	// any day: the unit, the units under it by code, and every term held
	// in it by id with the shown name of each holder (RemovedPerson for
	// one erased); ENotFound if there is no such unit.
	UnitRecords(ctx context.Context, code UnitCode) (UnitRecords, error)
	// OrgGeneration returns a counter that every write of kinds, units,
	// people and terms moves (an erasure too, assignments alone not), in
	// the write's transaction.
	OrgGeneration(ctx context.Context) (int64, error)
	// PersonNames returns the shown names of the people with an id after
	// after, by id, at most limit (0: all): RemovedPerson for one erased.
	// It reads no contact data: it is what a chart needs of everyone.
	PersonNames(ctx context.Context, after PersonID, limit int) ([]PersonName, error)
}

// PersonName is a person's id and shown name.
type PersonName struct {
	ID   PersonID
	Name string
}

// UnitRecords are a unit's own records: what its chart is drawn from.
type UnitRecords struct {
	Unit     Unit
	Children []Unit
	Terms    []Position
	Names    map[PersonID]string
}

// RightsStore keeps what gives users rights besides their own role and
// areas: the link of a user to a person, the table of kinds' rights and
// explicit grants. Every write is a leaf of the ledger and moves the
// user generation (UserStore), so that cached users are read again.
type RightsStore interface {
	// LinkPerson links user id to person (empty: unlinks); ENotFound if
	// there is no such user, EInvalid naming "person" if no such person.
	LinkPerson(ctx context.Context, id UserID, person PersonID) error
	// RemoveUser takes a user out of use: their token is replaced by
	// tokenHash (of a token nobody is given), their sessions end and they
	// are marked removed; ENotFound if there is no such user.
	RemoveUser(ctx context.Context, id UserID, tokenHash [32]byte) error
	// KindRights returns DefaultKindRights overlaid with those stored, by
	// kind.
	KindRights(ctx context.Context) ([]KindRight, error)
	// AddedKindRights returns only the stored rows, by kind.
	AddedKindRights(ctx context.Context) ([]KindRight, error)
	// SaveKindRights stores rs over what is stored, all or nothing;
	// EInvalid naming "rights[i]" for a row that fails Validate or names
	// a kind neither default nor added.
	SaveKindRights(ctx context.Context, rs []KindRight) error
	// SaveGrant stores a new grant; EInvalid if it fails Validate or its
	// user does not exist, EConflict if its id is taken.
	SaveGrant(ctx context.Context, g Grant) error
	// RevokeGrant ends grant id at at, by by; ENotFound if there is no
	// such grant, EConflict if it has ended or been revoked already.
	RevokeGrant(ctx context.Context, id GrantID, at time.Time, by UserID) error
	// Grants returns the grants f selects, by id.
	Grants(ctx context.Context, f GrantFilter) ([]Grant, error)
	// Grant returns one grant; ENotFound if none has the id.
	Grant(ctx context.Context, id GrantID) (Grant, error)
}

// Store is everything a backend provides.
type Store interface {
	RegistryStore
	LogWriter
	LogReader
	UserStore
	SessionStore
	SettingStore
	CaseStore
	LedgerStore
	OrgStore
	MunicipalStore
	ContactStore
	RightsStore
	AssignmentStore
	MeetingStore
	SurveyStore
	TableStore
	DecisionStore
	FindingStore
	CongressStore
	VisitStore
	FeedStore
	KeyingStore
	Close() error
}
