package pages

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/broker"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/queue"
	"github.com/sandik-dev/sandik/refusal"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/handler"
)

// boxPageView is one box of one race: every entry side by side, field by
// field, with the fields where they disagree marked.
type boxPageView struct {
	base
	Area    sandik.Area
	Crumbs  []crumb
	Status  string
	Entries []entryCol
	Rows    []fieldRow
	Blind   bool
	Diffs   int
	Live    string
	Sig     string
	AdjID   string // client id of an adjudication made from this page
	Back    string
	Done    string // the confirmation of a decision just recorded
	Fresh   string
	Heading bool   // in the conflict queue: name the box above its table
	Href    string // the box's own page
	Label   string // the box with its district, mahalle and school
	// OfficialDiff lists, when the published figures differ from the
	// box's sheet, each field that differs with both figures.
	OfficialDiff []string
	// Recount is the box's recount status and decision, RecountMoved each
	// figure its settled recount moved.
	Recount      string
	RecountMoved []string

	// Versions links the box's official versions with their provenance
	// (feed.go), for those who see every entry.
	Versions string

	// The box's chain of custody and the photos of its sheet for the
	// race (keying.go); CustodyWrite when the user may add to the chain.
	Custody      []custodyRow
	CustodyWrite bool
	Places       []placeOption
	Photos       []photoLink
	Now          string
}

type placeOption struct{ Value, Label string }

type entryCol struct {
	Seq                           int64
	User, Source, Kind, Reason    string
	Received, Captured, Warnings  string
	Superseded, Official, Counted bool
	Recount                       bool
}

type fieldRow struct {
	Label  string
	Values []string
	Differ bool
	Res    string // the settled figure
}

// sheetRows lists the figures of a sheet in paper order with labels.
var sheetLabels = []string{"registered", "voted_by_law", "voted", "valid_without", "valid_upon", "valid_total", "invalid_total"}

func statusText(l *lang, st sandik.BoxStatus) string { return l.T("status." + st.String()) }

// boxOf builds the view of a box; blind views show only u's own entries.
func (p *Pages) boxOf(r *http.Request, u sandik.User, race sandik.RaceCode, box sandik.AreaCode) (*boxPageView, error) {
	l := p.langOf(r)
	view := p.c.View(u)
	d, err := view.Box(r.Context(), race, box)
	if err != nil {
		return nil, err
	}
	reg := view.Registry()
	v := &boxPageView{Area: d.Area, Href: areaHref(race, box, sandik.LevelSandik), Status: statusText(l, d.State.Status), Blind: !u.Role.CanAdjudicate(),
		Live: "/races/" + url.PathEscape(string(race)) + "/boxes/" + url.PathEscape(string(box)) + "/live"}
	for _, a := range reg.Ancestors(box) {
		if !reg.Contains(d.Race.Scope, a) {
			break
		}
		an, _ := reg.Area(a)
		v.Crumbs = append([]crumb{{an.Name, areaHref(race, a, an.Level)}}, v.Crumbs...)
	}
	var shown []*sandik.Submission
	for i := range d.Entries {
		e := &d.Entries[i]
		if v.Blind && e.User != u.ID {
			continue
		}
		shown = append(shown, e)
		col := entryCol{Seq: e.Seq, User: string(e.User), Source: l.T("source." + string(e.Source)), Kind: l.T("kind." + e.Kind.String()), Reason: e.Reason,
			Received: l.Time(e.ReceivedAt), Captured: l.Time(e.CapturedAt), Warnings: strings.Join(refusal.Warnings(msg.Of(l.Code), e.Warnings), ", "),
			Superseded: d.State.Superseded(e), Official: e.Source == sandik.SourceOfficial, Recount: e.Source == sandik.SourceRecount}
		col.Counted = e.Kind == sandik.KindEntry && !col.Superseded && !col.Official && !col.Recount
		v.Entries = append(v.Entries, col)
	}
	v.Label = queue.Label(reg, box)
	if u.Role.SeesAllEntries() {
		v.Versions = versionsHref(race, box)
	}
	v.OfficialDiff = officialDiff(l, d.Race, &d.State)
	v.Recount, v.RecountMoved = recountOf(l, d.Race, &d.State)
	if len(v.OfficialDiff) > 0 {
		v.Status = l.F("box.status.and", v.Status, l.T("box.official.diff"))
	}
	v.Sig = fmt.Sprintf("%d:%s", len(d.Entries), d.State.Status)
	add := func(label string, get func(*sandik.Tutanak) int64) {
		row := fieldRow{Label: label}
		for i, e := range shown {
			n := get(&e.Sheet)
			row.Values = append(row.Values, l.Num(n))
			// Official figures and recounts are other counts of the box:
			// they differ from the night's sheets without a typing error.
			if i > 0 && n != get(&shown[0].Sheet) && !v.Entries[i].Official && !v.Entries[0].Official && !v.Entries[i].Recount && !v.Entries[0].Recount {
				row.Differ = true
			}
		}
		if d.State.Resolved != nil {
			row.Res = l.Num(get(d.State.Resolved))
		}
		if row.Differ {
			v.Diffs++
		}
		v.Rows = append(v.Rows, row)
	}
	for i, f := range sandik.SheetFields {
		add(l.T(sheetLabels[i]), f.Get)
	}
	for i, c := range d.Race.Choices {
		add(c.Name, func(t *sandik.Tutanak) int64 {
			if i < len(t.Votes) {
				return t.Votes[i]
			}
			return 0
		})
	}
	return v, nil
}

