package ingest_test

import (
	"bytes"
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sandik-dev/sandik/ingest"
)

// The same official sample as an Excel workbook (numbers as numbers, as a
// spreadsheet keeps them) imports to the same totals as the text file.
func TestImportXLSXMatchesText(t *testing.T) {
	header, rows := readSample(t)
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	cells := func(c []string) []any {
		out := make([]any, len(c))
		for i, v := range c {
			if n, err := strconv.Atoi(v); err == nil && i >= 7 {
				out[i] = n
			} else {
				out[i] = v
			}
		}
		return out
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells(r)); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if ingest.FormatOf("YSK-2014.XLSX") != ingest.FormatXLSX || ingest.FormatOf("ysk.tsv") != ingest.FormatText {
		t.Fatal("format by file name")
	}
	ctx := context.Background()
	fromXLSX, fromText := newCenter(t), newCenter(t)
	plan, res, err := ingest.ImportTable(ctx, fromXLSX, bytesOpener(buf.Bytes()), ingest.FormatXLSX, officialOpts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, res2, err := ingest.ImportTable(ctx, fromText, fileOpener(sample), ingest.FormatText, officialOpts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Rows != 627 || res.Written != 627 {
		t.Fatalf("xlsx: %d rows, %d written", plan.Rows, res.Written)
	}
	fromXLSX.WaitFor(ctx, res.LastSeq)
	fromText.WaitFor(ctx, res2.LastSeq)
	for _, rc := range fromText.Registry().Races {
		a, err1 := fromXLSX.View(admin).Totals(rc.Code, rc.Scope)
		b, err2 := fromText.View(admin).Totals(rc.Code, rc.Scope)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(a.Totals.Official, b.Totals.Official) {
			t.Errorf("race %s: xlsx %+v (%v), text %+v (%v)", rc.Code, a.Totals.Official, err1, b.Totals.Official, err2)
		}
	}
	if len(fromXLSX.Registry().Areas) != len(fromText.Registry().Areas) {
		t.Errorf("areas: %d from xlsx, %d from text", len(fromXLSX.Registry().Areas), len(fromText.Registry().Areas))
	}
}
