package pages

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/web/casefile"
	"github.com/sandik-dev/sandik/web/handler"
)

// caseRow is a case as lists show it.
type caseRow struct {
	ID, Href, Title, Race, Board, Status, Deadline, Left string
	Due                                                  string // a draft's deadline (RFC 3339), which the page counts down to
	Boxes                                                int
	Late                                                 bool
}

type marginRow struct {
	Race, Pair                          string
	Counted, Recounted, IfOpen, IfFiled string
	AsDecided                           string
}

type casesView struct {
	base
	Made          string
	Held          []heldRow
	HeldNote      string
	Soon, Expired []caseRow
	Rest          []caseRow // every other case: each case is listed once
	Margins       []marginRow
}

// heldRow is a box a draft left out, with the case that holds it.
type heldRow struct{ Box, Href, Text string }

func (p *Pages) caseRow(l *lang, c *itiraz.Case, now time.Time) caseRow {
	reg := p.c.Registry()
	row := caseRow{ID: string(c.ID), Href: "/itiraz/" + url.PathEscape(string(c.ID)), Title: c.Title, Race: string(c.Race),
		Board: itiraz.BoardName(reg, c, msg.Of(l.Code)), Status: l.T("status." + string(c.Status)), Boxes: len(c.Boxes), Late: c.Late(now)}
	if rc, ok := reg.Race(c.Race); ok {
		row.Race = rc.Name
	}
	if !c.Deadline.IsZero() {
		row.Deadline = l.Time(c.Deadline)
		if c.Status == itiraz.StatusDraft {
			row.Left = leftText(l, c.Deadline.Sub(now))
			row.Due = c.Deadline.UTC().Format(time.RFC3339)
		}
	}
	return row
}

// leftText says how long is left, or how long ago it passed: hours and
// minutes within two days, days beyond.
func leftText(l *lang, d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	var s string
	switch h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute); {
	case h >= 48 && l.Code == "en":
		s = l.Num(h/24) + " days"
	case h >= 48:
		s = l.Num(h/24) + " gün"
	case l.Code == "en":
		s = strconv.FormatInt(h, 10) + " h " + strconv.FormatInt(m, 10) + " min"
	default:
		s = strconv.FormatInt(h, 10) + " sa " + strconv.FormatInt(m, 10) + " dk"
	}
	// The last two days count down by the second, as the page's script
	// writes them.
	if sec := int64(d % time.Minute / time.Second); !neg && d < 48*time.Hour {
		unit := " sn"
		if l.Code == "en" {
			unit = " s"
		}
		s += fmt.Sprintf(" %02d%s", sec, unit)
	}
	switch {
	case neg && l.Code == "en":
		return s + " ago"
	case neg:
		return s + " önce"
	}
	return s
}

// casesPage is the lawyers' board: what expires soon, what expired
// unfiled, every case, and each race's margin under its cases.
func (p *Pages) casesPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	view := p.c.View(u)
	cases, err := view.Cases(r.Context(), "")
	if err != nil {
		return err
	}
	v := &casesView{base: p.baseOf(r, u, "cases.title")}
	l := v.L
	now := p.now()
	if n := r.URL.Query().Get("made"); n != "" {
		if k, err := strconv.Atoi(n); err == nil {
			v.Made = l.F("cases.made", l.Int(k))
			if k == 0 {
				v.Made = l.T("cases.none.made")
			}
		}
	}
	if err := p.heldRows(r, view, v); err != nil {
		return err
	}
	board := itiraz.List(cases, now, 48*time.Hour)
	for _, c := range board.Soon {
		v.Soon = append(v.Soon, p.caseRow(l, c, now))
	}
	for _, c := range board.Expired {
		v.Expired = append(v.Expired, p.caseRow(l, c, now))
	}
	for _, c := range board.Rest {
		v.Rest = append(v.Rest, p.caseRow(l, c, now))
	}
	reg := view.Registry()
	var races []sandik.RaceCode
	for _, c := range cases {
		if !slices.Contains(races, c.Race) {
			races = append(races, c.Race)
		}
	}
	collation.Sort(races, func(rc sandik.RaceCode) string {
		if x, ok := reg.Race(rc); ok {
			return x.Name
		}
		return string(rc)
	})
	for _, race := range races {
		m, err := view.Margins(r.Context(), race, "", "")
		if err != nil || m.A == "" || m.B == "" {
			continue // a race of one choice has no margin
		}
		rc, _ := reg.Race(race)
		name := func(c sandik.ChoiceCode) string { return rc.Choices[rc.ChoiceIndex(c)].Name }
		v.Margins = append(v.Margins, marginRow{Race: rc.Name, Pair: name(m.A) + " − " + name(m.B),
			Counted: signed(l, m.Counted), Recounted: signed(l, m.AsRecounted), IfOpen: signed(l, m.IfOpenUpheld), IfFiled: signed(l, m.IfFiledUpheld), AsDecided: signed(l, m.AsDecided)})
	}
	return p.render(w, http.StatusOK, "cases", v)
}