// officialDiff compares a box's published figures with its sheet: the
// settled one, or the first entry while the box waits (nil for those who
// type sheets: they see no sheet but their own). Each field that differs
// is named with both figures; nothing when either is missing. A partial
// official source is compared on the votes and their total only, the
// fields it carries.
func officialDiff(l *lang, rc *sandik.Race, st *tally.BoxState) []string {
	sheet := st.Resolved
	if sheet == nil {
		sheet = st.Provisional
	}
	off := st.Official
	if sheet == nil || off == nil {
		return nil
	}
	partial := st.OfficialWarnings&sandik.WarnPartial != 0
	var out []string
	row := func(label string, o, s int64) {
		if o != s {
			out = append(out, l.F("box.official.row", label, l.Num(o), l.Num(s)))
		}
	}
	for i, f := range sandik.SheetFields {
		if partial && f.Name != "valid_total" {
			continue
		}
		row(l.T(sheetLabels[i]), f.Get(off), f.Get(sheet))
	}
	for i, c := range rc.Choices {
		var o, s int64
		if i < len(off.Votes) {
			o = off.Votes[i]
		}
		if i < len(sheet.Votes) {
			s = sheet.Votes[i]
		}
		row(c.Name, o, s)
	}
	return out
}

// newClientID returns a random id for a submission made from a page.
func newClientID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "web-" + hex.EncodeToString(b)
}

// boxPage shows one box in one race.
func (p *Pages) boxPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.told(r, p.boxPageOf(w, r, u))
}

func (p *Pages) boxPageOf(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, box := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("box"))
	v, err := p.boxOf(r, u, race, box)
	if err != nil {
		return err
	}
	v.base = p.baseOf(r, u, "boxes")
	v.base.Race, _ = p.c.Registry().Race(race)
	v.Title = v.Area.Name + " · " + v.base.Race.Name
	v.AdjID = newClientID()
	v.Back = r.URL.Path
	v.Done = p.decided(r, u)
	l := v.base.L
	if err := p.custodyOf(r, u, v, race, box); err != nil {
		return err
	}
	v.Fresh = l.F("overview.updated", l.Clock(p.now()))
	return p.render(w, http.StatusOK, "box", v)
}

// liveBox streams a box's status; a changed signature means new entries.
func (p *Pages) liveBox(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, box := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("box"))
	// Renderings are shared by key, so the user's right to the box is
	// checked here, not by whoever rendered first.
	if err := p.c.Registry().Allow(u, sandik.ActionReadBox, box); err != nil {
		return err
	}
	l := p.langOf(r)
	// Blind views differ per user: their key names the user.
	key := "b|" + string(race) + "|" + string(box) + "|" + l.Code + "|" + string(u.Role)
	if !u.Role.CanAdjudicate() {
		key += "|" + string(u.ID)
	}
	return p.stream(w, r, u, key, func(ev broker.Event) (*livePayload, error) {
		v, err := p.boxOf(r, u, race, box)
		if err != nil {
			return nil, err
		}
		return &livePayload{Seq: ev.Seq, Sig: v.Sig, Time: l.Clock(ev.At),
			K: map[string]string{"status": v.Status, "fresh": l.F("overview.updated", l.Clock(ev.At))}}, nil
	})
}

// adjudicate records a coordinator's choice of one entry as the box's
// figures, with a reason. The form carries a client id made when the page
// was drawn, so a double click or a resent form counts once.
func (p *Pages) adjudicate(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.told(r, p.decide(w, r, u))
}

