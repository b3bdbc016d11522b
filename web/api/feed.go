package api

import (
	"math"
	"net/http"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
)

// officialVersionJSON is one official version of a box with its figures
// by name, its provenance and its diff from the version before.
type officialVersionJSON struct {
	center.OfficialVersion
	Figures map[string]int64 `json:"figures"`
	Votes   map[string]int64 `json:"votes"` // by choice code
}

// getOfficialVersions answers every official version of a box.
func (a *API) getOfficialVersions(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v := a.c.View(u)
	rc, err := race(v.Registry(), r)
	if err != nil {
		return err
	}
	vs, err := v.OfficialVersions(r.Context(), rc.Code, sandik.AreaCode(r.PathValue("box")))
	if err != nil {
		return err
	}
	out := struct {
		Race     sandik.RaceCode       `json:"race"`
		Box      sandik.AreaCode       `json:"box"`
		Versions []officialVersionJSON `json:"versions"`
	}{rc.Code, sandik.AreaCode(r.PathValue("box")), make([]officialVersionJSON, 0, len(vs))}
	for _, ov := range vs {
		j := officialVersionJSON{OfficialVersion: ov, Figures: map[string]int64{}, Votes: map[string]int64{}}
		for _, f := range sandik.SheetFields {
			j.Figures[f.Name] = f.Get(&ov.Sheet)
		}
		for i, c := range rc.Choices {
			if i < len(ov.Sheet.Votes) {
				j.Votes[string(c.Code)] = ov.Sheet.Votes[i]
			}
		}
		out.Versions = append(out.Versions, j)
	}
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}

// listAlerts answers the official feed's alerts after ?after= (an alert's
// n), of ?box= when given, at most ?limit= (100; up to 1000).
func (a *API) listAlerts(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	after, err := handler.IntParam(r, "after", 0, 0, math.MaxInt64)
	if err != nil {
		return err
	}
	limit, err := handler.IntParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	as, err := a.c.View(u).Alerts(r.Context(), int64(after), sandik.AreaCode(r.URL.Query().Get("box")), limit)
	if err != nil {
		return err
	}
	out := struct {
		Alerts []sandik.FeedAlert `json:"alerts"`
		Next   int64              `json:"next"` // the after of the next page
	}{as, int64(after)}
	if len(as) > 0 {
		out.Next = as[len(as)-1].N
	}
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}
