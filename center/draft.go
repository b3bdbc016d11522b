package center

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/verify"
)

// Drafting cases from a comparison lives here, beside the comparison,
// rather than in package itiraz: the objection rules then need nothing
// of verification, and neither does a store that keeps cases.

// draftsFromDiscrepancies turns boxes of a comparison into draft cases, one per
// board that must hear them: the ilçe seçim kurulu of each box's district
// (Law 298 art. 128 puts objections to the count and the drawing-up of
// sheets there). Each draft's claim is the sheets' figures minus the
// official ones, summed over its boxes: what the case gains if upheld.
// Boxes that are not discrepancies are skipped.
func draftsFromDiscrepancies(reg *sandik.Registry, rc *sandik.Race, boxes []verify.Box, filer string) []itiraz.Draft {
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
	slices.Sort(keys)
	var out []itiraz.Draft
	for _, k := range keys {
		bs := groups[k]
		slices.SortFunc(bs, func(a, b verify.Box) int { return cmp.Compare(a.Box, b.Box) })
		d := itiraz.Draft{Race: rc.Code, Ground: itiraz.GroundDiscrepancy, Remedy: itiraz.RemedyCorrection, Board: itiraz.BoardIlce, Filer: filer,
			Claim: make([]int64, len(rc.Choices))}
		name := string(k)
		if a, ok := reg.Area(k); ok {
			name = a.Name
		}
		d.Title = fmt.Sprintf("%s: %d sandıkta resmî sonuç ile tutanak farkı", name, len(bs))
		var body strings.Builder
		fmt.Fprintf(&body, "%s yarışında aşağıdaki sandıkların resmî sonuçları, imzalı sandık sonuç tutanaklarından farklıdır:\n\n", rc.Name)
		for _, b := range bs {
			d.Boxes = append(d.Boxes, b.Box)
			fmt.Fprintf(&body, "- Sandık %s (%s):", b.Name, b.Box)
			for i, v := range b.VoteDelta {
				d.Claim[i] -= v
				if v != 0 {
					fmt.Fprintf(&body, " %s tutanakta %d, resmî %d;", rc.Choices[i].Name, b.Sheet.Votes[i], b.Official.Votes[i])
				}
			}
			for _, f := range b.Fields {
				fmt.Fprintf(&body, " %s tutanakta %d, resmî %d;", fieldName(f.Field), f.Sheet, f.Official)
			}
			body.WriteString("\n")
		}
		body.WriteString("\nTutanaklara göre düzeltme yapılmasını talep ederiz.")
		d.Body = body.String()
		out = append(out, d)
	}
	return out
}

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
	"registered": "kayıtlı seçmen", "voted_by_law": "kanunen oy kullanan", "voted": "oy kullanan seçmen",
	"valid_without_objection": "itirazsız geçerli oy", "valid_upon_objection": "itirazlı geçerli oy",
	"valid_total": "geçerli oy toplamı", "invalid_total": "geçersiz oy",
}

func fieldName(f string) string {
	if n, ok := fieldNames[f]; ok {
		return n
	}
	return f
}
