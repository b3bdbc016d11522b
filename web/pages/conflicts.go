package pages

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/broker"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/queue"
)

type conflictsView struct {
	base
	Count     string
	Range     string
	PageOf    string
	Boxes     []*boxPageView
	Districts []districtOption
	District  string // the filter applied
	Prev      string // link to the previous page, "" on the first
	Next      string
	Self      string // this page, without the confirmation
	Live      string
	Sig       string
	Fresh     string
	Done      string // the box just decided, named; "" if none
	Filtered  bool
}

type districtOption struct {
	Code, Text string
	Selected   bool
}

// queuePage reads the user's queue and lays out the page the request asks
// for: the whole queue is read (it is scoped to the user's areas by the
// view, and bounded by the race's boxes) so that the district counts and
// the page count are right.
func (p *Pages) queuePage(r *http.Request, u sandik.User, race sandik.RaceCode) (queue.Page, error) {
	req, err := queue.ParseRequest(p.c.Registry(), r.URL.Query().Get("ilce"), r.URL.Query().Get("page"))
	if err != nil {
		return queue.Page{}, err
	}
	all, err := p.c.View(u).Conflicts(race, "", 0)
	if err != nil {
		return queue.Page{}, err
	}
	return queue.Build(p.c.Registry(), all, req, p.now()), nil
}

// pageSig fingerprints the boxes a page shows, so that a live page says
// "changed" only when its own list did, not when a box elsewhere in the
// queue came or went.
func pageSig(pg queue.Page) string {
	h := fnv.New64a()
	for _, it := range pg.Items {
		fmt.Fprintf(h, "%s/%d;", it.Box, it.Seq)
	}
	return fmt.Sprintf("%x", h.Sum64())
}

// queueHref is the queue's address for a district and page.
func queueHref(race sandik.RaceCode, district sandik.AreaCode, page int) string {
	q := url.Values{}
	if district != "" {
		q.Set("ilce", string(district))
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	h := "/races/" + url.PathEscape(string(race)) + "/conflicts"
	if len(q) > 0 {
		h += "?" + q.Encode()
	}
	return h
}

// queueCount says how many conflicts wait, in the filter and in all.
func queueCount(l *lang, pg queue.Page) string {
	return l.F("conflicts.count", l.Int(pg.Total))
}

// queueRange says which of them the page shows; nothing when there are
// none (the page says so in words).
func queueRange(l *lang, pg queue.Page) string {
	if pg.Matching == 0 {
		return ""
	}
	return l.F("queue.range", l.Int(pg.First), l.Int(pg.Last), l.Int(pg.Matching))
}

// conflicts is the coordinators' queue: boxes whose entries disagree,
// oldest first, a page at a time, optionally within one district, each
// with its entries side by side and one-click adjudication.
func (p *Pages) conflicts(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.told(r, p.conflictsPage(w, r, u))
}

func (p *Pages) conflictsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race := sandik.RaceCode(r.PathValue("race"))
	rc, ok := p.c.Registry().Race(race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	pg, err := p.queuePage(r, u, race)
	if err != nil {
		return err
	}
	self := queueHref(race, pg.District, pg.Page)
	liveQ := url.Values{"ilce": {string(pg.District)}, "page": {strconv.Itoa(pg.Page)}}
	v := &conflictsView{base: p.baseOf(r, u, "conflicts.title"), Sig: pageSig(pg), Self: self,
		Live:     "/races/" + url.PathEscape(string(race)) + "/conflicts/live?" + liveQ.Encode(),
		District: string(pg.District), Filtered: pg.District != ""}
	v.Race = rc
	l := v.L
	v.Count = queueCount(l, pg)
	v.Range = queueRange(l, pg)
	v.PageOf = l.F("queue.page", l.Int(pg.Page), l.Int(pg.Pages))
	if pg.Page > 1 {
		v.Prev = queueHref(race, pg.District, pg.Page-1)
	}
	if pg.Page < pg.Pages {
		v.Next = queueHref(race, pg.District, pg.Page+1)
	}
	v.Districts = append(v.Districts, districtOption{Text: l.F("queue.all", l.Int(pg.Total)), Selected: pg.District == ""})
	for _, d := range pg.Districts {
		v.Districts = append(v.Districts, districtOption{Code: string(d.Code), Text: l.F("queue.district.n", d.Name, l.Int(d.Count)), Selected: d.Code == pg.District})
	}
	v.Fresh = l.F("overview.updated", l.Clock(p.now()))
	v.Done = p.decided(r, u)
	for _, it := range pg.Items {
		bv, err := p.boxOf(r, u, race, it.Box)
		if err != nil {
			return err
		}
		bv.base = v.base
		bv.AdjID = newClientID()
		bv.Back = self
		bv.Heading = true
		bv.Label = it.Label
		bv.Status = l.F("queue.waiting", queue.Age(msg.Of(l.Code), it.Age)) + " · " + l.T("since") + ": " + l.Time(it.Since)
		v.Boxes = append(v.Boxes, bv)
	}
	return p.render(w, http.StatusOK, "conflicts", v)
}

// decided names the box a decision was just recorded for (?done=box),
// if the user may read it; "" for none. A bare done=1 from an older page
// names no box.
func (p *Pages) decided(r *http.Request, u sandik.User) string {
	box := sandik.AreaCode(r.URL.Query().Get("done"))
	if box == "" {
		return ""
	}
	l := p.langOf(r)
	reg := p.c.Registry()
	if a, ok := reg.Area(box); !ok || a.Level != sandik.LevelSandik || reg.Allow(u, sandik.ActionReadBox, box) != nil {
		return l.T("adjudicate.done")
	}
	return l.F("queue.done", queue.Label(reg, box)+" ("+string(box)+")")
}

// liveConflicts streams the queue's length and the signature of the page
// the subscriber looks at (?ilce, ?page).
func (p *Pages) liveConflicts(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race := sandik.RaceCode(r.PathValue("race"))
	first, err := p.queuePage(r, u, race)
	if err != nil {
		return err
	}
	l := p.langOf(r)
	// Pages render once per key and version for every subscriber: a
	// district coordinator's queue is theirs alone, and each page of it
	// has its own signature. The key holds the checked, clamped request,
	// never the raw query.
	key := "c|" + string(race) + "|" + l.Code + "|" + string(first.District) + "|" + strconv.Itoa(first.Page)
	if u.Scoped() {
		key += "|" + string(u.ID)
	}
	return p.stream(w, r, u, key, func(ev broker.Event) (*livePayload, error) {
		pg, err := p.queuePage(r, u, race)
		if err != nil {
			return nil, err
		}
		return &livePayload{Seq: ev.Seq, Sig: pageSig(pg), Time: l.Clock(ev.At), K: map[string]string{
			"count": queueCount(l, pg), "range": queueRange(l, pg), "fresh": l.F("overview.updated", l.Clock(ev.At))}}, nil
	})
}
