package api

import (
	"context"
	"net/http"
	"reflect"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// submit takes one result sheet: 201 with a new receipt, or 200 with the
// original one when the same id and content were already received.
func (a *API) submit(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	wait, err := handler.BoolParam(r, "wait")
	if err != nil {
		return err
	}
	var in sandik.SheetInput
	if err := a.readWrite(w, r, a.cfg.MaxBodyBytes, handler.SheetShape, &in); err != nil {
		a.b.CountSheets(sandik.KindEntry, 1, nil, err)
		return err
	}
	rs, err := a.c.Submit(r.Context(), u, []sandik.SheetInput{in})
	a.b.CountSheets(sandik.KindEntry, 1, rs, err)
	if err != nil {
		return err
	}
	release, err := a.b.Work(r)
	if err != nil {
		return err
	}
	defer release()
	proofs, err := a.c.Prove(r.Context(), rs)
	if err != nil {
		return err
	}
	out := handler.ReceiptOf(rs[0])
	out.Ledger = proofOf(proofs, 0)
	if wait {
		out.Status = a.waitStatus(r.Context(), u, out.Seq, in.Race, in.Box)
	}
	return a.b.WriteReceipt(w, out)
}

// waitStatus waits, within WaitTimeout, until the tally reflects seq and
// returns the box's status then; nil if it did not happen in time.
func (a *API) waitStatus(ctx context.Context, u sandik.User, seq int64, race sandik.RaceCode, box sandik.AreaCode) *sandik.BoxStatus {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.WaitTimeout)
	defer cancel()
	if err := a.c.WaitFor(ctx, seq); err != nil {
		return nil
	}
	st, err := a.c.View(u).Status(race, box)
	if err != nil {
		return nil
	}
	return &st
}

// submitBatch takes up to center.MaxBatch sheets, all or nothing.
func (a *API) submitBatch(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in batchInput
	if err := a.readWrite(w, r, a.cfg.MaxBatchBytes, batchShape, &in); err != nil {
		a.b.CountSheets(sandik.KindEntry, 1, nil, err)
		return err
	}
	rs, err := a.c.Submit(r.Context(), u, in.Items)
	a.b.CountSheets(sandik.KindEntry, len(in.Items), rs, err)
	if err != nil {
		if len(in.Items) == 1 {
			err = prefixProblems(err, "items[0].")
		}
		return err
	}
	release, err := a.b.Work(r)
	if err != nil {
		return err
	}
	defer release()
	proofs, err := a.c.Prove(r.Context(), rs)
	if err != nil {
		return err
	}
	out := struct {
		Receipts []handler.Receipt `json:"receipts"`
	}{make([]handler.Receipt, len(rs))}
	status := http.StatusOK
	for i := range rs {
		out.Receipts[i] = handler.ReceiptOf(rs[i])
		out.Receipts[i].Ledger = proofOf(proofs, i)
		if !rs[i].Replayed {
			status = http.StatusCreated
		}
	}
	if status == http.StatusOK {
		w.Header()[handler.ReplayHeader] = []string{"true"}
	}
	a.b.WriteJSON(w, status, out)
	return nil
}

// readWrite decodes a write's body (read whole already, by the write's
// bounds) within one of the server's work slots (handler.Base.Work).
func (a *API) readWrite(w http.ResponseWriter, r *http.Request, max int64, shape *strict.Shape, v any) error {
	release, err := a.b.Work(r)
	if err != nil {
		return err
	}
	defer release()
	return handler.ReadJSON(w, r, max, shape, v)
}

// proofOf is the i-th ledger receipt, nil when the server signs none.
func proofOf(proofs []ledger.Receipt, i int) *ledger.Receipt {
	if proofs == nil {
		return nil
	}
	return &proofs[i]
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
func (a *API) getSubmission(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	id := sandik.SubmissionID(r.PathValue("id"))
	v := a.c.View(u)
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
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}

// batchInput is the body of a batch submission.
type batchInput struct {
	Items []sandik.SheetInput `json:"items"`
}

var batchShape = strict.ShapeOf(reflect.TypeFor[batchInput]())
