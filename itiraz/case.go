// Package itiraz holds objections (itiraz): cases about boxes or areas of
// a race, filed with an election board under a legal deadline, with their
// evidence, status and effect on the margin. A case is the fold of its
// events, each recorded with who and when; the rules of which event may
// follow which live here, apart from HTTP and SQL.
package itiraz

import (
	"fmt"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// CaseID identifies a case; the centre makes it.
type CaseID string

// Board is an election board (seçim kurulu) a case is filed with; each
// decides objections against the one below (Law 298 art. 111).
type Board string

const (
	BoardSandik Board = "sandik" // sandık kurulu: the box board
	BoardIlce   Board = "ilce"   // ilçe seçim kurulu: district board
	BoardIl     Board = "il"     // il seçim kurulu: provincial board
	BoardYSK    Board = "ysk"    // Yüksek Seçim Kurulu: final
)

// Boards lists the boards from the bottom up.
var Boards = []Board{BoardSandik, BoardIlce, BoardIl, BoardYSK}

// Valid reports whether b is a known board.
func (b Board) Valid() bool { return slices.Contains(Boards, b) }

// Next returns the board an appeal goes to; false for YSK, which is final.
func (b Board) Next() (Board, bool) {
	i := slices.Index(Boards, b)
	if i < 0 || i == len(Boards)-1 {
		return "", false
	}
	return Boards[i+1], true
}

// Ground is why a case is brought.
type Ground string

const (
	GroundDiscrepancy  Ground = "discrepancy"   // official figures differ from the signed sheet
	GroundInvalidVotes Ground = "invalid_votes" // invalid votes to be reviewed
	GroundProcedure    Ground = "procedure"     // a procedural irregularity
	GroundOther        Ground = "other"
)

// Grounds lists every ground.
var Grounds = []Ground{GroundDiscrepancy, GroundInvalidVotes, GroundProcedure, GroundOther}

// Remedy is what a case asks for.
type Remedy string

const (
	RemedyRecount       Remedy = "recount"        // yeniden sayım
	RemedyInvalidReview Remedy = "invalid_review" // review of the invalid ballots
	RemedyCorrection    Remedy = "correction"     // correction of the record
	RemedyAnnulment     Remedy = "annulment"      // iptal
)

// Remedies lists every remedy.
var Remedies = []Remedy{RemedyRecount, RemedyInvalidReview, RemedyCorrection, RemedyAnnulment}

// Status is where a case stands.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusFiled     Status = "filed"
	StatusAccepted  Status = "accepted"
	StatusPartly    Status = "partly_accepted"
	StatusRejected  Status = "rejected"
	StatusAppealed  Status = "appealed" // filed with the next board
	StatusWithdrawn Status = "withdrawn"
)

// Statuses lists every status in the order of the flow.
var Statuses = []Status{StatusDraft, StatusFiled, StatusAppealed, StatusAccepted, StatusPartly, StatusRejected, StatusWithdrawn}

// Open reports whether the case still waits for a filing or a decision.
func (s Status) Open() bool { return s == StatusDraft || s == StatusFiled || s == StatusAppealed }

// Decided reports whether a board has decided the case.
func (s Status) Decided() bool {
	return s == StatusAccepted || s == StatusPartly || s == StatusRejected
}

// Evidence is a document of a case (a sheet photo, a minute), kept with
// its SHA-256 so that what is filed can be shown unchanged.
type Evidence struct {
	Name      string        `json:"name"`
	MediaType string        `json:"media_type"`
	Size      int64         `json:"size"`
	SHA256    string        `json:"sha256"` // hex
	AddedBy   sandik.UserID `json:"added_by"`
	AddedAt   time.Time     `json:"added_at"`
}

// Case is an objection as its events have made it.
type Case struct {
	ID     CaseID            `json:"id"`
	Race   sandik.RaceCode   `json:"race"`
	Boxes  []sandik.AreaCode `json:"boxes"`
	Areas  []sandik.AreaCode `json:"areas"`
	Ground Ground            `json:"ground"`
	Remedy Remedy            `json:"remedy"`
	Board  Board             `json:"board"`
	Status Status            `json:"status"`
	Filer  string            `json:"filer"` // the person or organ that files (party chair, observer…)
	Title  string            `json:"title"`
	Body   string            `json:"body"` // the facts and the argument
	// Claim is the change of votes per choice (in ballot order) if the case
	// is upheld: the signed sheet's figures minus the official ones.
	Claim []int64 `json:"claim"`
	// Granted is the change a decision gave: Claim when accepted, what the
	// board granted when partly accepted, zeros when rejected.
	Granted []int64 `json:"granted"`
	// Trigger is the event the deadline runs from (voting day, a
	// decision's notification); Deadline is when filing closes.
	Trigger  time.Time `json:"trigger"`
	Deadline time.Time `json:"deadline"`
	FiledAt  time.Time `json:"filed_at,omitzero"`
	// Reference is the board's registry number of the filing.
	Reference string        `json:"reference"`
	DecidedAt time.Time     `json:"decided_at,omitzero"`
	Decision  string        `json:"decision"`
	Evidence  []Evidence    `json:"evidence"`
	History   []Event       `json:"history"`
	Version   int           `json:"version"` // events applied
	CreatedBy sandik.UserID `json:"created_by"`
	CreatedAt time.Time     `json:"created_at"`
}

// Late reports whether the case was filed after its deadline or, still a
// draft, has let it pass by now.
func (c *Case) Late(now time.Time) bool {
	switch {
	case c.Deadline.IsZero():
		return false
	case c.Status == StatusDraft:
		return now.After(c.Deadline)
	}
	return !c.FiledAt.IsZero() && c.FiledAt.After(c.Deadline)
}

func (c *Case) String() string {
	return fmt.Sprintf("case %s (%s, %s, %s)", c.ID, c.Race, c.Board, c.Status)
}
