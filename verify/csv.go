package verify

import (
	"fmt"
	"io"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/csvcell"
)

var csvHeads = map[string][]string{
	"tr": {"sandık", "ad", "üst birim", "sonuç", "tutanak durumu", "marj etkisi", "farklı alanlar", "tutanak", "resmî", "fark"},
	"en": {"box", "name", "parent", "outcome", "sheet status", "margin effect", "fields that differ", "sheet", "official", "delta"},
}

// WriteCSV writes boxes of a comparison, one per row, with the sheet, the
// official figure and their difference for every choice. lang is "tr" or
// "en" (headers only; values stay machine-readable).
func WriteCSV(w io.Writer, rc *sandik.Race, boxes []Box, lang string) error {
	h, ok := csvHeads[lang]
	if !ok {
		h = csvHeads["tr"]
	}
	cw := csvcell.NewWriter(w) // area and choice names are anyone's text
	head := append([]string{}, h[:7]...)
	for _, c := range rc.Choices {
		head = append(head, c.Name+" "+h[7], c.Name+" "+h[8], c.Name+" "+h[9])
	}
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	for i := range boxes {
		b := &boxes[i]
		fields := ""
		for j, f := range b.Fields {
			if j > 0 {
				fields += " "
			}
			fields += fmt.Sprintf("%s:%d→%d", f.Field, f.Sheet, f.Official)
		}
		row := []string{string(b.Box), b.Name, string(b.Parent), string(b.Outcome), b.SheetStatus.String(),
			strconv.FormatInt(b.MarginEffect, 10), fields}
		for j := range rc.Choices {
			row = append(row, vote(b.Sheet, j), vote(b.Official, j), "")
			if b.VoteDelta != nil {
				row[len(row)-1] = strconv.FormatInt(b.VoteDelta[j], 10)
			}
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv row %d: %w", i+2, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func vote(t *sandik.Tutanak, i int) string {
	if t == nil {
		return ""
	}
	return strconv.FormatInt(t.Votes[i], 10)
}
