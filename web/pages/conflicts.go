package pages

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/broker"
)

// conflictsShown bounds the boxes the queue shows at once, oldest first:
// a coordinator works from the top.
const conflictsShown = 10

type conflictsView struct {
	base
	Count string
	Boxes []*boxPageView
	Live  string
	Sig   string
	Fresh string
	Done  bool
}

// conflictSig fingerprints the queue so that a live page knows when its
// list is out of date.
func (p *Pages) conflictSig(u sandik.User, race sandik.RaceCode) (sig string, n int, err error) {
	cs, err := p.c.View(u).Conflicts(race, "", 0)
	if err != nil {
		return "", 0, err
	}
	h := fnv.New64a()
	for _, c := range cs {
		fmt.Fprintf(h, "%s/%d;", c.Box, c.Seq)
	}
	return fmt.Sprintf("%x", h.Sum64()), len(cs), nil
}

// conflicts is the coordinators' queue: boxes whose entries disagree,
// oldest first, each with its entries side by side and one-click
// adjudication.
func (p *Pages) conflicts(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race := sandik.RaceCode(r.PathValue("race"))
	rc, ok := p.c.Registry().Race(race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	cs, err := p.c.View(u).Conflicts(race, "", conflictsShown)
	if err != nil {
		return err
	}
	sig, n, err := p.conflictSig(u, race)
	if err != nil {
		return err
	}
	v := &conflictsView{base: p.baseOf(r, u, "conflicts.title"), Sig: sig,
		Live: "/races/" + url.PathEscape(string(race)) + "/conflicts/live", Done: r.URL.Query().Get("done") == "1"}
	v.Race = rc
	l := v.L
	v.Count = l.F("conflicts.count", l.Int(n))
	v.Fresh = l.F("fresh", l.Num(p.c.Seq()), l.Clock(p.now()))
	for _, c := range cs {
		bv, err := p.boxOf(r, u, race, c.Box)
		if err != nil {
			return err
		}
		bv.base = v.base
		bv.AdjID = newClientID()
		bv.Back = r.URL.Path
		bv.Heading = true
		bv.Status = l.T("since") + ": " + l.Time(c.Since)
		v.Boxes = append(v.Boxes, bv)
	}
	return p.render(w, http.StatusOK, "conflicts", v)
}

// liveConflicts streams the queue's length and signature.
func (p *Pages) liveConflicts(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race := sandik.RaceCode(r.PathValue("race"))
	l := p.langOf(r)
	// Pages render once per key and version for every subscriber: a
	// district coordinator's queue is theirs alone.
	key := "c|" + string(race) + "|" + l.Code
	if u.Scoped() {
		key += "|" + string(u.ID)
	}
	return p.stream(w, r, u, key, func(ev broker.Event) (*livePayload, error) {
		sig, n, err := p.conflictSig(u, race)
		if err != nil {
			return nil, err
		}
		return &livePayload{Seq: ev.Seq, Sig: sig, Time: l.Clock(ev.At), K: map[string]string{
			"count": l.F("conflicts.count", l.Int(n)), "fresh": l.F("fresh", l.Num(ev.Seq), l.Clock(ev.At))}}, nil
	})
}
