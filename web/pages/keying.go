package pages

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
)

// The keying page (anahtarlama): a volunteer types sheets from their
// photos, one after another without a reload. The page is a shell; its
// script (static/keying.js) asks the API for the next sheet, draws the
// photo beside the fields in the paper's order, checks the sheet's
// identities as it is typed, and sends the typing or a report. The
// coordinators' figures are on /anahtarlama/durum.

type keyingView struct {
	base
	Texts  template.JS
	Labels []fieldLabel
	// Empty is set when no sheet waits for the volunteer as the page is
	// drawn: the page opens on its "nothing waits" message, in the place
	// the photo and form take, so neither appears only to vanish.
	Empty bool
}

type fieldLabel struct{ Name, Label string }

// keyingTexts are the messages the keying script shows.
func keyingTexts(l *lang) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"keying.none", "keying.loading", "keying.box", "keying.sent", "keying.reported", "keying.expires",
		"keying.photo_alt", "form.digits", "form.sending", "form.refused", "form.session", "rule.required", "rule.too_large", "diff.more", "diff.less"} {
		out[k] = l.T(k)
	}
	for _, k := range []string{sandik.RuleValidSum, sandik.RuleChoicesSum, sandik.RuleVotedSum} {
		out["rule."+k] = l.T("rule." + k)
	}
	return out
}

var sheetLabelKeys = map[string]string{"registered": "registered", "voted_by_law": "voted_by_law", "voted": "voted",
	"valid_without_objection": "valid_without", "valid_upon_objection": "valid_upon", "valid_total": "valid_total", "invalid_total": "invalid_total"}

func (p *Pages) keyingPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if !u.Role.CanSubmit() {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not type sheets", u.ID, u.Role)
	}
	v := keyingView{base: p.baseOf(r, u, "keying.title")}
	waits, err := p.c.SheetWaits(r.Context(), u)
	if err != nil {
		return err
	}
	v.Empty = !waits
	texts, err := json.Marshal(keyingTexts(v.L))
	if err != nil {
		return err
	}
	v.Texts = template.JS(texts)
	for _, f := range sandik.SheetFields {
		v.Labels = append(v.Labels, fieldLabel{f.Name, v.L.T(sheetLabelKeys[f.Name])})
	}
	return p.render(w, http.StatusOK, "keying", v)
}

type keyingStatsView struct {
	base
	Rows     []keyingRow
	Reported []reportRow
	Waiting  string
	Rule     string
}

type keyingRow struct {
	User, Typed, Judged, Accuracy, Median string
	Flagged                               bool
}

type reportRow struct {
	Box, Href, Race, Reason, User, When, Photo string
	External                                   bool // Photo is an address elsewhere
}

func (p *Pages) keyingStatsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	st, err := p.c.KeyingStats(r.Context(), u)
	if err != nil {
		return err
	}
	v := keyingStatsView{base: p.baseOf(r, u, "keying.stats.title")}
	l := v.L
	v.Waiting = l.F("keying.stats.waiting", l.Int(st.Waiting))
	v.Rule = l.F("keying.stats.rule", l.Int(int(st.Threshold*100+0.5)), l.Int(st.MinJudged))
	for _, s := range st.Volunteers {
		acc := "–"
		if s.Judged > 0 {
			acc = "%" + l.Int(int(s.Accuracy*100+0.5))
		}
		v.Rows = append(v.Rows, keyingRow{User: string(s.User), Typed: l.Int(s.Typed), Judged: l.Int(s.Judged), Accuracy: acc,
			Median: l.Int(int(s.MedianSeconds + 0.5)), Flagged: s.Flagged})
	}
	reg := p.c.Registry()
	for _, rp := range st.Reported {
		name := string(rp.Box)
		if a, ok := reg.Area(rp.Box); ok {
			name = a.Name + " · " + string(rp.Box)
		}
		photo, far := "/api/v1/photos/"+rp.Photo, false
		if addr := st.PhotoURLs[rp.Photo]; addr != "" {
			photo, far = addr, true
		}
		v.Reported = append(v.Reported, reportRow{Box: name, Href: "/races/" + url.PathEscape(string(rp.Race)) + "/boxes/" + url.PathEscape(string(rp.Box)),
			Race: string(rp.Race), Reason: l.T("keying.reason." + string(rp.Reason)), User: string(rp.User), When: l.Time(rp.Done), Photo: photo, External: far})
	}
	return p.render(w, http.StatusOK, "keying_stats", v)
}

// custodyRow is one link of a box's chain on the box page.
type custodyRow struct {
	N                       int
	Copy, Holder, Place, At string
	Note, By                string
}

// custodyForm records a custody event from the box page.
func (p *Pages) addCustodyForm(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, box := r.PathValue("race"), sandik.AreaCode(r.PathValue("box"))
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(handler.EBadRequest, "could not read the form: %v", err)
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("at"), sandik.Istanbul())
	if err != nil {
		return sandik.Invalid("invalid custody event", []sandik.Problem{{Field: "at", Rule: sandik.RuleInvalidValue, Message: "give a day and time"}})
	}
	_, err = p.c.RecordCustody(r.Context(), u, sandik.CustodyEvent{Box: box, Race: sandik.RaceCode(race), Copy: r.PostFormValue("copy"),
		Holder: r.PostFormValue("holder"), Place: sandik.CustodyPlace(r.PostFormValue("place")), At: at, Note: r.PostFormValue("note")})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/races/"+url.PathEscape(race)+"/boxes/"+url.PathEscape(string(box))+"#zincir", http.StatusSeeOther)
	return nil
}
