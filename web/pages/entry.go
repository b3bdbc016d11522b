package pages

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/queue"
	"github.com/sandik-dev/sandik/refusal"
	"github.com/sandik-dev/sandik/web/handler"
)

// entryPageView is the observer's form. The races and their choices travel
// as JSON in the page, so that the form can lay out the vote fields of
// the chosen race and check the sheet before sending it, offline too.
type entryPageView struct {
	base
	Data        template.JS
	Texts       template.JS // the form's messages, from the catalogue
	Help        string      // message key of the line above the form
	Open        bool        // the user has a race to enter
	FieldLabels map[string]string
	// Picks are the first race's own boxes, drawn with the page as the
	// script would draw them, so that nothing below moves when it runs.
	Picks []boxHit
	// PhotoPath is where the script posts the photos of a sheet (photoPath).
	PhotoPath string
	// Chosen is the observer's one box of the first race, which the script
	// fills in, and Sent what they sent of it per race: drawn with the page
	// so that the fields below do not move when the script runs.
	Chosen *boxHit
	Sent   []sentLine
}

// sentLine says whether the user has sent a race of the chosen box.
type sentLine struct {
	Race string
	Sent bool
}

type entryRace struct {
	Code    sandik.RaceCode `json:"code"`
	Name    string          `json:"name"`
	Choices []sandik.Choice `json:"choices"`
	// Assigned are the boxes of the race a scoped user may enter, to pick
	// from; absent for a user who may pick any box.
	Assigned []boxHit `json:"assigned,omitempty"`
}

// maxSentLookups bounds the boxes whose entries are read to tell the user
// which races of a box they have already sent: an observer has a few
// boxes; a coordinator with a district sees no such list.
const maxSentLookups = 40

// markSent records, on each assigned box, the log position of the user's
// latest entry for that race, when the user has few enough boxes.
func (p *Pages) markSent(r *http.Request, u sandik.User, races []entryRace) error {
	n := 0
	for _, er := range races {
		n += len(er.Assigned)
	}
	if n == 0 || n > maxSentLookups {
		return nil
	}
	view := p.c.View(u)
	for _, er := range races {
		for j := range er.Assigned {
			d, err := view.Box(r.Context(), er.Code, er.Assigned[j].Code)
			if err != nil {
				return err
			}
			for _, e := range d.Entries {
				if e.User == u.ID && e.Kind == sandik.KindEntry {
					er.Assigned[j].Sent = e.Seq
				}
			}
		}
	}
	return nil
}

// formTexts are the messages the form's script shows, in the page's
// language: the script holds no text of its own.
func formTexts(l *lang) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"form.digits", "form.over_reg", "form.reg_list", "form.pick_box", "form.sending", "form.retry",
		"form.pending", "form.ok", "form.ok.warn", "form.replayed", "form.fix", "form.refused", "form.session", "form.sent.title",
		"form.sent", "form.notsent", "form.nohit", "form.offline", "form.photo.type", "form.photo.size", "form.photo.many",
		"outbox.waiting", "outbox.acked", "outbox.replayed", "outbox.refused", "outbox.photos.waiting", "outbox.photos.sent",
		"outbox.photos.refused", "outbox.open", "outbox.session", "login", "rule.required", "rule.too_large", "diff.more", "diff.less"} {
		out[k] = l.T(k)
	}
	for _, k := range []string{sandik.RuleValidSum, sandik.RuleChoicesSum, sandik.RuleVotedSum} {
		out["rule."+k] = l.T("rule." + k)
	}
	for _, w := range (^sandik.Warnings(0)).Names() {
		out["warning."+w] = l.T("warning." + w)
	}
	return out
}

// maxAssigned bounds the boxes listed on the form: an observer has a few,
// a district coordinator who types sheets searches instead.
const maxAssigned = 200

func (p *Pages) entryPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	reg := p.c.Registry()
	races := make([]entryRace, 0, len(reg.Races))
	for i := range reg.Races {
		rc := &reg.Races[i]
		er := entryRace{Code: rc.Code, Name: rc.Name, Choices: rc.Choices}
		if u.Scoped() {
			boxes := reg.AssignedBoxes(u, rc, maxAssigned)
			if len(boxes) == 0 {
				continue // nothing of this race is theirs to enter
			}
			er.Assigned = make([]boxHit, len(boxes))
			for j, b := range boxes {
				n, _ := reg.Registered(rc.Election, b)
				er.Assigned[j] = boxHit{Code: b, Label: boxLabel(reg, b), Registered: n}
			}
		}
		races = append(races, er)
	}
	if err := p.markSent(r, u, races); err != nil {
		return err
	}
	b, err := json.Marshal(races)
	if err != nil {
		return err
	}
	help := "entry.anybox"
	switch {
	case u.Scoped() && len(races) == 0:
		help = "entry.unassigned"
	case u.Scoped():
		help = "entry.assigned"
	}
	v := entryPageView{base: p.baseOf(r, u, "entry.title"), Data: template.JS(b), Help: help, Open: len(races) > 0, PhotoPath: photoPath, FieldLabels: map[string]string{
		"registered": "registered", "voted_by_law": "voted_by_law", "voted": "voted",
		"valid_without_objection": "valid_without", "valid_upon_objection": "valid_upon",
		"valid_total": "valid_total", "invalid_total": "invalid_total"}}
	if len(races) > 0 {
		v.Picks = races[0].Assigned
	}
	if len(v.Picks) == 1 {
		v.Chosen = &v.Picks[0]
		for _, er := range races {
			for _, h := range er.Assigned {
				if h.Code == v.Chosen.Code {
					v.Sent = append(v.Sent, sentLine{Race: er.Name, Sent: h.Sent != 0})
				}
			}
		}
	}
	texts, err := json.Marshal(formTexts(v.L))
	if err != nil {
		return err
	}
	v.Texts = template.JS(texts)
	return p.render(w, http.StatusOK, "entry", v)
}

