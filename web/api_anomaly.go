package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/center"
)

// thresholdsFrom reads the thresholds a request tunes: the defaults, with
// any query parameter named like a threshold's JSON key replacing it.
func thresholdsFrom(r *http.Request) (anomaly.Thresholds, error) {
	th := anomaly.DefaultThresholds()
	q := r.URL.Query()
	t := reflect.TypeFor[anomaly.Thresholds]()
	set := map[string]any{}
	for f := range t.Fields() {
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		v := q.Get(key)
		if v == "" {
			continue
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return th, badParam(key, "must be a number (got %q)", v)
		}
		if f.Type.Kind() == reflect.Int || f.Type.Kind() == reflect.Int64 {
			if n != float64(int64(n)) {
				return th, badParam(key, "must be a whole number (got %q)", v)
			}
			set[key] = int64(n)
		} else {
			set[key] = n
		}
	}
	if len(set) > 0 {
		b, _ := json.Marshal(set)
		if err := json.Unmarshal(b, &th); err != nil {
			return th, badParam("thresholds", "%v", err)
		}
	}
	return th, th.Validate()
}

type flagJSON struct {
	anomaly.Flag
	Name    string `json:"name"` // the box's name
	Message string `json:"message"`
}

// getAnomalies flags the boxes of an area. Query: basis (official,
// verified, provisional), kind (comma-separated filter), lang (tr, en), and
// any threshold by its key (GET /api/v1/anomaly-thresholds lists them).
func (s *Server) getAnomalies(w http.ResponseWriter, r *http.Request, u sandik.User) error {
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
		return badParam("lang", "must be tr or en (got %q)", lang)
	}
	var kinds []anomaly.Kind
	if v := q.Get("kind"); v != "" {
		for _, k := range strings.Split(v, ",") {
			if !contains(anomaly.Kinds(), anomaly.Kind(k)) {
				return badParam("kind", "%q is not a kind of flag", k)
			}
			kinds = append(kinds, anomaly.Kind(k))
		}
	}
	th, err := thresholdsFrom(r)
	if err != nil {
		return err
	}
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	flags, figs, seq, err := s.c.AnomaliesFor(u, race, area, basis, th)
	if err != nil {
		return err
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
		if len(kinds) > 0 && !contains(kinds, f.Kind) {
			continue
		}
		out = append(out, flagJSON{Flag: f, Name: names[f.Box], Message: f.Message(lang)})
	}
	s.writeJSON(w, http.StatusOK, struct {
		Race       sandik.RaceCode      `json:"race"`
		Area       sandik.AreaCode      `json:"area"`
		Seq        int64                `json:"seq"`
		Basis      center.AnomalyBasis  `json:"basis"`
		Boxes      int                  `json:"boxes"`
		Thresholds anomaly.Thresholds   `json:"thresholds"`
		Counts     map[anomaly.Kind]int `json:"counts"`
		Flags      []flagJSON           `json:"flags"`
	}{race, area, seq, basis, len(figs), th, counts, out})
	return nil
}

// getThresholds lists the anomaly thresholds and their defaults.
func (s *Server) getThresholds(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	s.writeJSON(w, http.StatusOK, anomaly.DefaultThresholds())
	return nil
}