type caseView struct {
	base
	Case                          *itiraz.Case
	Paragraphs                    []string
	Row                           caseRow
	Ground, Remedy, Created       string
	Boxes                         []flagRow
	Claim                         []claimRow
	History                       []historyRow
	Evidence                      []evidenceRow
	Chains                        []casefile.Chain
	Petition, Action, Upload      string
	Version                       int
	CanFile, CanDecide, CanAppeal bool
	CanWithdraw                   bool
	Choices                       []claimRow
}

type claimRow struct{ Name, Claim, Granted, Input string }

type historyRow struct{ When, User, What string }

type evidenceRow struct{ Name, Href, Size, Sum string }

// casePage shows one case with its history and the changes it allows.
func (p *Pages) casePage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	c, err := p.c.View(u).Case(r.Context(), itiraz.CaseID(r.PathValue("id")))
	if err != nil {
		return err
	}
	v := &caseView{base: p.baseOf(r, u, "nav.cases"), Case: c, Version: c.Version}
	l := v.L
	v.Title = c.Title
	v.Paragraphs = casefile.Paragraphs(c.Body)
	v.Row = p.caseRow(l, c, p.now())
	v.Ground, v.Remedy = l.T("ground."+string(c.Ground)), l.T("remedy."+string(c.Remedy))
	v.Created = l.Time(c.CreatedAt) + " · " + string(c.CreatedBy)
	esc := url.PathEscape(string(c.ID))
	v.Petition, v.Action, v.Upload = "/itiraz/"+esc+"/petition", "/itiraz/"+esc, "/itiraz/"+esc+"/evidence"
	v.CanFile = c.Status == itiraz.StatusDraft
	v.CanDecide = c.Status == itiraz.StatusFiled || c.Status == itiraz.StatusAppealed
	_, hasNext := c.Board.Next()
	v.CanAppeal = hasNext && (c.Status == itiraz.StatusRejected || c.Status == itiraz.StatusPartly)
	v.CanWithdraw = c.Status.Open()
	reg := p.c.Registry()
	if rc, ok := reg.Race(c.Race); ok {
		v.Race = rc
		for i, ch := range rc.Choices {
			row := claimRow{Name: ch.Name, Input: "granted" + strconv.Itoa(i)}
			if i < len(c.Claim) {
				row.Claim = signed(l, c.Claim[i])
			}
			if i < len(c.Granted) {
				row.Granted = signed(l, c.Granted[i])
			}
			v.Claim = append(v.Claim, row)
		}
	}
	for _, b := range c.Boxes {
		v.Boxes = append(v.Boxes, flagRow{Box: string(b), Name: boxName(reg, b, l), Href: areaHref(c.Race, b, sandik.LevelSandik)})
	}
	for _, e := range c.History {
		what := l.T("event." + string(e.Kind))
		switch e.Kind {
		case itiraz.EventDecided:
			what += ": " + l.T("status."+string(e.Outcome))
		case itiraz.EventEvidence:
			if e.Evidence != nil {
				what += ": " + e.Evidence.Name
			}
		case itiraz.EventWithdraw:
			what += ": " + e.Reason
		}
		v.History = append(v.History, historyRow{When: l.Time(e.At), User: string(e.User), What: what})
	}
	for _, ev := range c.Evidence {
		v.Evidence = append(v.Evidence, evidenceRow{Name: ev.Name, Href: "/evidence/" + ev.SHA256, Size: l.Num(ev.Size), Sum: ev.SHA256})
	}
	if v.Chains, err = casefile.Chains(r.Context(), p.c, u, c, msg.Of(l.Code)); err != nil {
		return err
	}
	return p.render(w, http.StatusOK, "case", v)
}

