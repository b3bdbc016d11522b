package sandik

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Visits (ziyaret) between the organisation and those it works with: a
// provincial chair's tour of district boards, a congratulation visit to
// a newly elected mayor, a candidate calling on the outgoing one. A
// visit is made by people (and the unit they came from) to a unit, a
// municipality, a person or an institution; what was promised there is
// kept as commitments, whose follow-ups chain to what they continue.

// VisitID names a visit.
type VisitID string

// VisitKind is why a visit was made.
type VisitKind string

// The kinds of visit.
const (
	VisitEvaluation   VisitKind = "degerlendirme" // post-election evaluation
	VisitCongratulate VisitKind = "tebrik"        // congratulation
	VisitCampaign     VisitKind = "kampanya"      // campaign
	VisitCondolence   VisitKind = "taziye"        // condolence
	VisitCoordination VisitKind = "koordinasyon"  // coordination
)

// VisitKinds lists every kind of visit.
func VisitKinds() []VisitKind {
	return []VisitKind{VisitEvaluation, VisitCongratulate, VisitCampaign, VisitCondolence, VisitCoordination}
}

// VisitTarget is whom a visit was paid to: exactly one of a unit, a
// municipality, a person or an institution named in words.
type VisitTarget struct {
	Unit         UnitCode         `json:"unit,omitempty"`
	Municipality MunicipalityCode `json:"municipality,omitempty"`
	Person       PersonID         `json:"person,omitempty"`
	Institution  string           `json:"institution,omitempty"`
}

// Visit is one visit. Area is where it counts for scope and for the
// district scorecard: the area of the unit or municipality visited, or
// of the visited person's home unit, or (for an institution) the area
// the visitor names; the store fills it from the target where it can.
// Tour names the tour the visit was part of, if any. Photos are SHA-256
// sums of attachments in the blob store.
type Visit struct {
	ID        VisitID     `json:"id"`
	FromUnit  UnitCode    `json:"from_unit"`
	Visitors  []PersonID  `json:"visitors"`
	Target    VisitTarget `json:"target"`
	Area      AreaCode    `json:"area"`
	Kind      VisitKind   `json:"kind"`
	At        time.Time   `json:"at"`
	Place     string      `json:"place,omitempty"`
	Attendees []PersonID  `json:"attendees,omitempty"`
	Notes     string      `json:"notes,omitempty"`
	Photos    []string    `json:"photos,omitempty"`
	Tour      TourID      `json:"tour,omitempty"`
	Meeting   MeetingID   `json:"meeting,omitempty"`
	By        UserID      `json:"by,omitempty"`
}

// Bounds of a visit.
const (
	MaxVisitors    = 50
	MaxVisitNotes  = 10_000
	MaxVisitPhotos = 20
	MaxVisitPeople = 500
	MaxCommitments = 50
	MaxCommitText  = 2000
)

// Validate checks v's own fields.
func (v Visit) Validate() error {
	var ps problems
	codeProblem(&ps, "id", string(v.ID), true)
	codeProblem(&ps, "from_unit", string(v.FromUnit), true)
	if len(v.Visitors) == 0 {
		ps.add("visitors", RuleRequired, "a visit has at least one visitor")
	}
	if len(v.Visitors) > MaxVisitors {
		ps.add("visitors", RuleTooLarge, "at most %d visitors (got %d)", MaxVisitors, len(v.Visitors))
	}
	for i, p := range v.Visitors {
		codeProblem(&ps, fmt.Sprintf("visitors[%d]", i), string(p), true)
	}
	n := 0
	for _, s := range []string{string(v.Target.Unit), string(v.Target.Municipality), string(v.Target.Person), v.Target.Institution} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		ps.add("target", RuleRequired, "a visit is paid to one of a unit, a municipality, a person or an institution (got %d)", n)
	}
	codeProblem(&ps, "target.unit", string(v.Target.Unit), false)
	codeProblem(&ps, "target.municipality", string(v.Target.Municipality), false)
	codeProblem(&ps, "target.person", string(v.Target.Person), false)
	nameProblems(&ps, "target.institution", v.Target.Institution, false)
	if v.Target.Institution != "" && v.Area == "" {
		ps.add("area", RuleRequired, "a visit to an institution names the area it counts for")
	}
	codeProblem(&ps, "area", string(v.Area), false)
	if !slices.Contains(VisitKinds(), v.Kind) {
		ps.add("kind", RuleInvalidValue, "unknown kind of visit %q (want one of %s)", v.Kind, joinKinds(VisitKinds()))
	}
	if v.At.IsZero() {
		ps.add("at", RuleRequired, "is required")
	}
	nameProblems(&ps, "place", v.Place, false)
	if len(v.Attendees) > MaxVisitPeople {
		ps.add("attendees", RuleTooLarge, "at most %d attendees (got %d)", MaxVisitPeople, len(v.Attendees))
	}
	for i, p := range v.Attendees {
		codeProblem(&ps, fmt.Sprintf("attendees[%d]", i), string(p), true)
	}
	if v.Notes != "" {
		textProblems(&ps, "notes", v.Notes, MaxVisitNotes)
	}
	if len(v.Photos) > MaxVisitPhotos {
		ps.add("photos", RuleTooLarge, "at most %d photos (got %d)", MaxVisitPhotos, len(v.Photos))
	}
	for i, h := range v.Photos {
		if !sha256Hex.MatchString(h) {
			ps.add(fmt.Sprintf("photos[%d]", i), RuleInvalidValue, "is not a SHA-256 in %d lower-case hex digits", sha256HexLength)
		}
	}
	codeProblem(&ps, "tour", string(v.Tour), false)
	codeProblem(&ps, "meeting", string(v.Meeting), false)
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid visit %q", v.ID), ps)
	}
	return nil
}

