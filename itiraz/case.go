// Package itiraz holds objections (itiraz): cases about boxes or areas of
// a race, filed with an election board under a legal deadline, with their
// evidence, status and effect on the margin. A case is the fold of its
// events, each recorded with who and when; the rules of which event may
// follow which live here, apart from HTTP and SQL.
package itiraz

import (
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
)

// The types a store keeps are declared in the root package, whose store
// contract needs them; these names keep the objection code reading as
// its own.
type (
	CaseID   = sandik.CaseID
	Board    = sandik.Board
	Ground   = sandik.CaseGround
	Remedy   = sandik.CaseRemedy
	Status   = sandik.CaseStatus
	Evidence = sandik.CaseEvidence
)

const (
	BoardSandik = sandik.BoardSandik
	BoardIlce   = sandik.BoardIlce
	BoardIl     = sandik.BoardIl
	BoardYSK    = sandik.BoardYSK

	GroundDiscrepancy  = sandik.GroundDiscrepancy
	GroundInvalidVotes = sandik.GroundInvalidVotes
	GroundProcedure    = sandik.GroundProcedure
	GroundOther        = sandik.GroundOther

	RemedyRecount       = sandik.RemedyRecount
	RemedyInvalidReview = sandik.RemedyInvalidReview
	RemedyCorrection    = sandik.RemedyCorrection
	RemedyAnnulment     = sandik.RemedyAnnulment

	StatusDraft     = sandik.CaseStatusDraft
	StatusFiled     = sandik.CaseStatusFiled
	StatusAccepted  = sandik.CaseStatusAccepted
	StatusPartly    = sandik.CaseStatusPartly
	StatusRejected  = sandik.CaseStatusRejected
	StatusAppealed  = sandik.CaseStatusAppealed
	StatusWithdrawn = sandik.CaseStatusWithdrawn
)

// The lists of every board (from the bottom up), ground, remedy and
// status (in the order of the flow).
var (
	Boards   = sandik.Boards
	Grounds  = sandik.CaseGrounds
	Remedies = sandik.CaseRemedies
	Statuses = sandik.CaseStatuses
)

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
