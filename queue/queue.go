// Package queue lays out the coordinators' conflict queue: one page of
// the boxes in conflict, oldest first, optionally within one district,
// each named with its district, mahalle and school and aged. It is pure:
// it reads the registry and a queue the caller has already scoped to its
// user, and imports neither HTTP nor SQL.
package queue

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/tally"
)

// PageSize is how many boxes one page of the queue holds: enough to work
// through for a while, few enough that each comes with its entries and a
// slow phone lays the page out at once (fifty cost one 600 ms of layout).
const PageSize = 25

// Request is what a coordinator asks of the queue: a district ("" for
// all) and a page, from 1.
type Request struct {
	District sandik.AreaCode
	Page     int
}

// ParseRequest reads the queue's parameters as a page's query has them:
// ilce, a district's code, and page, a number from 1. Empty values mean
// every district and the first page. A code that is not a district, or a
// page that is not a positive number, is refused naming its field.
func ParseRequest(reg *sandik.Registry, district, page string) (Request, error) {
	req := Request{District: sandik.AreaCode(district), Page: 1}
	var ps []sandik.Problem
	if district != "" {
		if a, ok := reg.Area(req.District); !ok || a.Level != sandik.LevelIlce {
			ps = append(ps, sandik.Problem{Field: "ilce", Rule: sandik.RuleUnknownArea,
				Message: fmt.Sprintf("%q is not a district", district)})
		}
	}
	if page != "" {
		n, err := strconv.Atoi(page)
		if err != nil || n < 1 {
			ps = append(ps, sandik.Problem{Field: "page", Rule: sandik.RuleInvalidValue,
				Message: fmt.Sprintf("%q is not a page number (1, 2, …)", page)})
		}
		req.Page = n
	}
	if len(ps) > 0 {
		return Request{}, sandik.Invalid("the queue's parameters are not valid", ps)
	}
	return req, nil
}

// Item is one box of a page.
type Item struct {
	tally.Conflict
	District sandik.AreaCode
	Label    string        // "Adalar › Burgazada › Burgazada İlkokulu › Sandık 1001"
	Age      time.Duration // since the disagreement arose
}

// District is one district of the queue with its number of conflicts.
type District struct {
	Code  sandik.AreaCode
	Name  string
	Count int
}

// Page is one page of the queue.
type Page struct {
	Items []Item
	// Districts are those with a conflict in the whole queue, in Turkish
	// order: the filter offers nothing that would show an empty page.
	Districts []District
	District  sandik.AreaCode // the filter applied, "" for all
	Total     int             // conflicts in the whole queue
	Matching  int             // of them, within the filter
	Page      int             // from 1; a page past the end shows the last
	Pages     int             // at least 1
	First     int             // position of the first item shown, from 1 (0 when none)
	Last      int             // position of the last item shown
}

// Build lays out the page req asks for of all, the user's whole queue
// oldest first, at now.
func Build(reg *sandik.Registry, all []tally.Conflict, req Request, now time.Time) Page {
	pg := Page{District: req.District, Total: len(all)}
	counts := map[sandik.AreaCode]int{}
	var matching []Item
	for _, c := range all {
		d := DistrictOf(reg, c.Box)
		counts[d]++
		if req.District != "" && d != req.District {
			continue
		}
		matching = append(matching, Item{Conflict: c, District: d})
	}
	for code, n := range counts {
		a, _ := reg.Area(code)
		pg.Districts = append(pg.Districts, District{Code: code, Name: a.Name, Count: n})
	}
	collation.Sort(pg.Districts, func(d District) string { return d.Name + "\x00" + string(d.Code) })
	pg.Matching = len(matching)
	pg.Pages = max(1, (len(matching)+PageSize-1)/PageSize)
	pg.Page = min(max(req.Page, 1), pg.Pages)
	from := (pg.Page - 1) * PageSize
	to := min(from+PageSize, len(matching))
	if from < to {
		pg.First, pg.Last = from+1, to
	}
	pg.Items = matching[from:to]
	for i := range pg.Items {
		it := &pg.Items[i]
		it.Label = Label(reg, it.Box)
		it.Age = max(now.Sub(it.Since), 0)
	}
	return pg
}

// DistrictOf is the district a box lies in; "" for a box above any.
func DistrictOf(reg *sandik.Registry, box sandik.AreaCode) sandik.AreaCode {
	// Walked by hand rather than through Ancestors: a whole queue is
	// walked per page, and the list Ancestors builds is not needed.
	for a, ok := reg.Area(box); ok; a, ok = reg.Area(a.Parent) {
		if a.Level == sandik.LevelIlce {
			return a.Code
		}
		if a.Parent == "" {
			break
		}
	}
	return ""
}

// Label names a box with its places below the province, the way people
// find it: "Adalar › Burgazada › Burgazada İlkokulu › Sandık 1001".
func Label(reg *sandik.Registry, code sandik.AreaCode) string {
	a, _ := reg.Area(code)
	parts := []string{a.Name}
	for _, up := range reg.Ancestors(code) {
		p, _ := reg.Area(up)
		if p.Level <= sandik.LevelIl {
			break
		}
		parts = append(parts, p.Name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, " › ")
}

// Age says how long a conflict has waited, as a coordinator reads it at
// a glance: "12 dk", "2 sa 5 dk", "1 gün 3 sa".
func Age(lang msg.Lang, d time.Duration) string {
	m := int64(d / time.Minute)
	switch {
	case m < 1:
		return msg.T(lang, "age.now")
	case m < 60:
		return msg.F(lang, "age.min", strconv.FormatInt(m, 10))
	case m < 24*60:
		return msg.F(lang, "age.hour", strconv.FormatInt(m/60, 10), strconv.FormatInt(m%60, 10))
	}
	return msg.F(lang, "age.day", strconv.FormatInt(m/(24*60), 10), strconv.FormatInt(m/60%24, 10))
}
