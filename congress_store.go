package sandik

import (
	"context"
	"time"
)

// CongressStore keeps congresses, their frozen electorates, mandates,
// contests, list versions, check-ins and approved results. Expected
// failures are *Error values, as everywhere in the store contract.
type CongressStore interface {
	// SaveCongress stores a new congress; EConflict if its id is taken,
	// EInvalid naming "unit" if there is no such unit.
	SaveCongress(ctx context.Context, c Congress) error
	// Congress returns one congress; ENotFound if none has the id.
	Congress(ctx context.Context, id CongressID) (Congress, error)
	// Congresses returns the congresses f selects, by id.
	Congresses(ctx context.Context, f CongressFilter) ([]Congress, error)
	// FreezeElectorate stores es as congress id's electorate, approved by
	// by at at, all or nothing; EConflict if it is frozen already.
	FreezeElectorate(ctx context.Context, id CongressID, es []Elector, at time.Time, by UserID) error
	// Electorate returns the frozen electorate in its order (empty while
	// not frozen); ENotFound if there is no such congress.
	Electorate(ctx context.Context, id CongressID) ([]Elector, error)
	// SaveMandates stores new mandates all or nothing; EConflict if an id
	// is taken, EInvalid naming the field of a missing unit or person.
	SaveMandates(ctx context.Context, ms []Mandate) error
	// EndMandate ends an open mandate on end for reason; ENotFound if
	// there is none, EConflict if it has ended.
	EndMandate(ctx context.Context, id MandateID, end Date, reason string) error
	// Mandates returns the mandates f selects, by id.
	Mandates(ctx context.Context, f MandateFilter) ([]Mandate, error)
	// SaveContest stores a new contest of a congress; EConflict if its
	// code is taken, ENotFound if there is no such congress.
	SaveContest(ctx context.Context, c Contest) error
	// OpenContest sets the race a contest's sheets are entered for;
	// EConflict if it is set already, ENotFound if there is no contest.
	OpenContest(ctx context.Context, id CongressID, code string, race RaceCode) error
	// Contests returns a congress's contests in the order they were made.
	Contests(ctx context.Context, id CongressID) ([]Contest, error)
	// AppendList stores a new version of a list: EConflict unless it is
	// the version after the latest stored (1 for a new list) or when the
	// contest's counting has opened; ENotFound if there is no contest.
	AppendList(ctx context.Context, l CandidateList) error
	// Lists returns every version of every list of a congress, in the
	// order they were stored.
	Lists(ctx context.Context, id CongressID) ([]CandidateList, error)
	// CheckInDelegate stores a check-in; EConflict naming the first when
	// the person is checked in already.
	CheckInDelegate(ctx context.Context, c Checkin) error
	// Checkins returns a congress's check-ins in the order they came.
	Checkins(ctx context.Context, id CongressID) ([]Checkin, error)
	// CheckinCount returns how many are checked in to a congress.
	CheckinCount(ctx context.Context, id CongressID) (int, error)
	// ApproveResult stores an approved result together with the terms it
	// ends and those and the mandates it gives, in one transaction that
	// moves the user generation (terms give rights); EConflict if the
	// contest's result is approved already. Nothing is written on any
	// failure.
	ApproveResult(ctx context.Context, a Approval) error
	// Results returns a congress's approved results, by contest.
	Results(ctx context.Context, id CongressID) ([]ContestResult, error)
}

// Approval is an approved result and what it changes in the
// organisation: the outgoing holders' terms End ends on EndOn (the day
// before the new term), the new Terms and the Mandates for the upper
// congress.
type Approval struct {
	Result   ContestResult
	End      []PositionID
	EndOn    Date
	Reason   string
	Terms    []Position
	Mandates []Mandate
	// EndMandates are the mandates of the previous term for the same
	// seats, ended on EndOn like the terms.
	EndMandates []MandateID
}
