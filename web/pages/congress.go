package pages

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
)

// A congress's organiser page: its list of delegates (computed until
// frozen), its contests with every version of their lists, and the
// forms that freeze the list, add a contest or a list version and open a
// contest's count.

type electorRow struct {
	N                                  int
	Person, Name, Basis, Replaces, Box string
	Present                            bool
}

type versionRow struct {
	Code, Name, Camp, Version, Candidates, SubmittedBy, At string
	Current                                                bool
}

type contestView struct {
	Code, Title, Kind, Ballot, Seats, Race string
	Open                                   bool
	Versions                               []versionRow
}

type congressView struct {
	base
	G                          sandik.Congress
	Unit, Level                string
	Write, Frozen              bool
	FrozenAt                   string
	Electors                   []electorRow
	Present, Needed, Electoral int
	Reached                    bool
	QuorumSource               string
	Contests                   []contestView
	Kinds                      []kindOption
	Ballots                    []kindOption
	Ties                       []kindOption
	Form                       url.Values
	Problems                   []string
	Done                       string
}

func (p *Pages) congressPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.renderCongress(w, r, u, http.StatusOK, nil, nil)
}

func (p *Pages) renderCongress(w http.ResponseWriter, r *http.Request, u sandik.User, status int, form url.Values, problems []string) error {
	ctx := r.Context()
	id := sandik.CongressID(r.PathValue("id"))
	g, es, err := p.c.Electorate(ctx, u, id)
	if err != nil {
		return err
	}
	v := congressView{base: p.baseOf(r, u, "congress.title"), G: g, Form: form, Problems: problems, Frozen: !g.Frozen.IsZero(),
		Write: p.c.CongressAllow(ctx, u, g, true) == nil, Level: p.langOf(r).T("congress.level." + string(g.Level)), QuorumSource: g.Quorum.Source}
	v.Title = g.Title
	if un, err := p.c.Org().Unit(ctx, g.Unit); err == nil {
		v.Unit = un.Name
	}
	present := map[sandik.PersonID]bool{}
	if v.Frozen {
		v.FrozenAt = v.L.Time(g.Frozen)
		at, err := p.c.CongressAttendance(ctx, u, id)
		if err != nil {
			return err
		}
		for _, ck := range at.Checkins {
			present[ck.Person] = true
		}
		v.Present, v.Needed, v.Reached = at.Present, at.Needed, at.Reached
	}
	v.Electoral = len(es)
	for i, e := range es {
		v.Electors = append(v.Electors, electorRow{N: i + 1, Person: string(e.Person), Name: e.Name, Basis: v.L.T("congress.basis." + string(e.Basis)),
			Replaces: string(e.Replaces), Box: strconv.Itoa(e.Box), Present: present[e.Person]})
	}
	ks, err := p.c.Contests(ctx, u, id)
	if err != nil {
		return err
	}
	vs, err := p.c.Lists(ctx, u, id)
	if err != nil {
		return err
	}
	current := sandik.CurrentLists(vs)
	for _, k := range ks {
		cv := contestView{Code: k.Code, Title: k.Title, Kind: v.L.T("congress.kind." + string(k.Kind)), Ballot: v.L.T("congress.ballot." + string(k.Ballot)),
			Seats: strconv.Itoa(k.Seats), Race: string(k.Race), Open: k.Race != ""}
		for _, l := range vs {
			if l.Contest != k.Code {
				continue
			}
			names := make([]string, len(l.Candidates))
			for i, c := range l.Candidates {
				names[i] = c.Name
			}
			cur := slices.ContainsFunc(current, func(c sandik.CandidateList) bool {
				return c.Contest == l.Contest && c.Code == l.Code && c.Version == l.Version
			})
			cv.Versions = append(cv.Versions, versionRow{Code: l.Code, Name: l.Name, Camp: l.Camp, Version: strconv.Itoa(l.Version),
				Candidates: strings.Join(names, ", "), SubmittedBy: string(l.SubmittedBy), At: v.L.Time(l.SubmittedAt), Current: cur})
		}
		v.Contests = append(v.Contests, cv)
	}
	for _, k := range []sandik.ContestKind{sandik.ContestChair, sandik.ContestBoard, sandik.ContestDelegates} {
		v.Kinds = append(v.Kinds, kindOption{string(k), v.L.T("congress.kind." + string(k))})
	}
	for _, b := range []sandik.BallotKind{sandik.BallotSingle, sandik.BallotBlock, sandik.BallotCarsaf} {
		v.Ballots = append(v.Ballots, kindOption{string(b), v.L.T("congress.ballot." + string(b))})
	}
	for _, t := range []sandik.TieRule{sandik.TieLot, sandik.TieAge, sandik.TieListOrder} {
		v.Ties = append(v.Ties, kindOption{string(t), v.L.T("congress.tie." + string(t))})
	}
	return p.render(w, status, "congress", v)
}

