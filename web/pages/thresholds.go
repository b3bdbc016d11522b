package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
)

// thresholdForm is the comparison page's form that tunes the anomaly
// thresholds: for the view alone (a GET with the thresholds as query
// parameters), or saved for everyone (a POST to Action, made on Version).
type thresholdForm struct {
	Fields     []thresholdField
	Action     string
	Version    int
	Saved      string // which thresholds hold for the election, saved by whom
	CanSave    bool
	Overridden bool   // the view's thresholds are not the saved ones
	Notice     string // a save went through
	Problem    string // why a save was refused
	Open       bool   // the form is shown unfolded
}

// thresholdField is one anomaly threshold on the form. Mode is the
// keyboard a phone shows: digits, a decimal point, or letters too for a
// value written with an exponent (1e-05).
type thresholdField struct{ Key, Label, Value, Default, Problem, Mode string }

// thresholdEdit is a refused save: the values sent, what is wrong with
// each, and why.
type thresholdEdit struct {
	values   url.Values        // nil: the saved thresholds
	problems map[string]string // by key, in the page's language
	banner   string
}

func (p *Pages) tuneForm(r *http.Request, u sandik.User, l *lang, self string, saved center.ElectionThresholds, th anomaly.Thresholds, edit *thresholdEdit) thresholdForm {
	f := thresholdForm{Action: self + "/thresholds", Version: saved.Version, CanSave: center.CanSaveThresholds(u), Overridden: th != saved.Thresholds}
	name := string(saved.Election)
	if e, ok := p.c.Registry().Election(saved.Election); ok {
		name = e.Name
	}
	if saved.Version == 0 {
		f.Saved = l.F("anom.stored.none", name)
	} else {
		f.Saved = l.F("anom.stored.by", name, saved.Version, saved.UpdatedBy, l.Time(saved.UpdatedAt))
	}
	if r.URL.Query().Get("saved") == "1" {
		f.Notice = l.T("anom.saved")
	}
	def := anomaly.DefaultThresholds()
	for _, key := range anomaly.ThresholdKeys() {
		value, _ := th.Get(key)
		dv, _ := def.Get(key)
		fd := thresholdField{Key: key, Label: l.T("th." + key), Value: value, Default: l.F("anom.default.of", dv), Mode: "decimal"}
		switch {
		case anomaly.IsWhole(key):
			fd.Mode = "numeric"
		case strings.ContainsAny(value+dv, "eE"):
			fd.Mode = "text"
		}
		if edit != nil {
			if edit.values != nil {
				fd.Value = edit.values.Get(key)
			}
			fd.Problem = edit.problems[key]
		}
		f.Fields = append(f.Fields, fd)
	}
	if edit != nil {
		f.Problem, f.Open, f.Overridden = edit.banner, true, false
	}
	f.Open = f.Open || f.Overridden || f.Notice != ""
	return f
}

// saveThresholds saves the tuning form's thresholds for everyone (or
// the defaults, with reset), on the version the form was made on. A
// refused save shows the page again with the values sent and what is
// wrong; a save made meanwhile by someone else is named.
func (p *Pages) saveThresholds(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(handler.EBadRequest, "unreadable form: %v", err)
	}
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	rc, ok := p.c.Registry().Race(race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || version < 0 {
		return handler.BadParam("version", "must be the version of the thresholds the form was made on (got %q)", r.PostForm.Get("version"))
	}
	saved, err := p.c.RaceThresholds(r.Context(), race)
	if err != nil {
		return err
	}
	l := p.langOf(r)
	edit := &thresholdEdit{values: r.PostForm, problems: map[string]string{}}
	th := anomaly.DefaultThresholds()
	if r.PostForm.Has("reset") {
		edit.values = nil
	} else {
		th = saved.Thresholds
		for _, key := range anomaly.ThresholdKeys() {
			v := strings.TrimSpace(r.PostForm.Get(key))
			if v == "" {
				edit.problems[key] = l.T("anom.required")
			} else if err := th.Set(key, v); err != nil {
				edit.problems[key] = l.F("anom.bad", err.Error())
			}
		}
		// Every field wrong at once, not one reload per field.
		for _, pr := range sandik.ProblemsOf(th.Validate()) {
			if _, ok := edit.problems[pr.Field]; !ok {
				edit.problems[pr.Field] = l.F("anom.bad", pr.Message)
			}
		}
	}
	status := http.StatusUnprocessableEntity
	if len(edit.problems) == 0 {
		_, err := p.c.SaveThresholds(r.Context(), u, rc.Election, th, version)
		switch sandik.CodeOf(err) {
		case "":
			http.Redirect(w, r, "/races/"+url.PathEscape(string(race))+"/areas/"+url.PathEscape(string(area))+"/comparison?saved=1", http.StatusSeeOther)
			return nil
		case sandik.EInvalid:
			for _, pr := range sandik.ProblemsOf(err) {
				edit.problems[pr.Field] = l.F("anom.bad", pr.Message)
			}
		case sandik.EConflict:
			cur, rerr := p.c.RaceThresholds(r.Context(), race)
			if rerr != nil {
				return err
			}
			status, edit.banner = http.StatusConflict, l.F("anom.stale", cur.UpdatedBy, cur.Version, l.Time(cur.UpdatedAt))
		default:
			return err
		}
	}
	if edit.banner == "" {
		edit.banner = l.T("anom.invalid")
	}
	return p.comparison(w, r, u, status, edit, "")
}
