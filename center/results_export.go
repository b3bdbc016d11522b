package center

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/csvcell"
)

// ResultsTable is a survey's aggregated results as a table: a row for
// every question and category overall, then for every group its
// breakdown shows (the k rules applied), then each text answer. No row
// names anyone.
func (c *Center) ResultsTable(ctx context.Context, s sandik.Survey) (header []string, rows [][]any, err error) {
	header = []string{"question", "text", "group", "category", "count"}
	for _, q := range s.Questions {
		res, err := c.Results(ctx, s, q.N)
		if err != nil {
			return nil, nil, err
		}
		name := func(cat string) string {
			if i, err := strconv.Atoi(cat); err == nil && q.Kind != sandik.QuestionScale && i < len(q.Options) {
				return q.Options[i]
			}
			return cat
		}
		cats := Categories(q)
		if q.Kind != sandik.QuestionText {
			for _, cat := range cats {
				rows = append(rows, []any{q.N, q.Text, "all", name(cat), res.Counts[cat]})
			}
			for _, g := range res.Breakdowns {
				for _, cat := range cats {
					rows = append(rows, []any{q.N, q.Text, string(g.Dimension) + ":" + g.Group, name(cat), g.Counts[cat]})
				}
			}
			continue
		}
		for _, t := range res.Texts {
			rows = append(rows, []any{q.N, q.Text, "all", t, 1})
		}
	}
	return header, rows, nil
}

// ResultsCSV is ResultsTable as CSV (semicolons, a byte-order mark, no
// cell a spreadsheet would read as a formula).
func (c *Center) ResultsCSV(ctx context.Context, s sandik.Survey) ([]byte, error) {
	header, rows, err := c.ResultsTable(ctx, s)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csvcell.NewWriter(&buf)
	cw.Comma = ';'
	cw.Write(header)
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = fmt.Sprint(v)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}
