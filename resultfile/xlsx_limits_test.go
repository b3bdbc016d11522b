package resultfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// part is one file of a generated workbook: head, then body repeated
// until the part unpacks to about size bytes, then tail.
type part struct {
	name       string
	head, tail string
	body       string
	size       int64
	// lie, when set, is the unpacked size the zip claims for the part.
	lie uint64
	// badCRC makes the checksum the zip claims wrong.
	badCRC bool
}

// deflateChunk compresses s with a fresh compressor and flushes without
// ending the stream. A fresh compressor refers to nothing before its own
// output, so the bytes can be repeated to stand for s repeated: that is
// how a gigabyte of XML is packed here in a few milliseconds.
func deflateChunk(t *testing.T, s []byte, final bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(s); err != nil {
		t.Fatal(err)
	}
	if final {
		err = w.Close()
	} else {
		err = w.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipBomb builds a workbook: the minimal parts excelize needs to open it,
// with sheet S (xl/worksheets/sheet1.xml) and shared strings, plus parts;
// a part of the same name as a minimal one replaces it. Each part is
// deflated for real, with its true CRC, so only its size is hostile.
func zipBomb(t *testing.T, parts ...part) []byte {
	t.Helper()
	base := []part{
		{name: "[Content_Types].xml", head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{name: "_rels/.rels", head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", head: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		sheetPart("xl/worksheets/sheet1.xml", 0),
		{name: "xl/sharedStrings.xml", head: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>İl</t></si></sst>`},
	}
	for _, p := range parts {
		i := 0
		for i < len(base) && base[i].name != p.name {
			i++
		}
		if i == len(base) {
			base = append(base, p)
		} else {
			base[i] = p
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range base {
		writeBombPart(t, zw, p)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeBombPart(t *testing.T, zw *zip.Writer, p part) {
	t.Helper()
	var chunk []byte
	var n int64
	if p.body != "" && p.size > 0 {
		// A chunk of about 1 MiB of whole bodies.
		chunk = []byte(strings.Repeat(p.body, max(1, (1<<20)/len(p.body))))
		n = max(1, (p.size-int64(len(p.head)+len(p.tail)))/int64(len(chunk)))
	}
	var raw bytes.Buffer
	raw.Write(deflateChunk(t, []byte(p.head), false))
	packed := deflateChunk(t, chunk, false)
	crc := crc32.Update(0, crc32.IEEETable, []byte(p.head))
	for range n {
		raw.Write(packed)
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	raw.Write(deflateChunk(t, []byte(p.tail), true))
	crc = crc32.Update(crc, crc32.IEEETable, []byte(p.tail))
	size := uint64(len(p.head)+len(p.tail)) + uint64(n)*uint64(len(chunk))
	if p.lie != 0 {
		size = p.lie
	}
	if p.badCRC {
		crc ^= 1
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: p.name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: size,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(raw.Bytes()); err != nil {
		t.Fatal(err)
	}
}

// sheetPart is a worksheet with the YSK header in row 1 and box rows
// filling it up to size bytes.
func sheetPart(name string, size int64) part {
	var head strings.Builder
	head.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">`)
	for _, h := range smallHeader {
		head.WriteString(`<c t="inlineStr"><is><t>` + h + `</t></is></c>`)
	}
	head.WriteString(`</row>`)
	var row strings.Builder
	row.WriteString(`<row>`)
	for i, v := range smallRow("1001") {
		if i < 7 {
			row.WriteString(`<c t="inlineStr"><is><t>` + v + `</t></is></c>`)
		} else {
			row.WriteString(`<c><v>` + v + `</v></c>`)
		}
	}
	row.WriteString(`</row>`)
	return part{name: name, head: head.String(), body: row.String(), size: size, tail: `</sheetData></worksheet>`}
}

// wantTooLarge checks that err is EInvalid with a too_long problem naming
// field and the limit.
func wantTooLarge(t *testing.T, err error, field, limit string) {
	t.Helper()
	var e *sandik.Error
	if !errors.As(err, &e) || e.Code != sandik.EInvalid {
		t.Fatalf("err = %v, want an EInvalid error", err)
	}
	for _, p := range e.Problems {
		if p.Field == field && p.Rule == RuleTooLong && strings.Contains(p.Message, limit) {
			return
		}
	}
	t.Fatalf("no %s problem on %s naming %s in %v", RuleTooLong, field, limit, err)
}

// Workbooks that unpack to far more than they weigh are refused from the
// sizes the zip declares, before anything is unpacked. Memory is not
// measured here (RSS in a unit test is noise): the point is that the
// error comes back at all, where the code without the caps went on to
// unpack the part — in `sandik check`, 9.2 GB of memory for a 0.9 MB
// workbook that unpacked to 900 MB.
func TestXLSXBombs(t *testing.T) {
	big := func(name string, size int64) part {
		return part{name: name, head: "<x>", body: "<y/>", tail: "</x>", size: size}
	}
	for _, tc := range []struct {
		name  string
		parts []part
		field string
		limit string
	}{
		{"sheet of 200 MiB", []part{sheetPart("xl/worksheets/sheet1.xml", 200<<20)}, "xl/worksheets/sheet1.xml", "64 MiB"},
		{"another sheet of 200 MiB", []part{sheetPart("xl/worksheets/sheet2.xml", 200<<20)}, "xl/worksheets/sheet2.xml", "64 MiB"},
		{"shared strings of 100 MiB", []part{{name: "xl/sharedStrings.xml", head: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, body: `<si><t>İl</t></si>`, tail: `</sst>`, size: 100 << 20}}, "xl/sharedStrings.xml", "16 MiB"},
		{"styles of 100 MiB", []part{big("xl/styles.xml", 100<<20)}, "xl/styles.xml", "16 MiB"},
		{"media of 100 MiB", []part{big("xl/media/image1.png", 100<<20)}, "xl/media/image1.png", "16 MiB"},
		{"three sheets of 60 MiB", []part{
			sheetPart("xl/worksheets/sheet1.xml", 60<<20),
			sheetPart("xl/worksheets/sheet2.xml", 60<<20),
			sheetPart("xl/worksheets/sheet3.xml", 60<<20),
		}, "file", "128 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := zipBomb(t, tc.parts...)
			if len(data) > 2<<20 {
				t.Fatalf("the bomb weighs %d bytes; it should be small", len(data))
			}
			r, err := NewXLSXReader(bytes.NewReader(data), "")
			if err == nil {
				r.Close()
			}
			wantTooLarge(t, err, tc.field, tc.limit)
		})
	}
}

// A part that unpacks to more than the zip declares is cut at the declared
// size (archive/zip refuses to read past it), so the caps, checked on the
// declared sizes, hold for a lying archive too. Such a part, or one whose
// checksum fails, is refused as damaged: excelize alone read the first
// megabyte of the sheet as if it were the whole table.
func TestXLSXDamaged(t *testing.T) {
	lie := sheetPart("xl/worksheets/sheet1.xml", 200<<20)
	lie.lie = 1 << 20
	short := sheetPart("xl/worksheets/sheet1.xml", 2<<20)
	short.lie = 3 << 20
	crc := sheetPart("xl/worksheets/sheet1.xml", 2<<20)
	crc.badCRC = true
	for name, p := range map[string]part{"longer than declared": lie, "shorter than declared": short, "bad checksum": crc} {
		t.Run(name, func(t *testing.T) {
			r, err := NewXLSXReader(bytes.NewReader(zipBomb(t, p)), "")
			if err == nil {
				r.Close()
			}
			if ps := headerProblems(t, err); !hasProblem(ps, "xl/worksheets/sheet1.xml", 0, sandik.RuleInvalidValue) ||
				!strings.Contains(ps[0].Message, "damaged") {
				t.Fatalf("%v", err)
			}
		})
	}
}

// countingReader generates n bytes of filler without holding them, and
// counts what was read.
type countingReader struct {
	n, read int64
	fill    byte
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.read >= c.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), c.n-c.read)
	p[0] = c.fill
	for i := 1; i < int(k); i *= 2 {
		copy(p[i:k], p[:i])
	}
	c.read += k
	return int(k), nil
}

// A packed file over the limit is refused having read just past the
// limit, not the whole of it (excelize itself reads the whole file into
// memory before looking at it).
func TestXLSXPackedTooLarge(t *testing.T) {
	src := &countingReader{n: 1 << 30, fill: 'P'}
	_, err := NewXLSXReader(src, "")
	wantTooLarge(t, err, "file", "32 MiB")
	if src.read > MaxXLSXFileBytes+1<<20 {
		t.Fatalf("read %d bytes of a 1 GiB file to refuse it", src.read)
	}
}

// A workbook just under the limits opens and reads: the caps are not in
// the way of a real table. Only the first rows are read, which is enough
// to show that the spilled sheet streams.
func TestXLSXUnderLimits(t *testing.T) {
	data := zipBomb(t, sheetPart("xl/worksheets/sheet1.xml", MaxXLSXSheetBytes-1<<20),
		part{name: "xl/styles.xml", head: `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts>`, tail: `</styleSheet>`})
	r, err := NewXLSXReader(bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows := 0
	for rows < 5000 {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(row.Problems) > 0 {
			t.Fatalf("row %d: %v", row.Line, row.Problems)
		}
		rows++
	}
	if rows < 5000 {
		t.Fatalf("%d rows read", rows)
	}
}
