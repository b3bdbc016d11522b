package casefile

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/web/handler"
)

//go:embed petition.html
var petitionHTML string

var petitionTemplate = template.Must(template.New("petition").Parse(petitionHTML))

// MaxPetitionBoxes bounds the boxes printed in a petition's table; the
// rest are referred to an annex.
const MaxPetitionBoxes = 200

// cell is a figure of the petition's table; Diff marks an official
// figure that differs from the signed sheet, the one a board must see.
type cell struct {
	Text string
	Diff bool
}

type petitionBox struct {
	Code            sandik.AreaCode
	Label, Place    string
	Sheet, Official []cell // votes per choice, then invalid votes
}

// petitionText holds the petition's fixed words in its language.
type petitionText struct {
	Title, Print, PrintNote, Filer, Subject, Election, Deadline, Reference, Facts, Box, Source, Sheet, Official,
	Invalid, DiffNote, Legal, Evidence, NoEvidence, Request, Sign string
	Chain, ChainHelp, ChainNone, ChainPaper string
}

func petitionWords(lang msg.Lang, title string) petitionText {
	t := func(k string) string { return msg.T(lang, k) }
	return petitionText{Title: msg.F(lang, "pet.title", title), Print: t("pet.print"), PrintNote: t("pet.printnote"), Filer: t("pet.filer"),
		Subject: t("pet.subject"), Election: t("pet.election"), Deadline: t("pet.deadline"), Reference: t("pet.reference"), Facts: t("pet.facts"),
		Box: t("pet.box"), Source: t("pet.source"), Sheet: t("pet.sheet"), Official: t("pet.official"), Invalid: t("pet.invalid"),
		DiffNote: t("pet.diffnote"), Legal: t("pet.legal"), Evidence: t("pet.evidence"), NoEvidence: t("pet.evidence.no"),
		Request: t("pet.request"), Sign: t("pet.sign"),
		Chain: t("chain.title"), ChainHelp: t("chain.help"), ChainPaper: t("chain.paper_title")}
}

// Petition renders a case's petition (dilekçe) as a print-ready page,
// dated by now, in the reader's language (Turkish unless they chose
// English).
func Petition(c *center.Center, now func() time.Time) handler.UserFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		return petition(c, now(), w, r, u)
	}
}

func petition(ctr *center.Center, now time.Time, w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := CanManage(u); err != nil {
		return err
	}
	view := ctr.View(u)
	c, err := view.Case(r.Context(), itiraz.CaseID(r.PathValue("id")))
	if err != nil {
		return err
	}
	reg := view.Registry()
	rc, ok := reg.Race(c.Race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q of case %s no longer exists", c.Race, c.ID)
	}
	el, _ := reg.Election(rc.Election)
	lang := LangOf(r)
	loc := itiraz.Istanbul()
	data := struct {
		Lang                                    msg.Lang
		T                                       petitionText
		Case                                    *itiraz.Case
		Race                                    *sandik.Race
		Election                                sandik.Election
		Address, Deadline, Legal, Remedy, Today string
		More, Footer                            string
		Paragraphs                              []string
		Boxes                                   []petitionBox
		Chains                                  []Chain
	}{Lang: lang, T: petitionWords(lang, c.Title), Case: c, Race: rc, Election: el, Address: itiraz.Address(reg, c, lang),
		Remedy: msg.T(lang, "pet.remedy."+string(c.Remedy)), Today: Date(lang, now.In(loc)), Paragraphs: Paragraphs(c.Body),
		Footer: msg.F(lang, "pet.footer", c.ID, c.Version)}
	if !c.Deadline.IsZero() {
		d := c.Deadline.In(loc)
		data.Deadline = msg.F(lang, "pet.at", Date(lang, d), d.Format("15:04"))
	}
	if rule, ok := itiraz.RuleFor(ctr.DeadlineRules(), c.Board); ok {
		data.Legal = itiraz.LegalGround(rule, lang)
	}
	for i, b := range c.Boxes {
		if i == MaxPetitionBoxes {
			data.More = msg.F(lang, "pet.more", Number(lang, int64(len(c.Boxes)-i)))
			break
		}
		d, err := view.Box(r.Context(), c.Race, b)
		if err != nil {
			return err
		}
		pb := petitionBox{Code: b, Label: itiraz.BoxLabel(d.Area.Name, lang), Place: place(reg, b)}
		pb.Sheet, pb.Official = figures(lang, d.State.Resolved, d.State.Official, len(rc.Choices))
		data.Boxes = append(data.Boxes, pb)
	}
	if data.Chains, err = Chains(r.Context(), ctr, u, c, lang); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := petitionTemplate.Execute(&buf, data); err != nil {
		return fmt.Errorf("render petition of case %s: %w", c.ID, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// figures lays out a box's sheet and official figures side by side:
// votes per choice, then invalid votes. An official figure is marked
// when it differs from the sheet's, and only then.
func figures(lang msg.Lang, sheet, official *sandik.Tutanak, n int) (s, o []cell) {
	row := func(t *sandik.Tutanak) []int64 {
		if t == nil {
			return nil
		}
		v := make([]int64, 0, n+1)
		for i := range n {
			var x int64
			if i < len(t.Votes) {
				x = t.Votes[i]
			}
			v = append(v, x)
		}
		return append(v, t.Invalid)
	}
	sv, ov := row(sheet), row(official)
	for i := range n + 1 {
		sc, oc := cell{Text: "—"}, cell{Text: "—"}
		if sv != nil {
			sc.Text = Number(lang, sv[i])
		}
		if ov != nil {
			oc.Text = Number(lang, ov[i])
			oc.Diff = sv != nil && sv[i] != ov[i]
		}
		s, o = append(s, sc), append(o, oc)
	}
	return s, o
}

// place names where a box stands, below its district: "Levent".
func place(reg *sandik.Registry, box sandik.AreaCode) string {
	var parts []string
	for _, code := range reg.Ancestors(box) {
		a, ok := reg.Area(code)
		if !ok || a.Level == sandik.LevelIl || a.Level == sandik.LevelCountry {
			break
		}
		parts = append(parts, itiraz.TitleCase(a.Name))
	}
	return strings.Join(parts, ", ")
}

// Paragraphs splits a case's text at its blank lines; the lines inside a
// paragraph stay as written (the page keeps them with white-space).
func Paragraphs(body string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}
