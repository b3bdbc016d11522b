package api

import (
	"net/http"
	"strconv"

	"github.com/sandik-dev/sandik"
)

// getHistory matches an area's boxes to ?previous= (a race of an earlier
// election) and flags swings beyond the neighbourhood's;
// ?turnout_points= and ?share_points= replace the default bounds.
func (a *API) getHistory(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v := a.c.View(u)
	rc, err := race(v.Registry(), r)
	if err != nil {
		return err
	}
	th, ps := swingThresholds(r)
	prev := r.URL.Query().Get("previous")
	if prev == "" {
		ps = append(ps, sandik.Problem{Field: "previous", Rule: sandik.RuleRequired, Message: "names the previous election's race"})
	}
	if len(ps) > 0 {
		return sandik.Invalid("invalid history request", ps)
	}
	h, err := v.History(rc.Code, sandik.RaceCode(prev), sandik.AreaCode(r.PathValue("area")), th)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, h)
	return nil
}

// swingThresholds reads ?turnout_points= and ?share_points=, the bounds
// of a swing beyond the neighbourhood's, defaults where not given.
func swingThresholds(r *http.Request) (sandik.SwingThresholds, []sandik.Problem) {
	th := sandik.DefaultSwingThresholds
	var ps []sandik.Problem
	for _, name := range []string{"turnout_points", "share_points"} {
		to := map[string]*float64{"turnout_points": &th.TurnoutPoints, "share_points": &th.SharePoints}[name]
		if s := r.URL.Query().Get(name); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || x <= 0 || x > 100 {
				ps = append(ps, sandik.Problem{Field: name, Rule: sandik.RuleInvalidValue, Message: "must be a number of points above 0 and at most 100"})
				continue
			}
			*to = x
		}
	}
	return th, ps
}
