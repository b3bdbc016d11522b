package api

import (
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

type flagJSON struct {
	anomaly.Flag
	Name    string `json:"name"` // the box's name
	Message string `json:"message"`
}

// getAnomalies flags the boxes of an area. Query: basis (official,
// verified, provisional), kind (comma-separated filter), lang (tr, en), and
// any threshold by its key (GET /api/v1/anomaly-thresholds lists them),
// which replaces the saved one of the race's election for this request.
func (a *API) getAnomalies(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	basis, err := center.ParseAnomalyBasis(q.Get("basis"))
	if err != nil {
		return err
	}
	if basis == center.AnomalyProvisional && !u.Role.SeesAllEntries() {
		return sandik.Errorf(sandik.EForbidden, "only coordinators, admins and lawyers may judge provisional sheets")
	}
	lang := q.Get("lang")
	if lang != "" && lang != "tr" && lang != "en" {
		return handler.BadParam("lang", "must be tr or en (got %q)", lang)
	}
	var kinds []anomaly.Kind
	if v := q.Get("kind"); v != "" {
		for _, k := range strings.Split(v, ",") {
			if !slices.Contains(anomaly.Kinds(), anomaly.Kind(k)) {
				return handler.BadParam("kind", "%q is not a kind of flag", k)
			}
			kinds = append(kinds, anomaly.Kind(k))
		}
	}
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	saved, err := a.c.RaceThresholds(r.Context(), race)
	if err != nil {
		return err
	}
	th, err := handler.ThresholdsFrom(r, saved.Thresholds)
	if err != nil {
		return err
	}
	v := a.c.View(u)
	flags, figs, seq, err := v.Anomalies(race, area, basis, th)
	if err != nil {
		return err
	}
	// Named a previous race, the cross-election swings join the flags.
	var swing *sandik.SwingThresholds
	prev := sandik.RaceCode(q.Get("previous"))
	if prev != "" {
		sth, ps := swingThresholds(r)
		if len(ps) > 0 {
			return sandik.Invalid("invalid swing thresholds", ps)
		}
		h, err := v.History(race, prev, area, sth)
		if err != nil {
			return err
		}
		rc, _ := v.Registry().Race(race)
		flags = append(flags, center.SwingAnomalies(rc, h.Flags)...)
		order := map[anomaly.Kind]int{}
		for i, k := range anomaly.Kinds() {
			order[k] = i
		}
		slices.SortStableFunc(flags, func(x, y anomaly.Flag) int {
			if c := strings.Compare(string(x.Box), string(y.Box)); c != 0 {
				return c
			}
			return order[x.Kind] - order[y.Kind]
		})
		swing = &sth
	}
	names := make(map[sandik.AreaCode]string, len(figs))
	for i := range figs {
		names[figs[i].Box] = figs[i].Name
	}
	counts := map[anomaly.Kind]int{}
	for _, k := range anomaly.Kinds() {
		counts[k] = 0
	}
	out := []flagJSON{}
	for _, f := range flags {
		counts[f.Kind]++
		if len(kinds) > 0 && !slices.Contains(kinds, f.Kind) {
			continue
		}
		out = append(out, flagJSON{Flag: f, Name: names[f.Box], Message: f.Message(lang)})
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Race       sandik.RaceCode     `json:"race"`
		Area       sandik.AreaCode     `json:"area"`
		Seq        int64               `json:"seq"`
		Basis      center.AnomalyBasis `json:"basis"`
		Boxes      int                 `json:"boxes"`
		Thresholds anomaly.Thresholds  `json:"thresholds"`
		// ThresholdsVersion is the saved set the thresholds start from (0:
		// the defaults); query parameters may have changed some.
		ThresholdsVersion int `json:"thresholds_version"`
		// Previous is the race the swings are measured from, with their
		// bounds; absent when none was named.
		Previous        sandik.RaceCode         `json:"previous,omitempty"`
		SwingThresholds *sandik.SwingThresholds `json:"swing_thresholds,omitempty"`
		Counts          map[anomaly.Kind]int    `json:"counts"`
		Flags           []flagJSON              `json:"flags"`
	}{race, area, seq, basis, len(figs), th, saved.Version, prev, swing, counts, out})
	return nil
}

