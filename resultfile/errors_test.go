package resultfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestBadHeader(t *testing.T) {
	without := func(name string) []string {
		return slices.DeleteFunc(slices.Clone(smallHeader), func(h string) bool { return h == name })
	}
	tooWide := slices.Clone(smallHeader)
	for i := range MaxColumns {
		tooWide = append(tooWide, fmt.Sprintf("P%d", i))
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		field  string
		rule   string
		nProbs int // 0: do not check
	}{
		{"empty", nil, "header", sandik.RuleRequired, 1},
		{"only blank lines", []byte("\n\r\n\t\t\n"), "header", sandik.RuleRequired, 1},
		{"misspelt field", tsv(append([]string{"İl", "Seçim Çevresi", "Sandk No"}, smallHeader[3:]...)), "Sandk No", RuleUnknownColumn, 1},
		{"missing box number", tsv(without("Sandık No")), "Sandık No", RuleMissingColumn, 1},
		{"missing invalid", tsv(without(smallHeader[9])), smallHeader[9], RuleMissingColumn, 1},
		{"missing district", tsv(without("Seçim Çevresi")), "Seçim Çevresi", RuleMissingColumn, 1},
		{"duplicate field", tsv(append([]string{"il"}, smallHeader...)), "İl", sandik.RuleDuplicate, 1},
		{"duplicate party", tsv(append(slices.Clone(smallHeader), "a")), "a", sandik.RuleDuplicate, 1},
		{"unnamed party", tsv(append(slices.Clone(smallHeader), " ")), "column 13", sandik.RuleRequired, 1},
		{"no parties", tsv(smallHeader[:10]), "header", RuleMissingColumn, 1},
		{"too many columns", tsv(tooWide), "header", RuleTooMany, 1},
		{"registry file", []byte("code,parent,level,name\nTR,,country,Türkiye\n"), "İl", RuleMissingColumn, 0},
		{"unterminated quote", []byte(`"İl,Seçim Çevresi` + "\n"), "column 1", RuleSyntax, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tc.data))
			ps := headerProblems(t, err)
			if !hasProblem(ps, tc.field, 1, tc.rule) {
				t.Fatalf("no problem %s/%s on line 1 in %v", tc.field, tc.rule, ps)
			}
			if tc.nProbs > 0 && len(ps) != tc.nProbs {
				t.Fatalf("%d problems, want %d: %v", len(ps), tc.nProbs, ps)
			}
			for _, p := range ps {
				if p.Field == "" || p.Message == "" {
					t.Fatalf("problem without field or message: %+v", p)
				}
			}
		})
	}
}

func TestBadCells(t *testing.T) {
	row := func(i int, v string) []string {
		r := smallRow("1001")
		r[i] = v
		return r
	}
	for _, tc := range []struct {
		name  string
		row   []string
		field string
		rule  string
	}{
		{"thousands separator", row(4, "1.234"), smallHeader[4], sandik.RuleInvalidValue},
		{"decimal", row(5, "250,0"), smallHeader[5], sandik.RuleInvalidValue},
		{"letters", row(10, "12a"), "A", sandik.RuleInvalidValue},
		{"negative", row(11, "-3"), "B", sandik.RuleNegative},
		{"lone minus", row(11, "-"), "B", sandik.RuleInvalidValue},
		{"too large", row(8, "1000001"), smallHeader[8], sandik.RuleTooLarge},
		{"overflow", row(8, "99999999999999999999999"), smallHeader[8], sandik.RuleTooLarge},
		{"empty required number", row(9, " "), smallHeader[9], sandik.RuleRequired},
		{"empty box number", row(3, ""), "Sandık No", sandik.RuleRequired},
		{"empty province", row(0, ""), "İl", sandik.RuleRequired},
		{"too few cells", smallRow("1001")[:10], "A", RuleFieldCount},
		{"too many cells", append(smallRow("1001"), "5"), "column 13", RuleFieldCount},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The bad row is line 3, between two good ones.
			_, rows := readTable(t, tsv(smallHeader, smallRow("1000"), tc.row, smallRow("1002")))
			if len(rows) != 3 || len(rows[0].Problems)+len(rows[2].Problems) > 0 {
				t.Fatalf("neighbours affected: %+v", rows)
			}
			ps := rows[1].Problems
			if !hasProblem(ps, tc.field, 3, tc.rule) {
				t.Fatalf("no problem %s/%s on line 3 in %v", tc.field, tc.rule, ps)
			}
			if len(ps) != 1 {
				t.Fatalf("%d problems, want 1: %v", len(ps), ps)
			}
		})
	}
	t.Run("broken quoting names the column", func(t *testing.T) {
		data := encodeTable([][]string{smallHeader}, ";", "\n", false, encUTF8)
		data = append(data, `BİLECİK;SÖĞÜT;"ÇAYIR"x;1001;300;250;240;0;240;10;140;100`+"\n"...)
		_, rows := readTable(t, data)
		if !hasProblem(rows[0].Problems, "Mahalle / Köy", 2, RuleSyntax) || rows[0].Neighbourhood.Name != "ÇAYIRx" {
			t.Fatalf("%+v", rows[0])
		}
	})
	t.Run("unclosed quote at the end", func(t *testing.T) {
		data := encodeTable([][]string{smallHeader}, ",", "\n", false, encUTF8)
		data = append(data, `BİLECİK,SÖĞÜT,"ÇAYIR`+"\nMAH.,1001"...)
		_, rows := readTable(t, data)
		if len(rows) != 1 || !hasProblem(rows[0].Problems, "Mahalle / Köy", 2, RuleSyntax) {
			t.Fatalf("%+v", rows)
		}
	})
}