func (p *Pages) decide(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, box := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("box"))
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(handler.EBadRequest, "could not read the form: %v", err)
	}
	seq, err := strconv.ParseInt(r.PostFormValue("entry"), 10, 64)
	if err != nil {
		return sandik.Invalid("no entry chosen", []sandik.Problem{{Field: "entry", Rule: sandik.RuleRequired, Message: "choose the entry to accept"}})
	}
	d, err := p.c.View(u).Box(r.Context(), race, box)
	if err != nil {
		return err
	}
	var chosen *sandik.Submission
	for i := range d.Entries {
		if d.Entries[i].Seq == seq {
			chosen = &d.Entries[i]
		}
	}
	if chosen == nil {
		return sandik.Invalid("unknown entry", []sandik.Problem{{Field: "entry", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("box %s has no entry #%d", box, seq)}})
	}
	in := inputOf(chosen, d.Race)
	in.ID = sandik.SubmissionID(r.PostFormValue("id"))
	in.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	rec, err := p.c.Adjudicate(r.Context(), u, in)
	if err != nil {
		return err
	}
	// The page it goes back to is drawn from the tally: wait (briefly)
	// until the tally holds the decision, so that the queue no longer
	// lists the box just decided. Past the wait the page still comes,
	// and its live stream brings the change.
	wctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	_ = p.c.WaitFor(wctx, rec.Seq)
	cancel()
	back := localPath(r.PostFormValue("back"))
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	// The page it goes back to names the box decided: in a queue of
	// hundreds, "recorded" alone does not say which.
	http.Redirect(w, r, back+sep+"done="+url.QueryEscape(string(box)), http.StatusSeeOther)
	return nil
}

// inputOf turns a stored entry back into a sheet to submit.
func inputOf(e *sandik.Submission, rc *sandik.Race) sandik.SheetInput {
	t := e.Sheet.Clone()
	in := sandik.SheetInput{Race: e.Race, Box: e.Box, Source: sandik.SourceEntry,
		Registered: &t.Registered, VotedByLaw: &t.VotedByLaw, Voted: &t.Voted,
		ValidWithoutObjection: &t.ValidWithoutObjection, ValidUponObjection: &t.ValidUponObjection,
		ValidTotal: &t.ValidTotal, Invalid: &t.Invalid, Votes: map[sandik.ChoiceCode]*int64{}}
	for i, c := range rc.Choices {
		if i < len(t.Votes) {
			in.Votes[c.Code] = &t.Votes[i]
		}
	}
	return in
}

// photoLink is one sheet photo on the box page: served here, or, for a
// reference (an observer network's image_url), the address elsewhere.
type photoLink struct {
	Href, Label string
	External    bool
}

// hostOf is the host of an address already checked by
// sandik.PhotoURL, for the label of a link out.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Host
}

// custodyOf fills the box page's chain of custody and sheet photos.
func (p *Pages) custodyOf(r *http.Request, u sandik.User, v *boxPageView, race sandik.RaceCode, box sandik.AreaCode) error {
	ctx, l := r.Context(), v.base.L
	chain, err := p.c.Custody(ctx, u, box)
	if err != nil {
		return err
	}
	for _, e := range chain {
		v.Custody = append(v.Custody, custodyRow{N: e.Seq, Copy: e.Copy, Holder: e.Holder, Place: l.T("custody.place." + string(e.Place)),
			At: l.Time(e.At), Note: e.Note, By: string(e.By)})
	}
	reg := p.c.Registry()
	v.CustodyWrite = reg.Allow(u, sandik.ActionSubmit, box) == nil || reg.Allow(u, sandik.ActionHandleCases, box) == nil
	for _, pl := range sandik.CustodyPlaces() {
		v.Places = append(v.Places, placeOption{string(pl), l.T("custody.place." + string(pl))})
	}
	v.Now = p.now().In(sandik.Istanbul()).Format("2006-01-02T15:04")
	ps, err := p.c.SheetPhotos(ctx, u, race, box)
	if err != nil {
		return err
	}
	for _, ph := range ps {
		if ph.URL != "" {
			// Kept elsewhere: a link out, the address shown, never an image
			// loaded from another server into the page.
			v.Photos = append(v.Photos, photoLink{Href: ph.URL, Label: l.F("custody.photo_elsewhere", ph.Sum[:12], hostOf(ph.URL)), External: true})
			continue
		}
		v.Photos = append(v.Photos, photoLink{Href: "/api/v1/photos/" + ph.Sum, Label: l.F("custody.photo", ph.Sum[:12])})
	}
	return nil
}
