package api

import (
	"fmt"
	"math"
	"net/http"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/handler"
)

// raceJSON is a race with its election, scope and choices in ballot order.
type raceJSON struct {
	Code     sandik.RaceCode `json:"code"`
	Name     string          `json:"name"`
	Election sandik.Election `json:"election"`
	Scope    sandik.Area     `json:"scope"`
	Choices  []sandik.Choice `json:"choices"`
	Boxes    int             `json:"boxes"` // boxes taking part
}

func raceOf(reg *sandik.Registry, rc *sandik.Race) raceJSON {
	e, _ := reg.Election(rc.Election)
	scope, _ := reg.Area(rc.Scope)
	return raceJSON{Code: rc.Code, Name: rc.Name, Election: e, Scope: scope, Choices: rc.Choices, Boxes: len(reg.RaceBoxes(rc.Code))}
}

// race looks up the race named in the URL.
func race(reg *sandik.Registry, r *http.Request) (*sandik.Race, error) {
	code := sandik.RaceCode(r.PathValue("race"))
	rc, ok := reg.Race(code)
	if !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "race %q does not exist", code)
	}
	return rc, nil
}

func (a *API) listRaces(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	reg := a.c.Registry()
	out := struct {
		Races []raceJSON `json:"races"`
	}{make([]raceJSON, 0, len(reg.Races))}
	for i := range reg.Races {
		out.Races = append(out.Races, raceOf(reg, &reg.Races[i]))
	}
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getRace(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	reg := a.c.Registry()
	rc, err := race(reg, r)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, raceOf(reg, rc))
	return nil
}

// totalsJSON is an area's live totals. Every one says it is unofficial
// and how many boxes are verified: Sandık adds up observers' copies of the
// sheets; only YSK's figures are official.
type totalsJSON struct {
	Unofficial    bool            `json:"unofficial"`
	Notice        string          `json:"notice"`
	Race          sandik.RaceCode `json:"race"`
	Choices       []sandik.Choice `json:"choices"` // label the vote arrays
	BoxesVerified int             `json:"boxes_verified"`
	BoxesExpected int             `json:"boxes_expected"`
	tally.AreaTotals
}

func (a *API) getTotals(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v := a.c.View(u)
	rc, err := race(v.Registry(), r)
	if err != nil {
		return err
	}
	area := sandik.AreaCode(r.PathValue("area"))
	at, err := v.Totals(rc.Code, area)
	if err != nil {
		return err
	}
	// What this reader was allowed is decided above, as for any read;
	// the cache only saves encoding it again (totals_cache.go).
	key := totalsKey{race: rc.Code, area: area, seesAll: u.Role.SeesAllEntries()}
	body, err := a.totals.body(key, v.Registry(), &at, func() ([]byte, error) {
		t := &at.Totals
		out := totalsJSON{
			Unofficial: true,
			Notice: fmt.Sprintf("Unofficial: added up from observers' copies of the result sheets; %d of %d boxes verified. Only the YSK's results are official.%s",
				t.BoxesVerified, t.BoxesExpected, blindNote(u)),
			Race: rc.Code, Choices: rc.Choices, BoxesVerified: t.BoxesVerified, BoxesExpected: t.BoxesExpected,
			AreaTotals: at,
		}
		return out.appendJSON(make([]byte, 0, totalsJSONSize(&out))), nil
	})
	if err != nil {
		return err
	}
	writeJSONBytes(w, body)
	return nil
}

// blindNote tells those who type sheets why provisional figures read zero.
func blindNote(u sandik.User) string {
	if u.Role.SeesAllEntries() {
		return ""
	}
	return " Double entry is blind: provisional figures and boxes pending or in conflict are not shown to those who type sheets."
}

// listConflicts lists a race's boxes in conflict, oldest first, within
// ?area= (the whole race when absent), at most ?limit= (100; up to 1000).
func (a *API) listConflicts(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v := a.c.View(u)
	rc, err := race(v.Registry(), r)
	if err != nil {
		return err
	}
	limit, err := handler.IntParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	after, err := handler.IntParam(r, "after", 0, 0, math.MaxInt64)
	if err != nil {
		return err
	}
	area := sandik.AreaCode(r.URL.Query().Get("area"))
	seq := v.Seq()
	// The queue is ordered by the entry that raised each conflict, so a
	// page goes on after the last one's seq even while earlier ones are
	// settled.
	cs, err := v.Conflicts(rc.Code, area, 0)
	if err != nil {
		return err
	}
	cs = slices.DeleteFunc(cs, func(c tally.Conflict) bool { return c.Seq <= int64(after) })
	var next *int64
	if len(cs) > limit {
		cs = cs[:limit]
		next = &cs[limit-1].Seq
	}
	if cs == nil {
		cs = []tally.Conflict{}
	}
	out := struct {
		Race      sandik.RaceCode  `json:"race"`
		Seq       int64            `json:"seq"`
		Conflicts []tally.Conflict `json:"conflicts"`
		// Next is the after= of the next page; absent on the last.
		Next *int64 `json:"next_after,omitempty"`
	}{rc.Code, seq, cs, next}
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}