// thresholdsJSON is an election's thresholds in force as the API shows
// them.
type thresholdsJSON struct {
	Election   sandik.ElectionCode `json:"election"`
	Thresholds anomaly.Thresholds  `json:"thresholds"`
	Defaults   anomaly.Thresholds  `json:"defaults"`
	Version    int                 `json:"version"`
	UpdatedBy  sandik.UserID       `json:"updated_by,omitempty"`
	UpdatedAt  *time.Time          `json:"updated_at,omitempty"`
}

func thresholdsOut(et center.ElectionThresholds) thresholdsJSON {
	out := thresholdsJSON{Election: et.Election, Thresholds: et.Thresholds, Defaults: anomaly.DefaultThresholds(), Version: et.Version, UpdatedBy: et.UpdatedBy}
	if !et.UpdatedAt.IsZero() {
		out.UpdatedAt = &et.UpdatedAt
	}
	return out
}

// electionParam names the election whose thresholds a request means:
// ?election=, or the election of ?race=, or the registry's only election.
func (a *API) electionParam(r *http.Request) (sandik.ElectionCode, error) {
	q := r.URL.Query()
	election, race := q.Get("election"), q.Get("race")
	reg := a.c.Registry()
	switch {
	case election != "" && race != "":
		return "", handler.BadParam("race", "give election or race, not both")
	case race != "":
		rc, ok := reg.Race(sandik.RaceCode(race))
		if !ok {
			return "", sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
		}
		return rc.Election, nil
	case election != "":
		return sandik.ElectionCode(election), nil
	case len(sandik.NightElections(reg)) == 1:
		return sandik.NightElections(reg)[0].Code, nil
	}
	codes := make([]string, len(reg.Elections))
	for i, e := range reg.Elections {
		codes[i] = string(e.Code)
	}
	return "", handler.BadParam("election", "is required: thresholds are kept per election, and the registry holds %d (%s)", len(codes), strings.Join(codes, ", "))
}

// getThresholds shows the anomaly thresholds in force for an election,
// with the defaults, the version and who saved them when.
func (a *API) getThresholds(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	election, err := a.electionParam(r)
	if err != nil {
		return err
	}
	et, err := a.c.Thresholds(r.Context(), election)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, thresholdsOut(et))
	return nil
}

// thresholdsInput is the body that saves an election's thresholds: the
// whole set, and the version it was made on.
type thresholdsInput struct {
	Version    int                `json:"version"`
	Thresholds anomaly.Thresholds `json:"thresholds"`
}

// putThresholds saves an election's thresholds for everyone.
func (a *API) putThresholds(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	election, err := a.electionParam(r)
	if err != nil {
		return err
	}
	var in thresholdsInput
	if err := handler.ReadJSON(w, r, maxThresholdsBody, thresholdsShape, &in); err != nil {
		return err
	}
	et, err := a.c.SaveThresholds(r.Context(), u, election, in.Thresholds, in.Version)
	if err != nil {
		return underThresholds(err)
	}
	a.b.WriteJSON(w, http.StatusOK, thresholdsOut(et))
	return nil
}

// underThresholds names the thresholds' problems by their place in the
// body ("thresholds.turnout_z").
func underThresholds(err error) error {
	e, ok := errors.AsType[*sandik.Error](err)
	if !ok || e.Code != sandik.EInvalid {
		return err
	}
	out := *e
	out.Problems = make([]sandik.Problem, len(e.Problems))
	for i, p := range e.Problems {
		if _, ok := anomaly.DefaultThresholds().Get(p.Field); ok {
			p.Field = "thresholds." + p.Field
		}
		out.Problems[i] = p
	}
	return &out
}

// maxThresholdsBody bounds a thresholds body: ten numbers and a version.
const maxThresholdsBody = 4 << 10

// thresholdsShape is a thresholds body: every field required, since a
// save replaces the whole set and a threshold left out must not silently
// become 0; fractions where a threshold takes them.
var thresholdsShape = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[thresholdsInput]()))