// fatal reads a whole table and returns the error that stopped it, with
// the number of rows read before.
func fatal(t *testing.T, data []byte) (int, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	for n := 0; ; n++ {
		if _, err := r.Next(); err != nil {
			if errors.Is(err, io.EOF) {
				t.Fatal("want a fatal error, read to the end")
			}
			return n, err
		}
	}
}

func TestFatalErrors(t *testing.T) {
	good := string(tsv(smallHeader, smallRow("1"), smallRow("2")))
	utf16le := encodeText(good, encUTF16LE)
	for _, tc := range []struct {
		name  string
		data  []byte
		rows  int
		line  int
		rule  string
		field string
	}{
		{"lone low surrogate", append(slices.Clone(utf16le), 0x00, 0xdc, '1', 0), 2, 4, RuleEncoding, "encoding"},
		{"high surrogate without pair", append(slices.Clone(utf16le), 0x00, 0xd8, 'x', 0), 2, 4, RuleEncoding, "encoding"},
		{"high surrogate at end", append(slices.Clone(utf16le), 0x00, 0xd8), 2, 4, RuleEncoding, "encoding"},
		{"odd number of bytes", append(slices.Clone(utf16le), '1'), 2, 4, RuleEncoding, "encoding"},
		{"bad utf16 in header", append([]byte(bomUTF16BE), 0xdc, 0x00), 0, 1, RuleEncoding, "encoding"},
		{"windows-1254", append([]byte(good), "BOZ\xdcY\xdcK\t1\n"...), 2, 4, RuleEncoding, "encoding"},
		{"line too long", append([]byte(good), strings.Repeat("9", MaxLineBytes+10)...), 2, 4, RuleTooLong, "line"},
		{"quoted cell too long", append([]byte(good), ("\"" + strings.Repeat("9\n", MaxLineBytes/2+10))...), 2, 4, RuleTooLong, "line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := fatal(t, tc.data)
			if n != tc.rows {
				t.Errorf("%d rows before the error, want %d", n, tc.rows)
			}
			ps := headerProblems(t, err)
			if !hasProblem(ps, tc.field, tc.line, tc.rule) {
				t.Fatalf("no problem %s/%s on line %d: %v", tc.field, tc.rule, tc.line, err)
			}
			if tc.rows > 0 {
				// The error stays: nothing after a broken record is read.
				r, _ := NewReader(bytes.NewReader(tc.data))
				for range tc.rows {
					_, _ = r.Next()
				}
				_, first := r.Next()
				if _, again := r.Next(); again != first {
					t.Fatalf("second Next returned %v after %v", again, first)
				}
			}
		})
	}
}

// A failing io.Reader is a plain wrapped error, not EInvalid.
func TestReadError(t *testing.T) {
	boom := errors.New("disk gone")
	src := io.MultiReader(bytes.NewReader(tsv(smallHeader, smallRow("1"))), &failing{boom})
	r, err := NewReader(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	if !errors.Is(err, boom) || sandik.CodeOf(err) != sandik.EInternal {
		t.Fatalf("got %v", err)
	}
	if _, err := NewReader(&failing{boom}); !errors.Is(err, boom) {
		t.Fatalf("NewReader: %v", err)
	}
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

// A 100 MB line, in UTF-8 or UTF-16, is refused having read little more
// than MaxLineBytes of it: the text reader holds one record at most, so
// the bytes read stand for the memory used.
func TestLongLineStreamed(t *testing.T) {
	for _, enc := range []encoding{encUTF8, encUTF16LE} {
		head := encodeText(string(tsv(smallHeader, smallRow("1001"))), enc)
		fill := byte('9')
		src := &countingReader{n: 100 << 20, fill: fill}
		var body io.Reader = src
		if enc == encUTF16LE {
			body = &interleave{r: src} // '9', 0, '9', 0, …
		}
		r, err := NewReader(io.MultiReader(bytes.NewReader(head), body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		_, err = r.Next()
		if ps := headerProblems(t, err); !hasProblem(ps, "line", 3, RuleTooLong) {
			t.Fatalf("encoding %d: %v", enc, err)
		}
		if src.read > 2*MaxLineBytes+256<<10 {
			t.Fatalf("encoding %d: read %d bytes of a 100 MB line", enc, src.read)
		}
	}
}

// interleave doubles each byte of r with a zero after it: ASCII as
// UTF-16LE.
type interleave struct {
	r   io.Reader
	buf []byte
}

func (u *interleave) Read(p []byte) (int, error) {
	if len(p) < 2 {
		return 0, io.ErrShortBuffer
	}
	u.buf = slices.Grow(u.buf[:0], len(p)/2)[:len(p)/2]
	n, err := u.r.Read(u.buf)
	for i, c := range u.buf[:n] {
		p[2*i], p[2*i+1] = c, 0
	}
	return 2 * n, err
}