// boxHit is one answer of the box search.
type boxHit struct {
	Code       sandik.AreaCode `json:"code"`
	Label      string          `json:"label"`
	Registered int64           `json:"registered"`
	// Sent is the log position of the user's latest entry of the box in
	// this race; absent when none (or not looked up).
	Sent int64 `json:"sent,omitempty"`
}

// ruleTooLong is a value over its length, as the file readers name it.
const ruleTooLong = "too_long"

// maxBoxHits bounds the answers of one search; maxSearchBytes its words.
const (
	maxBoxHits     = 20
	maxSearchBytes = 200
)

// searchBoxes finds the race's boxes whose code or place names contain
// every word of q, among the boxes u may enter: a scoped user's own, or
// any box of the race. Turkish letters match their plain forms both ways:
// "avcilar" finds Avcılar and "KADIKÖY" finds Kadıköy, as a phone without
// a Turkish keyboard types them.
func (p *Pages) searchBoxes(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	reg := p.c.Registry()
	race := sandik.RaceCode(r.URL.Query().Get("race"))
	rc, ok := reg.Race(race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	q := r.URL.Query().Get("q")
	if len(q) > maxSearchBytes {
		// The form's script reads the answer: JSON, in the page's language.
		p.writeRefusal(w, r, sandik.Invalid("search too long", []sandik.Problem{{Field: "q", Rule: ruleTooLong,
			Message: fmt.Sprintf("a search is at most %d bytes", maxSearchBytes)}}))
		return nil
	}
	words := strings.Fields(fold(q))
	hits := []boxHit{}
	if len(words) > 0 {
		candidates := reg.RaceBoxes(race)
		if u.Scoped() {
			candidates = reg.AssignedBoxes(u, rc, len(candidates))
		}
		for _, code := range candidates {
			label := boxLabel(reg, code)
			hay := fold(string(code) + " " + label)
			match := true
			for _, wd := range words {
				if !strings.Contains(hay, wd) {
					match = false
					break
				}
			}
			if match {
				n, _ := reg.Registered(rc.Election, code)
				hits = append(hits, boxHit{Code: code, Label: label, Registered: n})
				if len(hits) == maxBoxHits {
					break
				}
			}
		}
	}
	p.b.WriteJSON(w, http.StatusOK, struct {
		Boxes []boxHit `json:"boxes"`
	}{hits})
	return nil
}

// fold reads a name as it is searched: lower case, Turkish letters as
// their plain Latin ones (sandik.FoldRune).
func fold(s string) string { return strings.Map(sandik.FoldRune, s) }

// boxLabel names a box with its places below the province: "Adalar ›
// Burgazada › Sandık 1001".
func boxLabel(reg *sandik.Registry, code sandik.AreaCode) string { return queue.Label(reg, code) }

// submitEntry takes a sheet from the form: the same JSON and the same
// rules as the API, with the user from the session. Problems come back
// translated, each naming its field, for the form to show beside it.
func (p *Pages) submitEntry(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.SheetInput
	err := handler.ReadJSON(w, r, p.cfg.MaxBodyBytes, handler.SheetShape, &in)
	if err == nil {
		var rs []sandik.Receipt
		rs, err = p.c.Submit(r.Context(), u, []sandik.SheetInput{in})
		p.b.CountSheets(sandik.KindEntry, 1, rs, err)
		if err == nil {
			out := handler.ReceiptOf(rs[0])
			proofs, err := p.c.Prove(r.Context(), rs)
			if err != nil {
				return err
			}
			if proofs != nil {
				out.Ledger = &proofs[0]
			}
			return p.b.WriteReceipt(w, out)
		}
	}
	// Answer in JSON, whatever went wrong: the form reads it.
	p.writeRefusal(w, r, err)
	return nil
}

// writeRefusal answers a script's request that was refused in JSON, with
// the reason and each problem in the page's language.
func (p *Pages) writeRefusal(w http.ResponseWriter, r *http.Request, err error) {
	l := p.langOf(r)
	code := sandik.CodeOf(err)
	if code == sandik.EInternal || code == "" {
		p.b.WriteError(w, r, err)
		return
	}
	ps := sandik.ProblemsOf(err)
	for i := range ps {
		ps[i].Message = problemText(l, ps[i])
	}
	message := sandik.MessageOf(refusal.Localize(msg.TR, err))
	if l.Code == "en" {
		message = sandik.MessageOf(err)
	}
	p.b.WriteJSON(w, handler.StatusFor(code), handler.ErrorBody{Error: handler.ErrorDetail{Code: code, Message: message, Problems: ps}})
}

// told puts a refusal of one of the review pages (queue, box, form) in
// the page's language before the error page shows it.
func (p *Pages) told(r *http.Request, err error) error {
	if err == nil || p.langOf(r).Code == "en" {
		return err
	}
	return refusal.Localize(msg.TR, err)
}

// problemText says what is wrong with a field in the page's language,
// with the figures: "Geçerli oy toplamı partilerin toplamından 12 fazla".
// English keeps the domain's own wording, as the API does.
func problemText(l *lang, p sandik.Problem) string {
	if l.Code == "en" {
		return p.Message
	}
	return refusal.Text(msg.TR, p)
}
