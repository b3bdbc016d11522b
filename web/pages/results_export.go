package pages

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/sandik-dev/sandik"
)

// Exports of a survey's aggregated results, for its organisers: the
// counts overall and by the groups the k rules allow, and the text
// answers. The same CSV is kept among the minutes' attachments when the
// meeting is closed.

func (p *Pages) resultsSurvey(r *http.Request, u sandik.User) (sandik.Survey, error) {
	s, _, err := p.c.SurveyFor(r.Context(), u, sandik.SurveyID(r.PathValue("id")), true)
	return s, err
}

func (p *Pages) resultsCSV(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	s, err := p.resultsSurvey(r, u)
	if err != nil {
		return err
	}
	data, err := p.c.ResultsCSV(r.Context(), s)
	if err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+string(s.ID)+`.csv"`)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
	return nil
}

func (p *Pages) resultsXLSX(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	s, err := p.resultsSurvey(r, u)
	if err != nil {
		return err
	}
	header, rows, err := p.c.ResultsTable(r.Context(), s)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sonuçlar"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	l := p.langOf(r)
	note := fmt.Sprintf("%s · k=%d · %s", s.Title, s.K, l.Time(p.now()))
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
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("export xlsx: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+string(s.ID)+`.xlsx"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
	return nil
}