// codeProblem checks an identifier; empty is fine unless required.
func codeProblem(ps *problems, field, s string, required bool) {
	if s == "" && !required {
		return
	}
	if err := ValidateCode(s); err != nil {
		ps.add(field, RuleInvalidValue, "%v", err)
	}
}

// CommitmentID names a commitment.
type CommitmentID string

// CommitmentStatus is where a commitment stands; overdue is not a
// status but computed from the due day (DueState).
type CommitmentStatus string

// The statuses of a commitment.
const (
	CommitOpen    CommitmentStatus = "open"
	CommitDone    CommitmentStatus = "done"
	CommitDropped CommitmentStatus = "dropped"
)

// Valid reports whether s is a known status.
func (s CommitmentStatus) Valid() bool {
	return s == CommitOpen || s == CommitDone || s == CommitDropped
}

// Commitment (taahhüt) is a promise made at a visit, owned by a person
// or a unit, due on a day in İstanbul. Follows names the commitment it
// continues: a follow-up chain.
type Commitment struct {
	ID          CommitmentID     `json:"id"`
	Visit       VisitID          `json:"visit"`
	Text        string           `json:"text"`
	OwnerPerson PersonID         `json:"owner_person,omitempty"`
	OwnerUnit   UnitCode         `json:"owner_unit,omitempty"`
	Due         Date             `json:"due"`
	Status      CommitmentStatus `json:"status"`
	Follows     CommitmentID     `json:"follows,omitempty"`
	Area        AreaCode         `json:"area,omitempty"` // the visit's, filled by the store
}

// Validate checks c's own fields.
func (c Commitment) Validate() error {
	var ps problems
	codeProblem(&ps, "id", string(c.ID), true)
	codeProblem(&ps, "visit", string(c.Visit), true)
	textProblems(&ps, "text", c.Text, MaxCommitText)
	switch {
	case (c.OwnerPerson == "") == (c.OwnerUnit == ""):
		ps.add("owner_person", RuleRequired, "a commitment has one owner: a person or a unit")
	default:
		codeProblem(&ps, "owner_person", string(c.OwnerPerson), false)
		codeProblem(&ps, "owner_unit", string(c.OwnerUnit), false)
	}
	if _, err := ParseDate(string(c.Due)); err != nil {
		ps.add("due", RuleInvalidValue, "%v", err)
	}
	if !c.Status.Valid() {
		ps.add("status", RuleInvalidValue, "unknown status %q (want open, done or dropped)", c.Status)
	}
	codeProblem(&ps, "follows", string(c.Follows), false)
	if c.Follows == c.ID && c.ID != "" {
		ps.add("follows", RuleInvalidValue, "a commitment cannot follow itself")
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid commitment %q", c.ID), ps)
	}
	return nil
}

// DueState is where an open commitment stands against the clock.
type DueState string

// The due states: the board's three columns, and closed for the rest.
const (
	DueOverdue DueState = "overdue"   // open, due before today
	DueToday   DueState = "due_today" // open, due today
	DueLater   DueState = "later"     // open, due after today
	DueClosed  DueState = "closed"    // done or dropped
)

// DueState says where c stands at instant now. Days are İstanbul's: a
// commitment due on the 5th is due today until 23:59:59 there and
// overdue from 00:00 on the 6th, whatever the server's zone.
func (c Commitment) DueState(now time.Time) DueState {
	if c.Status != CommitOpen {
		return DueClosed
	}
	today := DateOf(now)
	switch {
	case c.Due < today:
		return DueOverdue
	case c.Due == today:
		return DueToday
	}
	return DueLater
}

// Overdue reports whether c is open past its due day at now.
func (c Commitment) Overdue(now time.Time) bool { return c.DueState(now) == DueOverdue }

// Chain returns the follow-up chain that ends at id: the first
// commitment first. A cycle or a missing link ends the walk; the store
// refuses both, so they appear only in a damaged copy.
func Chain(all []Commitment, id CommitmentID) []Commitment {
	by := make(map[CommitmentID]Commitment, len(all))
	for _, c := range all {
		by[c.ID] = c
	}
	var out []Commitment
	seen := map[CommitmentID]bool{}
	for cur, ok := by[id]; ok && !seen[cur.ID]; cur, ok = by[cur.Follows] {
		seen[cur.ID] = true
		out = append(out, cur)
	}
	slices.Reverse(out)
	return out
}

