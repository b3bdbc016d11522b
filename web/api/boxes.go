package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
)

// sheetJSON is a result sheet's figures with votes keyed by choice code.
type sheetJSON struct {
	Registered            int64                       `json:"registered"`
	VotedByLaw            int64                       `json:"voted_by_law"`
	Voted                 int64                       `json:"voted"`
	ValidWithoutObjection int64                       `json:"valid_without_objection"`
	ValidUponObjection    int64                       `json:"valid_upon_objection"`
	ValidTotal            int64                       `json:"valid_total"`
	Invalid               int64                       `json:"invalid_total"`
	Votes                 map[sandik.ChoiceCode]int64 `json:"votes"`
}

func sheetOf(t *sandik.Tutanak, rc *sandik.Race) *sheetJSON {
	if t == nil {
		return nil
	}
	out := &sheetJSON{
		Registered: t.Registered, VotedByLaw: t.VotedByLaw, Voted: t.Voted,
		ValidWithoutObjection: t.ValidWithoutObjection, ValidUponObjection: t.ValidUponObjection,
		ValidTotal: t.ValidTotal, Invalid: t.Invalid,
		Votes: make(map[sandik.ChoiceCode]int64, len(rc.Choices)),
	}
	for i, c := range rc.Choices {
		if i < len(t.Votes) {
			out.Votes[c.Code] = t.Votes[i]
		}
	}
	return out
}

// entryJSON is one submission of a box as the API shows it.
type entryJSON struct {
	Seq        int64               `json:"seq"`
	ID         sandik.SubmissionID `json:"id"`
	User       sandik.UserID       `json:"user"`
	Source     sandik.Source       `json:"source"`
	Kind       sandik.Kind         `json:"kind"`
	Reason     string              `json:"reason,omitempty"`
	CapturedAt *time.Time          `json:"captured_at,omitempty"`
	ReceivedAt time.Time           `json:"received_at"`
	// Superseded: the same user entered the box again later, and only
	// their latest entry counts.
	Superseded bool       `json:"superseded"`
	Sheet      *sheetJSON `json:"sheet"`
	Warnings   []string   `json:"warnings"`
}

func entryOf(s *sandik.Submission, rc *sandik.Race, superseded bool) entryJSON {
	e := entryJSON{
		Seq: s.Seq, ID: s.ID, User: s.User, Source: s.Source, Kind: s.Kind, Reason: s.Reason,
		ReceivedAt: s.ReceivedAt, Superseded: superseded, Sheet: sheetOf(&s.Sheet, rc), Warnings: s.Warnings.Names(),
	}
	if !s.CapturedAt.IsZero() {
		t := s.CapturedAt
		e.CapturedAt = &t
	}
	return e
}

// boxJSON is everything known about one box in one race.
type boxJSON struct {
	Race    sandik.RaceCode    `json:"race"`
	Box     sandik.Area        `json:"box"`
	Status  sandik.BoxStatus   `json:"status"`
	Choices []sandik.Choice    `json:"choices"`
	Entries []entryJSON        `json:"entries"`
	Diffs   []center.FieldDiff `json:"diffs"`
	// Provisional is what the box adds to provisional totals; Resolved its
	// settled figures (verified or adjudicated).
	Provisional *sheetJSON `json:"provisional"`
	Resolved    *sheetJSON `json:"resolved"`
	// Official is the published YSK figure of the box, when imported, with
	// the identities it breaks.
	Official         *sheetJSON `json:"official"`
	OfficialWarnings []string   `json:"official_warnings"`
	// Recount is the box's recount (yeniden sayım), when it has one: its
	// status, the board's decision and its settled figures, which stand
	// in for the box's in the "as recounted" view.
	Recount *recountJSON `json:"recount,omitempty"`
	// Partial is true when the caller sees only their own entries: a
	// data-entry volunteer or an observer must not see another person's
	// typing of the same sheet (double entry is blind).
	Partial bool `json:"partial"`
}

// recountJSON is where a box's recount stands.
type recountJSON struct {
	Status   sandik.BoxStatus `json:"status"`
	Decision string           `json:"decision,omitempty"`
	Resolved *sheetJSON       `json:"resolved"`
}

// getBox shows a box's status, its entries and where they disagree.
func (a *API) getBox(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, box := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("box"))
	d, err := a.c.View(u).Box(r.Context(), race, box)
	if err != nil {
		return err
	}
	seeAll := u.Role.SeesAllEntries()
	out := boxJSON{
		Race: race, Box: d.Area, Status: d.State.Status, Choices: d.Race.Choices,
		Entries: []entryJSON{}, Diffs: []center.FieldDiff{}, Partial: !seeAll,
	}
	for i := range d.Entries {
		if seeAll || d.Entries[i].User == u.ID {
			out.Entries = append(out.Entries, entryOf(&d.Entries[i], d.Race, d.State.Superseded(&d.Entries[i])))
		}
	}
	if seeAll {
		out.Diffs = append(out.Diffs, d.Diffs...)
		out.Provisional = sheetOf(d.State.Provisional, d.Race)
	}
	out.Resolved = sheetOf(d.State.Resolved, d.Race) // nil for typists (View.Box)
	out.Official = sheetOf(d.State.Official, d.Race)
	out.OfficialWarnings = d.State.OfficialWarnings.Names()
	if rc := d.State.Recount; rc != nil {
		out.Recount = &recountJSON{Status: rc.Status, Decision: rc.Decision, Resolved: sheetOf(rc.Resolved, d.Race)}
	}
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}

// adjudicate records a coordinator's decision on a box. The body is a
// sheet with a reason; race and box may be left out, and must match the
// URL when given.
func (a *API) adjudicate(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, box := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("box"))
	var in sandik.SheetInput
	if err := handler.ReadJSON(w, r, a.cfg.MaxBodyBytes, handler.SheetShape, &in); err != nil {
		a.b.CountSheets(sandik.KindAdjudication, 1, nil, err)
		return err
	}
	var ps []sandik.Problem
	if in.Race != "" && in.Race != race {
		ps = append(ps, sandik.Problem{Field: "race", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("is %q, but the URL names race %q; leave it out or make them equal", in.Race, race)})
	}
	if in.Box != "" && in.Box != box {
		ps = append(ps, sandik.Problem{Field: "box", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("is %q, but the URL names box %q; leave it out or make them equal", in.Box, box)})
	}
	if len(ps) > 0 {
		err := sandik.Invalid("the adjudication does not match its URL", ps)
		a.b.CountSheets(sandik.KindAdjudication, 1, nil, err)
		return err
	}
	in.Race, in.Box = race, box
	rec, err := a.c.Adjudicate(r.Context(), u, in)
	a.b.CountSheets(sandik.KindAdjudication, 1, []sandik.Receipt{rec}, err)
	if err != nil {
		return err
	}
	proofs, err := a.c.Prove(r.Context(), []sandik.Receipt{rec})
	if err != nil {
		return err
	}
	out := handler.ReceiptOf(rec)
	out.Ledger = proofOf(proofs, 0)
	return a.b.WriteReceipt(w, out)
}
