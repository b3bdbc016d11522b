package resultfile

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
	"github.com/xuri/excelize/v2"
)

// workbook builds an XLSX in memory: sheets in order, each a list of rows
// starting at row 1; cells that look like whole numbers are stored as
// numbers, as Excel does on import.
func workbook(t testing.TB, sheets []string, rows map[string][][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			t.Fatal(err)
		}
		for r, rec := range rows[name] {
			cells := make([]any, len(rec))
			for c, v := range rec {
				if n, err := strconv.Atoi(v); err == nil && r > 0 && c >= 7 {
					cells[c] = n
				} else {
					cells[c] = v
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if len(rec) == 0 {
				continue // a gap: row r+1 is left out of the sheet
			}
			if err := sw.SetRow(cell, cells); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readXLSX(t testing.TB, data []byte, sheet string) ([]string, []Row) {
	t.Helper()
	r, err := NewXLSXReader(bytes.NewReader(data), sheet)
	if err != nil {
		t.Fatalf("NewXLSXReader: %v", err)
	}
	rows := readAll(t, r)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	return r.Choices(), rows
}

// The sample as a workbook reads exactly as the text file does, row numbers
// included.
func TestXLSXSample(t *testing.T) {
	raw, _ := os.ReadFile(samplePath)
	wantChoices, want := readTable(t, raw)
	data := workbook(t, []string{"Sonuçlar"}, map[string][][]string{"Sonuçlar": sampleRecords(t)})
	choices, got := readXLSX(t, data, "")
	if diff := cmp.Diff(wantChoices, choices); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-text +xlsx):\n%s", diff)
	}
}

func TestXLSXSheetsGapsAndProblems(t *testing.T) {
	short := smallRow("1003")[:11] // B left empty: Excel drops trailing empty cells
	bad := smallRow("1004")
	bad[4] = "1.234" // stored as text
	data := workbook(t, []string{"Kapak", "Meclis"}, map[string][][]string{
		"Kapak":  {{"başlık"}},
		"Meclis": {smallHeader, smallRow("1001"), {}, {}, short, bad, {"", "", ""}},
	})
	choices, rows := readXLSX(t, data, "Meclis")
	if len(choices) != 2 || len(rows) != 3 {
		t.Fatalf("choices %q, %d rows", choices, len(rows))
	}
	if rows[0].Line != 2 || rows[1].Line != 5 || rows[2].Line != 6 {
		t.Fatalf("lines %d %d %d, want 2 5 6", rows[0].Line, rows[1].Line, rows[2].Line)
	}
	if len(rows[1].Problems) > 0 || rows[1].Votes[1] != -1 || rows[1].Votes[0] != 140 {
		t.Fatalf("short row: %+v", rows[1])
	}
	if !hasProblem(rows[2].Problems, smallHeader[4], 6, sandik.RuleInvalidValue) {
		t.Fatalf("bad row: %+v", rows[2])
	}

	// The first sheet is a cover page, not a table.
	_, err := NewXLSXReader(bytes.NewReader(data), "")
	if ps := headerProblems(t, err); !hasProblem(ps, "İl", 1, RuleMissingColumn) {
		t.Fatalf("cover sheet: %v", ps)
	}
	_, err = NewXLSXReader(bytes.NewReader(data), "Yok")
	if ps := headerProblems(t, err); !hasProblem(ps, "sheet", 0, sandik.RuleInvalidValue) {
		t.Fatalf("missing sheet: %v", ps)
	}
	_, err = NewXLSXReader(bytes.NewReader([]byte("İl\tSandık No\n")), "")
	if ps := headerProblems(t, err); !hasProblem(ps, "file", 0, sandik.RuleInvalidValue) {
		t.Fatalf("not xlsx: %v", ps)
	}
	empty := workbook(t, []string{"Boş"}, map[string][][]string{})
	_, err = NewXLSXReader(bytes.NewReader(empty), "")
	if ps := headerProblems(t, err); !hasProblem(ps, "header", 1, sandik.RuleRequired) {
		t.Fatalf("empty sheet: %v", ps)
	}
}