// changeCase records a change from the case page's forms.
func (p *Pages) changeCase(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(handler.EBadRequest, "unreadable form: %v", err)
	}
	f := r.PostForm
	version, err := strconv.Atoi(f.Get("version"))
	if err != nil {
		return sandik.Invalid("the form has no version", []sandik.Problem{{Field: "version", Rule: sandik.RuleRequired, Message: "reload the page"}})
	}
	ch := center.Change{Version: version, Kind: itiraz.EventKind(f.Get("kind")), Reference: strings.TrimSpace(f.Get("reference")),
		Outcome: itiraz.Status(f.Get("outcome")), Decision: f.Get("decision"), Reason: f.Get("reason")}
	if when := strings.TrimSpace(f.Get("when")); when != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", when, itiraz.Istanbul())
		if err != nil {
			return sandik.Invalid("bad time", []sandik.Problem{{Field: "when", Rule: sandik.RuleInvalidValue, Message: "give the time as YYYY-MM-DDTHH:MM"}})
		}
		ch.When = t
	}
	if ch.Outcome == itiraz.StatusPartly {
		for i := 0; f.Has("granted" + strconv.Itoa(i)); i++ {
			n, err := strconv.ParseInt(strings.TrimSpace(f.Get("granted"+strconv.Itoa(i))), 10, 64)
			if err != nil {
				return sandik.Invalid("bad number", []sandik.Problem{{Field: "granted" + strconv.Itoa(i), Rule: sandik.RuleInvalidValue, Message: "a whole number of votes"}})
			}
			ch.Granted = append(ch.Granted, n)
		}
	}
	c, err := p.c.ChangeCase(r.Context(), u, itiraz.CaseID(r.PathValue("id")), ch)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/itiraz/"+url.PathEscape(string(c.ID)), http.StatusSeeOther)
	return nil
}

// addEvidence takes one file from the case page's upload form.
func (p *Pages) addEvidence(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, itiraz.MaxEvidenceBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return sandik.Errorf(sandik.ETooLarge, "the upload could not be read (at most %d bytes): %v", itiraz.MaxEvidenceBytes, err)
	}
	defer r.MultipartForm.RemoveAll()
	version, err := strconv.Atoi(r.FormValue("version"))
	if err != nil {
		return sandik.Invalid("the form has no version", []sandik.Problem{{Field: "version", Rule: sandik.RuleRequired, Message: "reload the page"}})
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return sandik.Invalid("no file", []sandik.Problem{{Field: "file", Rule: sandik.RuleRequired, Message: "choose a file"}})
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, itiraz.MaxEvidenceBytes+1))
	if err != nil {
		return err
	}
	mt := hdr.Header.Get("Content-Type")
	if mt == "" {
		mt = "application/octet-stream"
	}
	c, err := p.c.AddEvidence(r.Context(), u, itiraz.CaseID(r.PathValue("id")), version, hdr.Filename, mt, data)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/itiraz/"+url.PathEscape(string(c.ID)), http.StatusSeeOther)
	return nil
}

// casesCSV exports every case for a spreadsheet, as the API's CSV.
func (p *Pages) casesCSV(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	cases, err := p.c.View(u).Cases(r.Context(), "")
	if err != nil {
		return err
	}
	now := p.now()
	board := itiraz.List(cases, now, 48*time.Hour)
	var out []casefile.Case
	for _, part := range [][]*itiraz.Case{board.Soon, board.Expired, board.Rest} {
		for _, c := range part {
			out = append(out, casefile.At(c, now))
		}
	}
	return casefile.WriteCSVIn(w, out, p.c.Registry(), msg.Of(p.langOf(r).Code))
}

// boxName names a box as a board reads it: "Levent, 2001 No.lu Sandık".
func boxName(reg *sandik.Registry, box sandik.AreaCode, l *lang) string {
	return itiraz.BoxName(reg, box, msg.Of(l.Code))
}

// heldRows lists the boxes a draft just left out (?held=, with ?race=)
// and the case that holds each now.
func (p *Pages) heldRows(r *http.Request, view *center.View, v *casesView) error {
	q := r.URL.Query()
	if q.Get("held") == "" {
		return nil
	}
	race := sandik.RaceCode(q.Get("race"))
	cases, err := view.Cases(r.Context(), race)
	if err != nil {
		return err
	}
	holders := center.Holders(cases)
	reg := view.Registry()
	l := v.L
	codes := strings.Split(q.Get("held"), " ")
	if len(codes) > maxHeldShown {
		codes = codes[:maxHeldShown]
	}
	for _, code := range codes {
		b := sandik.AreaCode(code)
		h, ok := holders[b]
		if !ok {
			continue // withdrawn meanwhile, or outside the user's cases
		}
		v.Held = append(v.Held, heldRow{Box: code, Href: "/itiraz/" + url.PathEscape(string(h.ID)),
			Text: l.F("cases.held.one", boxName(reg, b, l), h.ID)})
	}
	n, _ := strconv.Atoi(q.Get("nheld"))
	v.HeldNote = l.F("cases.held", l.Int(max(n, len(v.Held))))
	return nil
}

// maxHeldShown bounds the left-out boxes named on the board, which come
// in the address of the page.
const maxHeldShown = 100
