package resultfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/xuri/excelize/v2"
)

// Limits of an XLSX workbook. excelize reads the packed file whole, keeps
// every unpacked part but the worksheets in memory, and decodes shared
// strings and styles into structures many times their size (300 MiB of
// styles took 7 GB, of shared strings 2.2 GB); a worksheet is spilled to a
// temporary file and streamed, but a row of it is held whole (one row of
// 300 MiB took 1.5 GB). So every part is capped, the worksheets at what a
// province's table needs; a national table comes as text (NewReader),
// which is streamed a line at a time.
const (
	MaxXLSXFileBytes  = 32 << 20  // the workbook as given, packed
	MaxXLSXBytes      = 128 << 20 // all its parts, unpacked
	MaxXLSXSheetBytes = 64 << 20  // one worksheet, unpacked: about 100,000 boxes of 24 columns
	MaxXLSXPartBytes  = 16 << 20  // any other part, unpacked: shared strings, styles, images
)

// NewXLSXReader reads a result table from an XLSX workbook: the named
// sheet, or the first when sheet is "". Rows are streamed from the sheet
// (excelize's Rows), and a sheet larger than 16 MiB unpacked is spilled to
// a temporary file, so memory stays bounded by the compressed workbook and
// its shared strings. The header is found as in a text table, among the
// first MaxHeaderLine rows. Row.Line is the sheet's row number. Close must be
// called to remove the temporary files.
//
// A workbook over the MaxXLSX* limits is an EInvalid error naming the part
// (or "file") and the limit, and so is one whose parts do not unpack to the
// sizes and checksums its index declares.
func NewXLSXReader(r io.Reader, sheet string) (*Reader, error) {
	data, err := readWorkbook(r)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxXLSXBytes, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, notXLSX(err)
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

func notXLSX(err error) error {
	return sandik.Invalid("not an XLSX workbook", []sandik.Problem{{
		Field: "file", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("the file cannot be opened as XLSX: %v", err)}})
}

// readWorkbook reads the packed workbook and checks it against the limits
// before excelize unpacks anything. The sizes checked are those the zip's
// index declares; archive/zip refuses to unpack a part past its declared
// size, so they bound what is unpacked even when they lie. excelize would
// then silently read a part cut short, or one whose checksum fails, so
// every part is also unpacked once here, into nothing, to check it whole.
func readWorkbook(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxXLSXFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	if len(data) > MaxXLSXFileBytes {
		return nil, tooLarge("file", fmt.Sprintf("the workbook is larger than %s; a result table larger than that comes as text (tab-separated or Unicode text)", mib(MaxXLSXFileBytes)))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, notXLSX(err)
	}
	var total uint64
	for _, zf := range zr.File {
		switch {
		case isWorksheet(zf.Name) && zf.UncompressedSize64 > MaxXLSXSheetBytes:
			return nil, tooLarge(zf.Name, fmt.Sprintf("the worksheet %s unpacks to %s; a worksheet may unpack to at most %s (about 100,000 boxes): split the table by province, or save it as Unicode text, which has no such limit",
				zf.Name, mib(zf.UncompressedSize64), mib(MaxXLSXSheetBytes)))
		case !isWorksheet(zf.Name) && zf.UncompressedSize64 > MaxXLSXPartBytes:
			return nil, tooLarge(zf.Name, fmt.Sprintf("the part %s unpacks to %s; a part other than a worksheet (shared strings, styles, images) may unpack to at most %s",
				zf.Name, mib(zf.UncompressedSize64), mib(MaxXLSXPartBytes)))
		}
		total += zf.UncompressedSize64 // each at most 64 MiB: no overflow
		if total > MaxXLSXBytes {
			return nil, tooLarge("file", fmt.Sprintf("the workbook unpacks to more than %s; keep the result table alone in its workbook, or save it as Unicode text", mib(MaxXLSXBytes)))
		}
	}
	for _, zf := range zr.File {
		if err := checkPart(zf); err != nil {
			return nil, sandik.Invalid("the workbook is damaged", []sandik.Problem{{
				Field: zf.Name, Rule: sandik.RuleInvalidValue,
				Message: fmt.Sprintf("the part %s does not unpack to what the workbook's index declares (%v); the file is damaged or was altered", zf.Name, err)}})
		}
	}
	return data, nil
}

// checkPart unpacks a part into nothing: archive/zip checks its size and
// checksum at the end.
func checkPart(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, rc)
	return errors.Join(err, rc.Close())
}

// isWorksheet tells the parts excelize spills to disk, by its own test.
func isWorksheet(name string) bool {
	return strings.HasPrefix(strings.ToLower(strings.ReplaceAll(name, "\\", "/")), "xl/worksheets/sheet")
}

func tooLarge(field, msg string) error {
	return sandik.Invalid("the workbook is too large", []sandik.Problem{{Field: field, Rule: RuleTooLong, Message: msg}})
}

// mib writes a size in MiB, rounded up, so that a size over a limit never
// reads as the limit itself.
func mib[N int | uint64](n N) string {
	m := uint64(n) >> 20
	if uint64(n)&(1<<20-1) != 0 {
		m++
	}
	return fmt.Sprintf("%d MiB", m)
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
