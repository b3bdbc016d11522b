package webtest

import (
	"net/url"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/itiraz"
)

// CaseFixture is a case and a piece of evidence for route tests, and a
// discrepancy at Box3 to draft cases from.
type CaseFixture struct {
	Env      *Env
	ID       itiraz.CaseID
	Evidence string // its checksum
}

// NewCaseFixture: Box3 has two agreeing entries and YSK published other
// figures; a lawyer drafted a case about it and attached a photograph.
func NewCaseFixture(e *Env) *CaseFixture {
	e.T.Helper()
	ctx := e.T.Context()
	e.Submit(Observer2, Sheet("fx-1", RaceIST, Box3, 70, 60, 1))
	e.Settle(e.Submit(Volunteer, Sheet("fx-2", RaceIST, Box3, 70, 60, 1)).Seq)
	e.Official(Box3, 60, 70, 1)
	lawyer := e.User(Lawyer)
	c, err := e.Center.CreateCase(ctx, lawyer, itiraz.Draft{Race: RaceIST, Boxes: []sandik.AreaCode{Box3}, Ground: itiraz.GroundDiscrepancy,
		Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "İl Başkanlığı", Title: "Beşiktaş 2001"}, time.Time{})
	if err != nil {
		e.T.Fatal(err)
	}
	c, err = e.Center.AddEvidence(ctx, lawyer, c.ID, c.Version, "tutanak.jpg", "image/jpeg", []byte("JPEG"))
	if err != nil {
		e.T.Fatal(err)
	}
	return &CaseFixture{Env: e, ID: c.ID, Evidence: c.Evidence[0].SHA256}
}

// Draft makes a new draft case about Box3.
func (f *CaseFixture) Draft() *itiraz.Case {
	f.Env.T.Helper()
	c, err := f.Env.Center.CreateCase(f.Env.T.Context(), f.Env.User(Lawyer),
		itiraz.Draft{Race: RaceIST, Boxes: []sandik.AreaCode{Box3}, Ground: itiraz.GroundDiscrepancy, Remedy: itiraz.RemedyRecount,
			Board: itiraz.BoardIlce, Filer: "x", Title: "y"}, time.Time{})
	if err != nil {
		f.Env.T.Fatal(err)
	}
	return c
}

// Version is the fixture case's current version.
func (f *CaseFixture) Version() int {
	f.Env.T.Helper()
	c, err := f.Env.Center.View(Operator).Case(f.Env.T.Context(), f.ID)
	if err != nil {
		f.Env.T.Fatal(err)
	}
	return c.Version
}

// ThresholdsVersion is the version of the thresholds in force.
func (e *Env) ThresholdsVersion() int {
	e.T.Helper()
	et, err := e.Center.Thresholds(e.T.Context(), Election)
	if err != nil {
		e.T.Fatal(err)
	}
	return et.Version
}

// ThresholdsForm is the comparison page's form saving the defaults on the
// version in force.
func (e *Env) ThresholdsForm() url.Values {
	e.T.Helper()
	f := url.Values{"version": {strconv.Itoa(e.ThresholdsVersion())}}
	def := anomaly.DefaultThresholds()
	for _, key := range anomaly.ThresholdKeys() {
		v, _ := def.Get(key)
		f.Set(key, v)
	}
	return f
}

// Tight returns thresholds other than the defaults in every field; a
// highest turnout of 50% flags every fixture box with 67% or more.
func Tight() anomaly.Thresholds {
	return anomaly.Thresholds{MinGroupSize: 3, TurnoutMaxPercent: 50, TurnoutZ: 3, TurnoutMinPoints: 5, InvalidZ: 4, InvalidMinPoints: 2,
		ZeroChoiceMinMedianPercent: 10, ZeroChoiceMinValid: 20, RoundMinCounts: 3, RoundMaxProbability: 1e-3}
}
