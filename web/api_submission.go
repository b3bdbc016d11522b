package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// receiptJSON acknowledges a durable submission.
type receiptJSON struct {
	Seq        int64               `json:"seq"`
	ID         sandik.SubmissionID `json:"id"`
	ReceivedAt time.Time           `json:"received_at"`
	Replayed   bool                `json:"replayed"`
	Warnings   []string            `json:"warnings"`
	// Status is the box's status in the race once the tally reflects the
	// submission; only with ?wait=1, and only if that happened in time.
	Status *sandik.BoxStatus `json:"status,omitempty"`
}

func receiptOf(r sandik.Receipt) receiptJSON {
	return receiptJSON{Seq: r.Seq, ID: r.ID, ReceivedAt: r.ReceivedAt, Replayed: r.Replayed, Warnings: r.Warnings.Names()}
}

// replayHeader marks an answer that repeats an earlier receipt.
const replayHeader = "Idempotent-Replayed"

// submit takes one result sheet: 201 with a new receipt, or 200 with the
// original one when the same id and content were already received.
func (s *Server) submit(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	wait, err := boolParam(r, "wait")
	if err != nil {
		return err
	}
	var in sandik.SheetInput
	if err := s.readJSON(w, r, s.cfg.MaxBodyBytes, sheetShape, &in); err != nil {
		s.metrics.countSheets(sandik.KindEntry, 1, nil, err)
		return err
	}
	rs, err := s.c.Submit(r.Context(), u, []sandik.SheetInput{in})
	s.metrics.countSheets(sandik.KindEntry, 1, rs, err)
	if err != nil {
		return err
	}
	out := receiptOf(rs[0])
	if wait {
		out.Status = s.waitStatus(r.Context(), u, out.Seq, in.Race, in.Box)
	}
	return s.writeReceipt(w, out)
}

// writeReceipt answers 201, or 200 with the replay header for a retry.
func (s *Server) writeReceipt(w http.ResponseWriter, out receiptJSON) error {
	status := http.StatusCreated
	if out.Replayed {
		status = http.StatusOK
		w.Header()[replayHeader] = []string{"true"}
	}
	s.writeJSON(w, status, out)
	return nil
}

// waitStatus waits, within WaitTimeout, until the tally reflects seq and
// returns the box's status then; nil if it did not happen in time.
func (s *Server) waitStatus(ctx context.Context, u sandik.User, seq int64, race sandik.RaceCode, box sandik.AreaCode) *sandik.BoxStatus {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.WaitTimeout)
	defer cancel()
	if err := s.c.WaitFor(ctx, seq); err != nil {
		return nil
	}
	st, err := s.c.View(u).Status(race, box)
	if err != nil {
		return nil
	}
	return &st
}

// submitBatch takes up to center.MaxBatch sheets, all or nothing.
func (s *Server) submitBatch(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in batchInput
	if err := s.readJSON(w, r, s.cfg.MaxBatchBytes, batchShape, &in); err != nil {
		s.metrics.countSheets(sandik.KindEntry, 1, nil, err)
		return err
	}
	rs, err := s.c.Submit(r.Context(), u, in.Items)
	s.metrics.countSheets(sandik.KindEntry, len(in.Items), rs, err)
	if err != nil {
		if len(in.Items) == 1 {
			err = prefixProblems(err, "items[0].")
		}
		return err
	}
	out := struct {
		Receipts []receiptJSON `json:"receipts"`
	}{make([]receiptJSON, len(rs))}
	status := http.StatusOK
	for i := range rs {
		out.Receipts[i] = receiptOf(rs[i])
		if !rs[i].Replayed {
			status = http.StatusCreated
		}
	}
	if status == http.StatusOK {
		w.Header()[replayHeader] = []string{"true"}
	}
	s.writeJSON(w, status, out)
	return nil
}

// prefixProblems names the fields of a one-item batch as items[0].…, as
// the Center does for longer batches.
func prefixProblems(err error, prefix string) error {
	ps := sandik.ProblemsOf(err)
	if len(ps) == 0 {
		return err
	}
	out := make([]sandik.Problem, len(ps))
	for i, p := range ps {
		if p.Field != "" && !strings.HasPrefix(p.Field, "items") {
			p.Field = prefix + p.Field
		}
		out[i] = p
	}
	return &sandik.Error{Code: sandik.CodeOf(err), Message: sandik.MessageOf(err), Problems: out}
}

// getSubmission returns one submission by its client id. Coordinators,
// admins and lawyers see any within their areas; others only their own
// (another's is "not found", so ids do not leak).
func (s *Server) getSubmission(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	id := sandik.SubmissionID(r.PathValue("id"))
	v := s.c.View(u)
	sub, err := v.Submission(r.Context(), id)
	if err != nil {
		return err
	}
	rc, ok := v.Registry().Race(sub.Race)
	if !ok {
		return sandik.Errorf(sandik.EInternal, "submission %q names unknown race %q", id, sub.Race)
	}
	out := struct {
		Race sandik.RaceCode `json:"race"`
		Box  sandik.AreaCode `json:"box"`
		entryJSON
	}{sub.Race, sub.Box, entryOf(&sub, rc, false)}
	s.writeJSON(w, http.StatusOK, out)
	return nil
}