// DueBoard is the overdue board: open commitments by due state, each
// column by due day then id.
type DueBoard struct {
	Overdue  []Commitment `json:"overdue"`
	DueToday []Commitment `json:"due_today"`
	Later    []Commitment `json:"later"`
}

// NewDueBoard sorts the open commitments of cs into the board at now.
func NewDueBoard(cs []Commitment, now time.Time) DueBoard {
	b := DueBoard{Overdue: []Commitment{}, DueToday: []Commitment{}, Later: []Commitment{}}
	for _, c := range cs {
		switch c.DueState(now) {
		case DueOverdue:
			b.Overdue = append(b.Overdue, c)
		case DueToday:
			b.DueToday = append(b.DueToday, c)
		case DueLater:
			b.Later = append(b.Later, c)
		}
	}
	for _, col := range [][]Commitment{b.Overdue, b.DueToday, b.Later} {
		slices.SortFunc(col, func(a, b Commitment) int {
			if a.Due != b.Due {
				return cmpString(string(a.Due), string(b.Due))
			}
			return cmpString(string(a.ID), string(b.ID))
		})
	}
	return b
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// VisitFilter selects visits: made from a unit, of a tour, holding a
// photo (its SHA-256), since a time; paged by id. Which areas lie under
// which is the registry's, so the caller filters by area.
type VisitFilter struct {
	Photo    string
	FromUnit UnitCode
	Tour     TourID
	Since    time.Time
	After    VisitID
	Limit    int
}

// CommitmentFilter selects commitments: of a visit, owned by a person
// or unit, open ones only.
type CommitmentFilter struct {
	Visit  VisitID
	Person PersonID
	Unit   UnitCode
	Open   bool
}

// VisitStore keeps visits, their commitments, tours and sister pairs.
type VisitStore interface {
	// SaveVisit stores a new visit and its commitments all or nothing,
	// filling Area from the target where it names a unit, municipality
	// or person; EInvalid naming the field of a unit, person, tour or
	// commitment followed that is not stored; EConflict if an id is
	// taken.
	SaveVisit(ctx context.Context, v Visit, cs []Commitment) (Visit, error)
	// Visit returns one visit; ENotFound if there is none.
	Visit(ctx context.Context, id VisitID) (Visit, error)
	// Visits returns the visits f selects, by id.
	Visits(ctx context.Context, f VisitFilter) ([]Visit, error)
	// SaveCommitment stores a new commitment (a follow-up) of a stored
	// visit; EConflict if the id is taken.
	SaveCommitment(ctx context.Context, c Commitment) (Commitment, error)
	// SetCommitmentStatus changes a commitment's status; ENotFound if
	// none.
	SetCommitmentStatus(ctx context.Context, id CommitmentID, s CommitmentStatus) error
	// Commitment returns one commitment; ENotFound if none.
	Commitment(ctx context.Context, id CommitmentID) (Commitment, error)
	// Commitments returns the commitments f selects, by due day then id.
	Commitments(ctx context.Context, f CommitmentFilter) ([]Commitment, error)
	// SaveTour stores a new tour with its stops; EConflict if the id is
	// taken, EInvalid if a unit is not stored.
	SaveTour(ctx context.Context, t Tour) error
	// SetStopStatus marks a stop of a tour pending or postponed (visited
	// is computed from visits); ENotFound if the tour has no such stop.
	SetStopStatus(ctx context.Context, id TourID, unit UnitCode, s StopStatus, planned Date) error
	// Tour returns one tour; ENotFound if none.
	Tour(ctx context.Context, id TourID) (Tour, error)
	// Tours returns every tour, by id.
	Tours(ctx context.Context) ([]Tour, error)
	// SaveSisterPair stores a new pair with its goals; EConflict if the
	// id is taken, EInvalid if a unit or meeting is not stored.
	SaveSisterPair(ctx context.Context, p SisterPair) error
	// SisterPairs returns every pair, by id.
	SisterPairs(ctx context.Context) ([]SisterPair, error)
	// PutBlob keeps data under its SHA-256 (hex); the same bytes kept
	// twice are kept once.
	PutBlob(ctx context.Context, sum string, data []byte) error
	// Blob returns the bytes kept under sum; ENotFound if none.
	Blob(ctx context.Context, sum string) ([]byte, error)
	// VisitCounts counts, per area, the visits made up to at and the
	// commitments open and overdue on at's day in İstanbul, by area; of
	// the areas given only, or of every area when none are.
	VisitCounts(ctx context.Context, at time.Time, areas []AreaCode) ([]AreaVisitCounts, error)
}

// AreaVisitCounts are the visit figures of one area, as the store
// counts them for the scorecards: the visits made to it up to an
// instant, and its commitments open and overdue on a day.
type AreaVisitCounts struct {
	Area               AreaCode `json:"area"`
	Visits             int      `json:"visits"`
	OpenCommitments    int      `json:"open_commitments"`
	OverdueCommitments int      `json:"overdue_commitments"`
}
