package center

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/verify"
)

// Drafting cases from a comparison lives here, beside the comparison,
// rather than in package itiraz: the objection rules then need nothing
// of verification, and neither does a store that keeps cases.

// Held is a box left out of a new case because an open case of the same
// race already holds it: two cases about one box would ask a board twice
// and count the box twice in the margins.
type Held struct {
	Box   sandik.AreaCode `json:"box"`
	Name  string          `json:"name"`
	Case  itiraz.CaseID   `json:"case"`
	Title string          `json:"title"`
}

// Drafted is what drafting from a comparison made and what it left out.
type Drafted struct {
	Cases []*itiraz.Case `json:"cases"`
	Held  []Held         `json:"held"`
}

// DraftFromDiscrepancies turns the discrepancies of an area (the boxes
// given, or all when none) into draft cases, one per district board, with
// the vote effect filled in. Boxes already in a case of the race are left
// out; when that leaves nothing, the answer says which case holds each.
func (c *Center) DraftFromDiscrepancies(ctx context.Context, u sandik.User, race sandik.RaceCode, area sandik.AreaCode, boxes []sandik.AreaCode, filer string) ([]*itiraz.Case, error) {
	d, err := c.DraftCases(ctx, u, race, area, boxes, filer)
	if err != nil {
		return d.Cases, err
	}
	if len(d.Cases) == 0 {
		ps := make([]sandik.Problem, len(d.Held))
		for i, h := range d.Held {
			ps[i] = sandik.Problem{Field: "boxes", Rule: sandik.RuleDuplicate,
				Message: fmt.Sprintf("box %s is already in case %s", h.Box, h.Case)}
		}
		return nil, sandik.Invalid("every box is already in a case", ps)
	}
	return d.Cases, nil
}

// DraftCases is DraftFromDiscrepancies that also says which boxes it left
// out because an open case already holds them.
func (c *Center) DraftCases(ctx context.Context, u sandik.User, race sandik.RaceCode, area sandik.AreaCode, boxes []sandik.AreaCode, filer string) (Drafted, error) {
	out := Drafted{Cases: []*itiraz.Case{}, Held: []Held{}}
	if err := canManage(u); err != nil {
		return out, err
	}
	// Areas first: whether a box outside is a discrepancy is not the
	// user's to learn from the answer.
	reg := c.Registry()
	for _, b := range boxes {
		if _, known := reg.Area(b); known {
			if err := reg.Allow(u, sandik.ActionHandleCases, b); err != nil {
				return out, err
			}
		}
	}
	rep, _, err := c.View(u).Compare(race, area, verify.Options{Basis: verify.BasisVerified})
	if err != nil {
		return out, err
	}
	chosen := verify.Filter(rep.Boxes, verify.Discrepancy)
	if len(boxes) > 0 {
		var picked []verify.Box
		var ps []sandik.Problem
		for i, b := range boxes {
			j := slices.IndexFunc(chosen, func(x verify.Box) bool { return x.Box == b })
			if j < 0 {
				ps = append(ps, sandik.Problem{Field: fmt.Sprintf("boxes[%d]", i), Rule: sandik.RuleInvalidValue,
					Message: fmt.Sprintf("box %q is not a discrepancy of %s in race %s", b, area, race)})
				continue
			}
			if !slices.ContainsFunc(picked, func(x verify.Box) bool { return x.Box == b }) {
				picked = append(picked, chosen[j])
			}
		}
		if len(ps) > 0 {
			return out, sandik.Invalid("not every box is a discrepancy", ps)
		}
		chosen = picked
	}
	if len(chosen) == 0 {
		return out, sandik.Invalid("no discrepancies", []sandik.Problem{{Field: "boxes", Rule: sandik.RuleRequired,
			Message: fmt.Sprintf("%s has no box whose official figures differ from its verified sheet", area)}})
	}
	// Every case of the race, not only those the user may open: a box in
	// a colleague's case is as filed as one in the user's own.
	existing, err := c.allCases(ctx, race)
	if err != nil {
		return out, err
	}
	holders := Holders(existing)
	free := chosen[:0:0]
	for _, b := range chosen {
		if h, ok := holders[b.Box]; ok {
			out.Held = append(out.Held, Held{Box: b.Box, Name: b.Name, Case: h.ID, Title: h.Title})
			continue
		}
		free = append(free, b)
	}
	rc, _ := reg.Race(race)
	for _, d := range draftsFromDiscrepancies(reg, rc, free, filer) {
		cs, err := c.CreateCase(ctx, u, d, time.Time{})
		if err != nil {
			return out, err
		}
		out.Cases = append(out.Cases, cs)
	}
	return out, nil
}

