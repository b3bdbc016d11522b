// Package tally keeps, per race, live totals for every area of the tree,
// updated from the submission log one box change at a time. It is pure and
// deterministic: it imports the domain only, and the same log in the same
// order always gives the same totals.
package tally

import (
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// Counts are summed sheet figures.
type Counts struct {
	Registered            int64   `json:"registered"` // as written on the sheets
	VotedByLaw            int64   `json:"voted_by_law"`
	Voted                 int64   `json:"voted"`
	ValidWithoutObjection int64   `json:"valid_without_objection"`
	ValidUponObjection    int64   `json:"valid_upon_objection"`
	ValidTotal            int64   `json:"valid_total"`
	Invalid               int64   `json:"invalid_total"`
	Votes                 []int64 `json:"votes"` // in ballot order
}

// Totals are one area's figures for one race.
type Totals struct {
	Race  sandik.RaceCode  `json:"race"`
	Area  sandik.AreaCode  `json:"area"`
	Level sandik.AreaLevel `json:"level"`
	Name  string           `json:"name"`

	BoxesExpected    int   `json:"boxes_expected"`
	BoxesReported    int   `json:"boxes_reported"` // at least one entry
	BoxesPending     int   `json:"boxes_pending"`
	BoxesVerified    int   `json:"boxes_verified"` // verified or adjudicated
	BoxesConflict    int   `json:"boxes_conflict"`
	BoxesAdjudicated int   `json:"boxes_adjudicated"`
	BoxesOfficial    int   `json:"boxes_official"`  // with published official figures
	BoxesRecounted   int   `json:"boxes_recounted"` // with a settled recount
	Registered       int64 `json:"registered"`      // registry's registered voters of the expected boxes

	// Provisional sums every reported box: its settled figures when it has
	// them, else its first entry. Verified sums only settled boxes.
	Provisional Counts `json:"provisional"`
	Verified    Counts `json:"verified"`
	// Official sums the published figures of the boxes that have them.
	Official Counts `json:"official"`
	// Recounted is the verified view with each settled recount (yeniden
	// sayım) in place of its box's figures: "as recounted". Equal to
	// Verified while no recount has settled.
	Recounted Counts `json:"recounted"`
}

func countsOf(t *sandik.Tutanak) Counts {
	return Counts{
		Registered: t.Registered, VotedByLaw: t.VotedByLaw, Voted: t.Voted, ValidWithoutObjection: t.ValidWithoutObjection,
		ValidUponObjection: t.ValidUponObjection, ValidTotal: t.ValidTotal, Invalid: t.Invalid, Votes: slices.Clone(t.Votes),
	}
}

// AreaTotals is an area's totals with those of its direct children.
type AreaTotals struct {
	Seq      int64    `json:"seq"` // the log position these totals reflect
	Totals   Totals   `json:"totals"`
	Children []Totals `json:"children"`
}

// Entry is one counted entry of a box, or its latest adjudication, as the
// engine holds it.
type Entry struct {
	Seq        int64          `json:"seq"`
	User       sandik.UserID  `json:"user"`
	Kind       sandik.Kind    `json:"kind"`
	ReceivedAt time.Time      `json:"received_at"`
	Sheet      sandik.Tutanak `json:"-"`
	// Entered counts the person's entries of the box so far, this one and
	// those it replaced (1 for an adjudication).
	Entered int `json:"entered"`
}

// BoxState is where one box stands in one race.
type BoxState struct {
	Race   sandik.RaceCode  `json:"race"`
	Box    sandik.AreaCode  `json:"box"`
	Status sandik.BoxStatus `json:"status"`
	// Entries holds, in log order, each person's latest entry and the
	// latest adjudication: what the status is decided from, at most one
	// per person who entered the box. A box's full history is the log's.
	Entries []Entry `json:"entries"`
	// Provisional is the figure the box contributes to provisional totals
	// (nil when missing); Resolved is its settled figure (nil unless
	// verified or adjudicated).
	Provisional *sandik.Tutanak `json:"-"`
	Resolved    *sandik.Tutanak `json:"-"`
	// Official is the latest published figure of the box (nil if none),
	// with its log position and the warnings it was imported with.
	Official         *sandik.Tutanak `json:"-"`
	OfficialSeq      int64           `json:"official_seq,omitempty"`
	OfficialWarnings sandik.Warnings `json:"-"`
	// Recount is the box's recount (nil when it has none).
	Recount *RecountState `json:"recount,omitempty"`
}

// Superseded reports whether s, an entry of the box from the log, was
// replaced by a later entry of the same person, as far as the state knows:
// only a person's latest entry counts. Official figures and adjudications
// are never superseded.
func (st *BoxState) Superseded(s *sandik.Submission) bool {
	if s.Kind != sandik.KindEntry || s.Source == sandik.SourceOfficial {
		return false
	}
	entries := st.Entries
	if s.Source == sandik.SourceRecount {
		if st.Recount == nil {
			return false
		}
		entries = st.Recount.Entries
	}
	for i := range entries {
		if e := &entries[i]; e.Kind == sandik.KindEntry && e.User == s.User {
			return e.Seq > s.Seq
		}
	}
	return false
}

// Conflict is a box whose entries disagree, waiting for a coordinator.
type Conflict struct {
	Race    sandik.RaceCode `json:"race"`
	Box     sandik.AreaCode `json:"box"`
	Since   time.Time       `json:"since"` // when the disagreement arose
	Seq     int64           `json:"seq"`   // the entry that caused it
	Entries int             `json:"entries"`
}
