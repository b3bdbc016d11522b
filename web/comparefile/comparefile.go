// Package comparefile writes the comparison of official results with the
// verified sheets in a reader's words: which fields of a box differ, who
// gains or loses how many votes, and the spreadsheet of the differences.
// The page and the download say the same thing in the same words.
package comparefile

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/csvcell"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/verify"
)

// fieldKeys are the catalogue keys of the sheet's fixed fields.
var fieldKeys = map[string]string{
	"registered": "registered", "voted_by_law": "voted_by_law", "voted": "voted",
	"valid_without_objection": "valid_without", "valid_upon_objection": "valid_upon",
	"valid_total": "valid_total", "invalid_total": "invalid_total",
}

// FieldName names a sheet field in lang.
func FieldName(lang msg.Lang, field string) string {
	if k, ok := fieldKeys[field]; ok {
		return msg.T(lang, k)
	}
	return field
}

// Number groups thousands as lang writes them.
func Number(lang msg.Lang, v int64) string { return itiraz.Number(lang, v) }

// Fields says which fields of b differ, with the sheet's figure and the
// official one: "Ekrem İmamoğlu 150 → 138, Geçersiz oy 3 → 9". The votes
// of the choices come first, in ballot order, then the fixed fields.
// A box whose figures are missing on one side says nothing.
func Fields(lang msg.Lang, rc *sandik.Race, b *verify.Box) string {
	var parts []string
	if b.Sheet != nil && b.Official != nil {
		for i, c := range rc.Choices {
			if i < len(b.Sheet.Votes) && i < len(b.Official.Votes) && b.Sheet.Votes[i] != b.Official.Votes[i] {
				parts = append(parts, c.Name+" "+Number(lang, b.Sheet.Votes[i])+" → "+Number(lang, b.Official.Votes[i]))
			}
		}
	}
	for _, f := range b.Fields {
		parts = append(parts, FieldName(lang, f.Field)+" "+Number(lang, f.Sheet)+" → "+Number(lang, f.Official))
	}
	return strings.Join(parts, msg.T(lang, "doc.list.sep"))
}

// Delta says how an official figure stands against the sheet's: "12
// fazla", "12 eksik", "aynı".
func Delta(lang msg.Lang, d int64) string {
	switch {
	case d > 0:
		return msg.F(lang, "cmp.plus", Number(lang, d))
	case d < 0:
		return msg.F(lang, "cmp.minus", Number(lang, -d))
	}
	return msg.T(lang, "cmp.same")
}

// Effect says who a margin effect favours and by how many votes: the
// official figures against the sheets move n votes of the margin of a
// over b (positive favours a).
func Effect(lang msg.Lang, a, b string, n int64) string {
	switch {
	case n > 0:
		return msg.F(lang, "cmp.effect.for", a, b, Number(lang, n))
	case n < 0:
		return msg.F(lang, "cmp.effect.for", b, a, Number(lang, -n))
	}
	return msg.T(lang, "cmp.effect.none")
}

// Net says the same of an area's total in a sentence.
func Net(lang msg.Lang, a, b string, n int64) string {
	switch {
	case n > 0:
		return msg.F(lang, "cmp.net.for", a, b, Number(lang, n))
	case n < 0:
		return msg.F(lang, "cmp.net.for", b, a, Number(lang, -n))
	}
	return msg.T(lang, "cmp.net.none")
}

// Sheet is what the spreadsheet needs besides the boxes: the race, the
// names of the pair whose margin is followed, and the open case holding
// each box, if any.
type Sheet struct {
	Race    *sandik.Race
	A, B    string
	Holders map[sandik.AreaCode]*itiraz.Case
}

// CSV writes boxes as a spreadsheet in lang: UTF-8 with a byte order
// mark, semicolons between fields (the list separator of Excel under a
// Turkish locale, as in the results export), every cell guarded against
// formulas. Figures are plain integers so that they stay numbers.
func (s Sheet) CSV(lang msg.Lang, boxes []verify.Box) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csvcell.NewWriter(&buf) // area and choice names are anyone's text
	cw.Comma = ';'
	t := func(k string) string { return msg.T(lang, k) }
	head := []string{t("ccsv.box"), t("ccsv.name"), t("ccsv.parent"), t("ccsv.outcome"), t("ccsv.status"),
		msg.F(lang, "ccsv.margin", s.A, s.B), t("ccsv.effect"), t("ccsv.fields"), t("ccsv.case")}
	for _, c := range s.Race.Choices {
		head = append(head, msg.F(lang, "ccsv.sheet", c.Name), msg.F(lang, "ccsv.official", c.Name), msg.F(lang, "ccsv.delta", c.Name))
	}
	if err := cw.Write(head); err != nil {
		return nil, fmt.Errorf("write csv header: %w", err)
	}
	for i := range boxes {
		b := &boxes[i]
		held := ""
		if h, ok := s.Holders[b.Box]; ok {
			held = string(h.ID)
		}
		row := []string{string(b.Box), itiraz.BoxLabel(b.Name, lang), string(b.Parent), t("out." + string(b.Outcome)), t("status." + b.SheetStatus.String()),
			strconv.FormatInt(b.MarginEffect, 10), Effect(lang, s.A, s.B, b.MarginEffect), Fields(lang, s.Race, b), held}
		for j := range s.Race.Choices {
			row = append(row, vote(b.Sheet, j), vote(b.Official, j), "")
			if j < len(b.VoteDelta) {
				row[len(row)-1] = strconv.FormatInt(b.VoteDelta[j], 10)
			}
		}
		if err := cw.Write(row); err != nil {
			return nil, fmt.Errorf("write csv row %d: %w", i+2, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	return buf.Bytes(), nil
}

func vote(t *sandik.Tutanak, i int) string {
	if t == nil || i >= len(t.Votes) {
		return ""
	}
	return strconv.FormatInt(t.Votes[i], 10)
}
