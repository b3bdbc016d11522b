package pages

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/csvcell"
	"github.com/sandik-dev/sandik/tally"
)

// exportTable is an area's results with its children's, one row each:
// box counts, then the provisional and the verified figures with the
// votes of every choice.
func (p *Pages) exportTable(l *lang, u sandik.User, race sandik.RaceCode, area sandik.AreaCode) (header []string, rows [][]any, err error) {
	v := p.c.View(u)
	rc, ok := v.Registry().Race(race)
	if !ok {
		return nil, nil, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	at, err := v.Totals(race, area)
	if err != nil {
		return nil, nil, err
	}
	header = []string{l.F("doc.code", l.T("area")), l.T("area"), l.T("doc.level"), l.T("boxes"), l.T("reporting"), l.T("verified.pct"),
		l.T("conflict.boxes"), l.T("registered")}
	for _, phase := range []string{"provisional", "verified"} {
		pre := l.T(phase) + ": "
		header = append(header, pre+l.T("voted"), pre+l.T("valid_total"), pre+l.T("invalid_total"))
		for _, c := range rc.Choices {
			header = append(header, pre+c.Name)
		}
	}
	row := func(t *tally.Totals) []any {
		r := []any{string(t.Area), t.Name, l.T("doc.level." + t.Level.String()), t.BoxesExpected, t.BoxesReported, t.BoxesVerified, t.BoxesConflict, t.Registered}
		for _, c := range []*tally.Counts{&t.Provisional, &t.Verified} {
			r = append(r, c.Voted, c.ValidTotal, c.Invalid)
			for i := range rc.Choices {
				var n int64
				if i < len(c.Votes) {
					n = c.Votes[i]
				}
				r = append(r, n)
			}
		}
		return r
	}
	rows = append(rows, row(&at.Totals))
	children := make([]*tally.Totals, len(at.Children))
	for i := range at.Children {
		children[i] = &at.Children[i]
	}
	collation.Sort(children, func(t *tally.Totals) string { return t.Name })
	for _, c := range children {
		rows = append(rows, row(c))
	}
	return header, rows, nil
}

func exportName(race sandik.RaceCode, area sandik.AreaCode, seq int64, ext string) string {
	return fmt.Sprintf("sandik-%s-%s-v%d.%s", race, area, seq, ext)
}

// exportCSV writes the table as CSV for spreadsheets: UTF-8 with a byte
// order mark, without which Excel reads Turkish letters as Latin-1, and
// semicolons between fields, which is the list separator Excel expects
// under a Turkish locale (where the comma is the decimal mark). Figures
// are plain integers, never grouped, so that they stay numbers.
func (p *Pages) exportCSV(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	seq := p.c.Seq()
	header, rows, err := p.exportTable(p.langOf(r), u, race, area)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csvcell.NewWriter(&buf) // area and choice names are anyone's text
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
		return fmt.Errorf("export csv: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+exportName(race, area, seq, "csv")+`"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
	return nil
}

// exportXLSX writes the table as an Excel workbook with numbers as
// numbers, a frozen header and a note that the figures are unofficial.
func (p *Pages) exportXLSX(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	l := p.langOf(r)
	seq := p.c.Seq()
	header, rows, err := p.exportTable(l, u, race, area)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := l.T("xlsx.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	raceName := string(race)
	if rc, ok := p.c.Registry().Race(race); ok {
		raceName = rc.Name
	}
	note := fmt.Sprintf("%s · %s · v%d · %s", l.T("unofficial"), raceName, seq, l.Time(p.now()))
	if err := f.SetSheetRow(sheet, "A1", &[]any{note}); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	if err := f.SetSheetRow(sheet, "A2", &hdr); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("export xlsx: %w", err)
		}
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+exportName(race, area, seq, "xlsx")+`"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
	return nil
}
