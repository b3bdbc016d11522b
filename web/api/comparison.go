package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web/comparefile"
	"github.com/sandik-dev/sandik/web/handler"
)

// comparisonBoxJSON is one box of a comparison with both sets of figures.
type comparisonBoxJSON struct {
	verify.Box
	Sheet    *sheetJSON `json:"sheet"`
	Official *sheetJSON `json:"official"`
}

type comparisonJSON struct {
	Unofficial bool            `json:"unofficial"`
	Race       sandik.RaceCode `json:"race"`
	Area       sandik.AreaCode `json:"area"`
	Seq        int64           `json:"seq"`
	Basis      verify.Basis    `json:"basis"`
	// A and B are the choices whose margin the effects refer to: a
	// positive effect means the official figures favour A over B more
	// than the sheets do.
	A        sandik.ChoiceCode `json:"a"`
	B        sandik.ChoiceCode `json:"b"`
	Choices  []sandik.Choice   `json:"choices"`
	Summary  verify.Summary    `json:"summary"`
	Children []verify.Summary  `json:"children"`
	// Total counts the boxes that pass the filter; Boxes is one page.
	Total  int                 `json:"total"`
	Offset int                 `json:"offset"`
	Boxes  []comparisonBoxJSON `json:"boxes"`
}

// getComparison compares an area's sheets with the official figures.
// Query: basis (verified|provisional), a and b (choice codes; the two
// leaders by default), outcome (comma-separated filter), sort (outcome,
// margin, votes, box), limit (100, up to 10000), offset, format=csv with
// lang=tr|en for every filtered box as CSV.
func (a *API) getComparison(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	basis, err := verify.ParseBasis(q.Get("basis"))
	if err != nil {
		return err
	}
	if basis == verify.BasisProvisional && !u.Role.SeesAllEntries() {
		// A first entry is still blind to the other typists.
		return sandik.Errorf(sandik.EForbidden, "only coordinators, admins and lawyers may compare provisional sheets; use basis=verified")
	}
	key, err := verify.ParseSort(q.Get("sort"))
	if err != nil {
		return err
	}
	var keep []verify.Outcome
	if v := q.Get("outcome"); v != "" {
		for _, name := range strings.Split(v, ",") {
			o, err := verify.ParseOutcome(strings.TrimSpace(name))
			if err != nil {
				return err
			}
			keep = append(keep, o)
		}
	}
	limit, err := handler.IntParam(r, "limit", 100, 1, 10000)
	if err != nil {
		return err
	}
	offset, err := handler.IntParam(r, "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return handler.BadParam("format", "must be json or csv (got %q)", format)
	}
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	v := a.c.View(u)
	rep, seq, err := v.Compare(race, area, verify.Options{Basis: basis, A: sandik.ChoiceCode(q.Get("a")), B: sandik.ChoiceCode(q.Get("b"))})
	if err != nil {
		return err
	}
	rc, _ := v.Registry().Race(race)
	boxes := verify.Filter(rep.Boxes, keep...)
	verify.Sort(boxes, key)
	if format == "csv" {
		lang := q.Get("lang")
		if lang != "" && lang != "tr" && lang != "en" {
			return handler.BadParam("lang", "must be tr or en (got %q)", lang)
		}
		// The same spreadsheet as the comparison page's: semicolons, words
		// in the reader's language, the case holding each box.
		name := func(c sandik.ChoiceCode) string {
			if i := rc.ChoiceIndex(c); i >= 0 {
				return rc.Choices[i].Name
			}
			return string(c)
		}
		sheet := comparefile.Sheet{Race: rc, A: name(rep.A), B: name(rep.B)}
		if u.Role.CanManageCases() {
			cases, err := v.Cases(r.Context(), race)
			if err != nil {
				return err
			}
			sheet.Holders = center.Holders(cases)
		}
		data, err := sheet.CSV(msg.Of(lang), boxes)
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="comparison-%s-%s.csv"`, handler.SafeName(string(race)), handler.SafeName(string(area))))
		h.Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		w.Write(data)
		return nil
	}
	out := comparisonJSON{Unofficial: true, Race: race, Area: area, Seq: seq, Basis: basis, A: rep.A, B: rep.B, Choices: rc.Choices,
		Summary: rep.Summary, Children: rep.Children, Total: len(boxes), Offset: offset, Boxes: []comparisonBoxJSON{}}
	for i := offset; i < len(boxes) && i < offset+limit; i++ {
		b := boxes[i]
		out.Boxes = append(out.Boxes, comparisonBoxJSON{Box: b, Sheet: sheetOf(b.Sheet, rc), Official: sheetOf(b.Official, rc)})
	}
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}