// Holders maps each box to the case that holds it among cases: the
// first, by deadline then id, that is not withdrawn. A withdrawn case
// asks nothing of a board, so its boxes are free for a new one.
func Holders(cases []*itiraz.Case) map[sandik.AreaCode]*itiraz.Case {
	sorted := slices.Clone(cases)
	slices.SortStableFunc(sorted, func(a, b *itiraz.Case) int {
		if c := a.Deadline.Compare(b.Deadline); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	out := map[sandik.AreaCode]*itiraz.Case{}
	for _, cs := range sorted {
		if cs.Status == itiraz.StatusWithdrawn {
			continue
		}
		for _, b := range cs.Boxes {
			if _, ok := out[b]; !ok {
				out[b] = cs
			}
		}
	}
	return out
}

// draftsFromDiscrepancies turns boxes of a comparison into draft cases,
// one per board that must hear them: the ilçe seçim kurulu of each box's
// district (Law 298 art. 128 puts objections to the count and the
// drawing-up of sheets there). Each draft's claim is the sheets' figures
// minus the official ones, summed over its boxes: what the case gains if
// upheld. Boxes that are not discrepancies are skipped. The text is in
// Turkish whatever the drafter reads: it is written to a Turkish board.
func draftsFromDiscrepancies(reg *sandik.Registry, rc *sandik.Race, boxes []verify.Box, filer string) []itiraz.Draft {
	const tr = msg.TR
	groups := map[sandik.AreaCode][]verify.Box{}
	for _, b := range boxes {
		if b.Outcome != verify.Discrepancy {
			continue
		}
		g := districtOf(reg, b.Box)
		groups[g] = append(groups[g], b)
	}
	keys := make([]sandik.AreaCode, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	collation.Sort(keys, func(k sandik.AreaCode) string { return areaName(reg, k) })
	var out []itiraz.Draft
	for _, k := range keys {
		bs := groups[k]
		collation.Sort(bs, func(b verify.Box) string { return string(b.Box) })
		d := itiraz.Draft{Race: rc.Code, Ground: itiraz.GroundDiscrepancy, Remedy: itiraz.RemedyCorrection, Board: itiraz.BoardIlce, Filer: filer,
			Claim: make([]int64, len(rc.Choices))}
		d.Title = msg.F(tr, "draft.title", itiraz.TitleCase(areaName(reg, k)), number(int64(len(bs))))
		var body strings.Builder
		body.WriteString(msg.F(tr, "draft.intro", rc.Name))
		body.WriteString("\n\n")
		for _, b := range bs {
			d.Boxes = append(d.Boxes, b.Box)
			var figs []string
			for i, v := range b.VoteDelta {
				d.Claim[i] -= v
				if v != 0 {
					figs = append(figs, msg.F(tr, "draft.figure", rc.Choices[i].Name, number(b.Sheet.Votes[i]), number(b.Official.Votes[i])))
				}
			}
			for _, f := range b.Fields {
				figs = append(figs, msg.F(tr, "draft.figure", fieldName(f.Field), number(f.Sheet), number(f.Official)))
			}
			fmt.Fprintf(&body, "- %s: %s.\n", itiraz.BoxName(reg, b.Box, tr), strings.Join(figs, "; "))
		}
		body.WriteString("\n")
		body.WriteString(msg.T(tr, "draft.ask"))
		d.Body = body.String()
		out = append(out, d)
	}
	return out
}

func areaName(reg *sandik.Registry, code sandik.AreaCode) string {
	if a, ok := reg.Area(code); ok {
		return a.Name
	}
	return string(code)
}

// number groups thousands the Turkish way, as the text is Turkish.
func number(n int64) string { return itiraz.Number(msg.TR, n) }

// districtOf returns the ilçe above a box, or its nearest ancestor below
// the il when the tree has no ilçe (schools of observer files).
func districtOf(reg *sandik.Registry, box sandik.AreaCode) sandik.AreaCode {
	anc := reg.Ancestors(box)
	for _, a := range anc {
		if ar, ok := reg.Area(a); ok && ar.Level == sandik.LevelIlce {
			return a
		}
	}
	if len(anc) > 0 {
		return anc[0]
	}
	return box
}

var fieldNames = map[string]string{
	"registered": "registered", "voted_by_law": "voted_by_law", "voted": "voted",
	"valid_without_objection": "valid_without", "valid_upon_objection": "valid_upon",
	"valid_total": "valid_total", "invalid_total": "invalid_total",
}

// fieldName names a sheet field in Turkish, in small letters as it stands
// inside a sentence.
func fieldName(f string) string {
	if k, ok := fieldNames[f]; ok {
		return strings.ToLowerSpecial(unicode.TurkishCase, msg.T(msg.TR, k))
	}
	return f
}