// congressAction runs one of the organiser page's forms and goes back to
// the page, or shows the refusal beside the forms.
func (p *Pages) congressAction(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	ctx := r.Context()
	id := sandik.CongressID(r.PathValue("id"))
	f := r.PostForm
	var err error
	switch r.PathValue("action") {
	case "liste":
		_, _, err = p.c.FreezeElectorate(ctx, u, id)
	case "yarisma":
		seats, _ := strconv.Atoi(f.Get("seats"))
		subs, _ := strconv.Atoi(f.Get("substitutes"))
		_, err = p.c.AddContest(ctx, u, sandik.Contest{Congress: id, Code: strings.TrimSpace(f.Get("code")), Title: strings.TrimSpace(f.Get("title")),
			Kind: sandik.ContestKind(f.Get("kind")), Ballot: sandik.BallotKind(f.Get("ballot")), Seats: seats, Substitutes: subs, Tie: sandik.TieRule(f.Get("tie"))})
	case "aday":
		l := sandik.CandidateList{Congress: id, Contest: f.Get("contest"), Code: strings.TrimSpace(f.Get("code")), Name: strings.TrimSpace(f.Get("name")),
			Camp: strings.TrimSpace(f.Get("camp")), SubmittedBy: sandik.PersonID(strings.TrimSpace(f.Get("submitted_by"))), Withdrawn: f.Get("withdrawn") != ""}
		l.Candidates, err = p.listCandidates(r, f.Get("candidates"))
		if err == nil {
			_, err = p.c.AppendList(ctx, u, l)
		}
	case "sayim":
		_, err = p.c.OpenCounting(ctx, u, id, f.Get("contest"))
	default:
		return sandik.Errorf(sandik.ENotFound, "no such form")
	}
	if refused(err) {
		return p.renderCongress(w, r, u, http.StatusUnprocessableEntity, f, congressProblems(p.langOf(r), err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, congressHref(id, ""), http.StatusSeeOther)
	return nil
}

// listCandidates reads a list's candidates, a line each: the person's id and
// optionally their birth day ("k-12 1970-05-01"); names come from the
// people's records.
func (p *Pages) listCandidates(r *http.Request, text string) ([]sandik.ListCandidate, error) {
	var out []sandik.ListCandidate
	var ids []sandik.PersonID
	for line := range strings.Lines(text) {
		fs := strings.Fields(line)
		if len(fs) == 0 {
			continue
		}
		c := sandik.ListCandidate{Person: sandik.PersonID(fs[0])}
		if len(fs) > 1 {
			c.Born = sandik.Date(fs[1])
		}
		out = append(out, c)
		ids = append(ids, c.Person)
	}
	people, err := p.c.Org().People(r.Context(), sandik.PeopleFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Name = string(out[i].Person)
		for _, pe := range people {
			if pe.ID == out[i].Person && pe.Name != "" {
				out[i].Name = pe.Name
			}
		}
	}
	return out, nil
}
