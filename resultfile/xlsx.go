package resultfile

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/xuri/excelize/v2"
)

// NewXLSXReader reads a result table from an XLSX workbook: the named
// sheet, or the first when sheet is "". Rows are streamed from the sheet
// (excelize's Rows), and a sheet larger than 16 MiB unpacked is spilled to
// a temporary file, so memory stays bounded by the compressed workbook and
// its shared strings. The header is found as in a text table, among the
// first MaxHeaderLine rows. Row.Line is the sheet's row number. Close must be
// called to remove the temporary files.
func NewXLSXReader(r io.Reader, sheet string) (*Reader, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, sandik.Invalid("not an XLSX workbook", []sandik.Problem{{
			Field: "file", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("the file cannot be opened as XLSX: %v", err)}})
	}
	sheets := f.GetSheetList()
	if sheet == "" && len(sheets) > 0 {
		sheet = sheets[0]
	}
	idx, err := f.GetSheetIndex(sheet)
	if err != nil || idx < 0 {
		_ = f.Close()
		return nil, sandik.Invalid("no such sheet", []sandik.Problem{{
			Field: "sheet", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("the workbook has no sheet %q (it has: %s)", sheet, strings.Join(sheets, ", "))}})
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("read sheet %q: %w", sheet, err)
	}
	rd, err := newReader(&xlsxSource{f: f, rows: rows}, true, "rows")
	if err != nil {
		_ = rows.Close()
		_ = f.Close()
		return nil, err
	}
	return rd, nil
}

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int
}

func (x *xlsxSource) next() ([]string, int, []sandik.Problem, error) {
	for x.rows.Next() {
		x.row++
		// Raw values: a number formatted "1.234" by a Turkish locale
		// would otherwise read as a problem, or worse as another number.
		cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, 0, nil, fmt.Errorf("read sheet row %d: %w", x.row, err)
		}
		if blank(cells) {
			continue
		}
		return cells, x.row, nil, nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, 0, nil, fmt.Errorf("read sheet: %w", err)
	}
	return nil, 0, nil, io.EOF
}

func (x *xlsxSource) close() error {
	return errors.Join(x.rows.Close(), x.f.Close())
}
