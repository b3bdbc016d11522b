package resultfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/sandik-dev/sandik"
)

const samplePath = "testdata/yerel2014-sample.tsv"

// sampleRecords reads the YSK sample without the package under test:
// UTF-16LE decoded by hand, split on CRLF and tabs.
func sampleRecords(t testing.TB) [][]string {
	t.Helper()
	raw, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte{0xff, 0xfe}) {
		t.Fatal("sample is not UTF-16LE with BOM")
	}
	units := make([]uint16, 0, len(raw)/2)
	for i := 2; i+1 < len(raw); i += 2 {
		units = append(units, binary.LittleEndian.Uint16(raw[i:]))
	}
	text := string(utf16.Decode(units))
	var out [][]string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		out = append(out, strings.Split(line, "\t"))
	}
	return out
}

// encoding of a generated table.
type encoding int

const (
	encUTF8 encoding = iota
	encUTF8BOM
	encUTF16LE
	encUTF16LENoBOM
	encUTF16BE
	encUTF16BENoBOM
)

// encodeTable writes records with the given delimiter and line end,
// quoting cells that need it and, with quoteAll, every cell.
func encodeTable(records [][]string, comma, eol string, quoteAll bool, enc encoding) []byte {
	var b strings.Builder
	for _, rec := range records {
		for i, c := range rec {
			if i > 0 {
				b.WriteString(comma)
			}
			if quoteAll || strings.ContainsAny(c, comma+"\"\n") {
				b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
			} else {
				b.WriteString(c)
			}
		}
		b.WriteString(eol)
	}
	return encodeText(b.String(), enc)
}

func encodeText(s string, enc encoding) []byte {
	switch enc {
	case encUTF8:
		return []byte(s)
	case encUTF8BOM:
		return append([]byte(bomUTF8), s...)
	}
	var out []byte
	switch enc {
	case encUTF16LE:
		out = []byte(bomUTF16LE)
	case encUTF16BE:
		out = []byte(bomUTF16BE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if enc == encUTF16BE || enc == encUTF16BENoBOM {
			out = binary.BigEndian.AppendUint16(out, u)
		} else {
			out = binary.LittleEndian.AppendUint16(out, u)
		}
	}
	return out
}

// readAll reads every row of r.
func readAll(t testing.TB, r *Reader) []Row {
	t.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

// readTable reads a whole text table, failing the test on any error.
func readTable(t testing.TB, data []byte) ([]string, []Row) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	defer r.Close()
	return r.Choices(), readAll(t, r)
}

// headerProblems returns the problems of a NewReader error, failing the
// test unless it is EInvalid.
func headerProblems(t testing.TB, err error) []sandik.Problem {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got none")
	}
	if sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("want EInvalid, got %v", err)
	}
	return sandik.ProblemsOf(err)
}

// hasProblem reports whether ps has a problem with this field, line and rule.
func hasProblem(ps []sandik.Problem, field string, line int, rule string) bool {
	for _, p := range ps {
		if p.Field == field && p.Line == line && p.Rule == rule {
			return true
		}
	}
	return false
}

// smallHeader is a minimal valid header with two parties.
var smallHeader = []string{"İl", "Seçim Çevresi", "Mahalle / Köy", "Sandık No",
	"Sandık Seçmen Listesinde Yazılı Seçmenlerin Sayısı", "Oy Kullanan Seçmen Sayısı",
	"İtiraz Edilmeksizin Geçerli Sayılan Oy Pusulalarının Sayısı",
	"İtiraz Üzerine Geçerli Sayılan veya Hesaba Katılan Oy Pusulalarının Sayısı",
	"Geçerli Oy Pusulalarının Toplamı", "Geçersiz Sayılan veya Hesaba Katılmayan Oy Pusulalarının Toplamı",
	"A", "B"}

func smallRow(box string) []string {
	return []string{"BİLECİK", "SÖĞÜT", "ÇAYIR MAH.", box, "300", "250", "240", "0", "240", "10", "140", "100"}
}

func tsv(records ...[]string) []byte { return encodeTable(records, "\t", "\n", false, encUTF8) }
