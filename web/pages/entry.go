package pages

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"unicode"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
)

// entryPageView is the observer's form. The races and their choices travel
// as JSON in the page, so that the form can lay out the vote fields of
// the chosen race and check the sheet before sending it, offline too.
type entryPageView struct {
	base
	Data        template.JS
	Help        string // message key of the line above the form
	Open        bool   // the user has a race to enter
	FieldLabels map[string]string
}

type entryRace struct {
	Code    sandik.RaceCode `json:"code"`
	Name    string          `json:"name"`
	Choices []sandik.Choice `json:"choices"`
	// Assigned are the boxes of the race a scoped user may enter, to pick
	// from; absent for a user who may pick any box.
	Assigned []boxHit `json:"assigned,omitempty"`
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
				er.Assigned[j] = boxHit{b, boxLabel(reg, b), n}
			}
		}
		races = append(races, er)
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
	v := entryPageView{base: p.baseOf(r, u, "entry.title"), Data: template.JS(b), Help: help, Open: len(races) > 0, FieldLabels: map[string]string{
		"registered": "registered", "voted_by_law": "voted_by_law", "voted": "voted",
		"valid_without_objection": "valid_without", "valid_upon_objection": "valid_upon",
		"valid_total": "valid_total", "invalid_total": "invalid_total"}}
	return p.render(w, http.StatusOK, "entry", v)
}

// boxHit is one answer of the box search.
type boxHit struct {
	Code       sandik.AreaCode `json:"code"`
	Label      string          `json:"label"`
	Registered int64           `json:"registered"`
}

// maxBoxHits bounds the answers of one search.
const maxBoxHits = 20

// searchBoxes finds the race's boxes whose code or place names contain
// every word of q, matched the Turkish way, among the boxes u may enter:
// a scoped user's own, or any box of the race.
func (p *Pages) searchBoxes(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	reg := p.c.Registry()
	race := sandik.RaceCode(r.URL.Query().Get("race"))
	rc, ok := reg.Race(race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	words := strings.Fields(strings.ToLowerSpecial(unicode.TurkishCase, r.URL.Query().Get("q")))
	hits := []boxHit{}
	if len(words) > 0 {
		candidates := reg.RaceBoxes(race)
		if u.Scoped() {
			candidates = reg.AssignedBoxes(u, rc, len(candidates))
		}
		for _, code := range candidates {
			label := boxLabel(reg, code)
			hay := strings.ToLowerSpecial(unicode.TurkishCase, string(code)+" "+label)
			match := true
			for _, wd := range words {
				if !strings.Contains(hay, wd) {
					match = false
					break
				}
			}
			if match {
				n, _ := reg.Registered(rc.Election, code)
				hits = append(hits, boxHit{code, label, n})
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

// boxLabel names a box with its places below the province: "Adalar ›
// Burgazada › Sandık 1001".
func boxLabel(reg *sandik.Registry, code sandik.AreaCode) string {
	var parts []string
	a, _ := reg.Area(code)
	parts = append(parts, a.Name)
	for _, up := range reg.Ancestors(code) {
		p, _ := reg.Area(up)
		if p.Level <= sandik.LevelIl {
			break
		}
		parts = append([]string{p.Name}, parts...)
	}
	return strings.Join(parts, " › ")
}

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
			return p.b.WriteReceipt(w, handler.ReceiptOf(rs[0]))
		}
	}
	// Answer in JSON, whatever went wrong: the form reads it.
	l := p.langOf(r)
	code := sandik.CodeOf(err)
	if code == sandik.EInternal || code == "" {
		p.b.WriteError(w, r, err)
		return nil
	}
	ps := sandik.ProblemsOf(err)
	for i := range ps {
		ps[i].Message = problemText(l, ps[i])
	}
	p.b.WriteJSON(w, handler.StatusFor(code), handler.ErrorBody{Error: handler.ErrorDetail{Code: code, Message: sandik.MessageOf(err), Problems: ps}})
	return nil
}

// problemText says what is wrong with a field in the page's language,
// with the figures: "Geçerli oy toplamı partilerin toplamından 12 fazla".
func problemText(l *lang, p sandik.Problem) string {
	if l.Code == "en" {
		return p.Message
	}
	var want, got int64
	if p.Want != nil && p.Got != nil {
		want, got = *p.Want, *p.Got
	}
	moreLess := func(d int64) string {
		if d > 0 {
			return fmt.Sprintf("%s fazla", l.Num(d))
		}
		return fmt.Sprintf("%s eksik", l.Num(-d))
	}
	switch p.Rule {
	case sandik.RuleRequired:
		return "Bu alan boş bırakılamaz."
	case sandik.RuleMissingChoice:
		return "Bu adayın/partinin oyu yazılmamış (oy yoksa 0 yazın)."
	case sandik.RuleNegative:
		return "Eksi bir sayı olamaz."
	case sandik.RuleTooLarge:
		return fmt.Sprintf("%s'dan büyük olamaz; yazım hatası olabilir.", l.Num(sandik.MaxSheetNumber))
	case sandik.RuleValidSum:
		return fmt.Sprintf("İtirazsız ve itirazlı geçerli oyların toplamı %s, ama geçerli oy toplamı %s yazılmış (%s).", l.Num(got), l.Num(want), moreLess(want-got))
	case sandik.RuleChoicesSum:
		return fmt.Sprintf("Geçerli oy toplamı partilerin toplamından %s.", moreLess(want-got))
	case sandik.RuleVotedSum:
		return fmt.Sprintf("Geçerli ve geçersiz oyların toplamı (%s) oy kullanan seçmen sayısından (%s) %s.", l.Num(got), l.Num(want), moreLess(got-want))
	case sandik.RuleUnknownBox:
		return "Böyle bir sandık yok."
	case sandik.RuleBoxNotInRace:
		return "Bu sandık bu seçime katılmıyor."
	case sandik.RuleUnknownRace:
		return "Böyle bir seçim yok."
	case sandik.RuleDuplicate:
		return "Bu gönderim kimliği başka bir tutanak için kullanılmış."
	}
	return p.Message
}
