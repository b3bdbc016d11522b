package pages

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/broker"
	"github.com/sandik-dev/sandik/center"
)

// The check-in desk, for a tablet at the door: one field for the
// delegate's number, the count against the quorum, the last arrivals;
// the counting committee's boxes; and the live results.

type deskView struct {
	base
	G                           sandik.Congress
	Desk                        string
	Present, Electorate, Needed int
	Reached                     bool
	Recent                      []string
	Done                        string
	Problems                    []string
}

func (p *Pages) deskPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.renderDesk(w, r, u, http.StatusOK, r.URL.Query().Get("masa"), r.URL.Query().Get("ok"), nil)
}

func (p *Pages) renderDesk(w http.ResponseWriter, r *http.Request, u sandik.User, status int, desk, done string, problems []string) error {
	ctx := r.Context()
	g, err := p.c.Congress(ctx, u, sandik.CongressID(r.PathValue("id")), true)
	if err != nil {
		return err
	}
	v := deskView{base: p.baseOf(r, u, "congress.desk.title"), G: g, Desk: desk, Problems: problems}
	if desk == "" {
		v.Desk = "masa-1"
	}
	if done != "" {
		v.Done = v.L.F("congress.desk.done", done)
	}
	if !g.Frozen.IsZero() {
		at, err := p.c.CongressAttendance(ctx, u, g.ID)
		if err != nil {
			return err
		}
		v.Present, v.Electorate, v.Needed, v.Reached = at.Present, at.Electorate, at.Needed, at.Reached
		for i := len(at.Checkins) - 1; i >= 0 && len(v.Recent) < 5; i-- {
			ck := at.Checkins[i]
			v.Recent = append(v.Recent, fmt.Sprintf("%s · %s · %s", v.L.Clock(ck.At), ck.Person, ck.Desk))
		}
	} else {
		v.Problems = append(v.Problems, v.L.T("congress.desk.notfrozen"))
	}
	return p.render(w, status, "congress_desk", v)
}

