package center

import (
	"bytes"
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/sandik-dev/sandik/csvcell"

	"github.com/sandik-dev/sandik"
)

// Exports of a congress for the upper congress and the court's
// supervising board (Law 2820 art. 21): its list of delegates, and the
// delegates it elected with their substitutes. Names only: no contacts.

// ElectorateTable is congress id's list as a table, for u.
func (c *Center) ElectorateTable(ctx context.Context, u sandik.User, id sandik.CongressID) (sandik.Congress, []string, [][]any, error) {
	g, es, err := c.Electorate(ctx, u, id)
	if err != nil {
		return g, nil, nil, err
	}
	header := []string{"sira", "kisi", "ad", "dayanak", "yetki", "yerine", "gorev", "sandik"}
	rows := make([][]any, len(es))
	for i, e := range es {
		why := string(e.Mandate)
		if e.Basis == sandik.BasisNatural {
			why = string(e.Kind)
		}
		rows[i] = []any{i + 1, string(e.Person), e.Name, string(e.Basis), why, string(e.Replaces), string(e.Position), e.Box}
	}
	return g, header, rows, nil
}

// ElectedTable is the delegates and substitutes congress id elected for
// the upper congress, with their status today, for u.
func (c *Center) ElectedTable(ctx context.Context, u sandik.User, id sandik.CongressID) (sandik.Congress, []string, [][]any, error) {
	g, err := c.Congress(ctx, u, id, false)
	if err != nil {
		return g, nil, nil, err
	}
	ms, err := c.Mandates(ctx, u, sandik.MandateFilter{From: id})
	if err != nil {
		return g, nil, nil, err
	}
	ids := make([]sandik.PersonID, len(ms))
	for i, m := range ms {
		ids[i] = m.Person
	}
	people, err := c.store.People(ctx, sandik.PeopleFilter{IDs: ids})
	if err != nil {
		return g, nil, nil, err
	}
	names := map[sandik.PersonID]string{}
	for _, p := range people {
		names[p.ID] = p.Name
	}
	header := []string{"yetki", "kisi", "ad", "kurul", "birim", "sira", "yedek_sirasi", "durum", "yerine", "liste"}
	rows := make([][]any, len(ms))
	for i, m := range ms {
		rows[i] = []any{string(m.ID), string(m.Person), names[m.Person], string(m.Level), string(m.Unit), m.Rank, m.Substitute, string(m.Status), string(m.Replaces), m.Camp}
	}
	return g, header, rows, nil
}

// TableFile writes a table as CSV (semicolons, a byte-order mark, no
// cell a spreadsheet would read as a formula) or XLSX, and its content
// type; EInvalid naming "format" for any other.
func TableFile(format string, header []string, rows [][]any) ([]byte, string, error) {
	var buf bytes.Buffer
	switch format {
	case "csv":
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
		if err := cw.Error(); err != nil {
			return nil, "", fmt.Errorf("export csv: %w", err)
		}
		return buf.Bytes(), "text/csv; charset=utf-8", nil
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		hdr := make([]any, len(header))
		for i, h := range header {
			hdr[i] = h
		}
		if err := f.SetSheetRow("Sheet1", "A1", &hdr); err != nil {
			return nil, "", fmt.Errorf("export xlsx: %w", err)
		}
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				return nil, "", fmt.Errorf("export xlsx: %w", err)
			}
		}
		if _, err := f.WriteTo(&buf); err != nil {
			return nil, "", fmt.Errorf("export xlsx: %w", err)
		}
		return buf.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", nil
	}
	return nil, "", sandik.Invalid("unknown format", []sandik.Problem{{Field: "format", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("must be csv or xlsx (got %q)", format)}})
}