func (p *Pages) deskCheckIn(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := sandik.CongressID(r.PathValue("id"))
	person := sandik.PersonID(strings.TrimSpace(r.PostForm.Get("person")))
	desk := strings.TrimSpace(r.PostForm.Get("desk"))
	ck, err := p.c.CheckInDelegate(r.Context(), u, id, person, desk)
	if refused(err) {
		return p.renderDesk(w, r, u, http.StatusUnprocessableEntity, desk, "", congressProblems(p.langOf(r), err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, congressHref(id, "/giris?masa="+url.QueryEscape(desk)+"&ok="+url.QueryEscape(string(ck.Person))), http.StatusSeeOther)
	return nil
}

type countBox struct {
	Name, Status, Href string
}

type countContest struct {
	Title, Race string
	Boxes       []countBox
}

type countView struct {
	base
	G        sandik.Congress
	Contests []countContest
}

// countPage is the counting committee's: every open contest's boxes with
// their state; each links to the box's page, where entries are compared
// and a conflict adjudicated, and the sheets are typed on /entry.
func (p *Pages) countPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	g, err := p.c.Congress(ctx, u, sandik.CongressID(r.PathValue("id")), false)
	if err != nil {
		return err
	}
	ks, err := p.c.Contests(ctx, u, g.ID)
	if err != nil {
		return err
	}
	v := countView{base: p.baseOf(r, u, "congress.count.title"), G: g}
	view := p.c.View(u)
	for _, k := range ks {
		if k.Race == "" {
			continue
		}
		cc := countContest{Title: k.Title, Race: string(k.Race)}
		for n := 1; n <= g.Boxes; n++ {
			box := g.Box(n)
			st, err := view.Status(k.Race, box)
			status := statusText(v.L, st)
			if err != nil {
				status = "—"
			}
			cc.Boxes = append(cc.Boxes, countBox{Name: v.L.F("congress.box", n), Status: status, Href: "/races/" + url.PathEscape(string(k.Race)) + "/boxes/" + url.PathEscape(string(box))})
		}
		v.Contests = append(v.Contests, cc)
	}
	return p.render(w, http.StatusOK, "congress_count", v)
}

type resultRow struct {
	Key, Name, Camp, Votes, Place string
	Won                           bool
}

type resultView struct {
	Code, Title, Verified, Ballots, Approved, Seed string
	Open, CanApprove                               bool
	Rows                                           []resultRow
}

type campRow struct {
	Camp  string
	Seats int
}

type resultsView struct {
	base
	G       sandik.Congress
	Live    string
	Sig     string
	Fresh   string
	Results []resultView
	Camps   []campRow
	Write   bool
	Done    string
	Problem []string
}

func (p *Pages) congressResults(r *http.Request, u sandik.User) (resultsView, error) {
	ctx := r.Context()
	id := sandik.CongressID(r.PathValue("id"))
	g, err := p.c.Congress(ctx, u, id, false)
	if err != nil {
		return resultsView{}, err
	}
	rs, _, err := p.c.ContestResults(ctx, u, id)
	if err != nil {
		return resultsView{}, err
	}
	ks, err := p.c.Contests(ctx, u, id)
	if err != nil {
		return resultsView{}, err
	}
	v := resultsView{base: p.baseOf(r, u, "congress.results.title"), G: g, Live: congressHref(id, "/sonuclar/live"), Write: p.c.CongressAllow(ctx, u, g, true) == nil}
	v.Fresh = v.L.F("overview.updated", v.L.Clock(p.now()))
	var sig strings.Builder
	camps := map[string]int{}
	for i, res := range rs {
		rv := resultView{Code: res.Contest, Title: ks[i].Title, Open: res.Race != "", Verified: v.L.F("congress.verified", res.Verified, res.Boxes),
			Ballots: v.L.Num(res.Ballots), Seed: res.Seed}
		if !res.ApprovedAt.IsZero() {
			rv.Approved = v.L.Time(res.ApprovedAt)
		}
		rv.CanApprove = v.Write && rv.Open && rv.Approved == "" && res.Verified == res.Boxes
		place := map[sandik.ChoiceCode]string{}
		won := map[sandik.ChoiceCode]bool{}
		for _, e := range res.Winners {
			place[e.Choice] = v.L.F("congress.seat", e.Seat)
			won[e.Choice] = true
			camps[e.Camp]++
			fmt.Fprintf(&sig, "%s/%s/%d;", res.Contest, e.Person, e.Seat)
		}
		for _, e := range res.Substitutes {
			place[e.Choice] = v.L.F("congress.substitute", e.Substitute)
		}
		for j, c := range res.Choices {
			rv.Rows = append(rv.Rows, resultRow{Key: "v." + res.Contest + "." + string(c.Code), Name: c.Name, Votes: v.L.Num(res.Votes[j]), Place: place[c.Code], Won: won[c.Code]})
		}
		fmt.Fprintf(&sig, "%s:%s|", res.Contest, rv.Approved)
		v.Results = append(v.Results, rv)
	}
	for camp, n := range camps {
		if camp == "" {
			camp = "—"
		}
		v.Camps = append(v.Camps, campRow{camp, n})
	}
	v.Sig = strconv.FormatInt(int64(len(sig.String())), 36) + "-" + fmt.Sprintf("%x", hashString(sig.String()))
	return v, nil
}

func hashString(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func (p *Pages) resultsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v, err := p.congressResults(r, u)
	if err != nil {
		return err
	}
	v.Done = r.URL.Query().Get("ok")
	return p.render(w, http.StatusOK, "congress_results", v)
}

// liveResults streams the results page's figures as the tally moves.
func (p *Pages) liveResults(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if _, err := p.congressResults(r, u); err != nil {
		return err
	}
	l := p.langOf(r)
	key := "kongre|" + r.PathValue("id") + "|" + l.Code + "|" + string(u.Role)
	if u.Scoped() {
		key += "|" + string(u.ID)
	}
	return p.stream(w, r, u, key, func(ev broker.Event) (*livePayload, error) {
		v, err := p.congressResults(r, u)
		if err != nil {
			return nil, err
		}
		k := map[string]string{"fresh": l.F("overview.updated", l.Clock(ev.At))}
		for _, res := range v.Results {
			k["verified."+res.Code] = res.Verified
			k["ballots."+res.Code] = res.Ballots
			for _, row := range res.Rows {
				k[row.Key] = row.Votes
			}
		}
		return &livePayload{Seq: ev.Seq, Sig: v.Sig, Time: l.Clock(ev.At), K: k}, nil
	})
}

func (p *Pages) approveResult(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	id := sandik.CongressID(r.PathValue("id"))
	res, err := p.c.ApproveResult(r.Context(), u, id, r.PathValue("contest"))
	if refused(err) {
		v, verr := p.congressResults(r, u)
		if verr != nil {
			return verr
		}
		v.Problem = congressProblems(p.langOf(r), err)
		return p.render(w, http.StatusUnprocessableEntity, "congress_results", v)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, congressHref(id, "/sonuclar?ok="+url.QueryEscape(res.Contest)), http.StatusSeeOther)
	return nil
}

// congressExport answers the list of delegates (liste) or the delegates
// elected (secilenler) as CSV or XLSX, for the upper congress and the
// court's supervising board.
func (p *Pages) congressExport(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	id := sandik.CongressID(r.PathValue("id"))
	name, format, _ := strings.Cut(r.PathValue("file"), ".")
	var header []string
	var rows [][]any
	var err error
	switch name {
	case "liste":
		_, header, rows, err = p.c.ElectorateTable(r.Context(), u, id)
	case "secilenler":
		_, header, rows, err = p.c.ElectedTable(r.Context(), u, id)
	default:
		return sandik.Errorf(sandik.ENotFound, "no export %q", name)
	}
	if err != nil {
		return err
	}
	data, ctype, err := center.TableFile(format, header, rows)
	if err != nil {
		return sandik.Errorf(sandik.ENotFound, "no export %q", r.PathValue("file"))
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+string(id)+"-"+name+"."+format+`"`)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
	return nil
}

type printView struct {
	base
	G       sandik.Congress
	Header  []string
	Rows    [][]any
	Elected [][]any
	EHeader []string
	Printed string
}

// printPage is the list and the delegates elected on paper, for the
// court's supervising board.
func (p *Pages) printPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	id := sandik.CongressID(r.PathValue("id"))
	g, header, rows, err := p.c.ElectorateTable(r.Context(), u, id)
	if err != nil {
		return err
	}
	_, eh, er, err := p.c.ElectedTable(r.Context(), u, id)
	if err != nil {
		return err
	}
	v := printView{base: p.baseOf(r, u, "congress.print.title"), G: g, Header: header, Rows: rows, EHeader: eh, Elected: er}
	v.Printed = v.L.Time(p.now())
	return p.render(w, http.StatusOK, "congress_print", v)
}
