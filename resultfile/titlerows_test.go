package resultfile

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

// titled returns the sample's records under the given title rows, with
// data record i (0-based, after the header) given a thousands separator
// in "Oy Kullanan Seçmen Sayısı" when broken is at least 0.
func titled(t testing.TB, titles [][]string, broken int) [][]string {
	t.Helper()
	recs := sampleRecords(t)
	out := slices.Clone(titles)
	for i, rec := range recs {
		rec = slices.Clone(rec)
		if i == broken+1 && broken >= 0 {
			rec[8] = "1.234"
		}
		out = append(out, rec)
	}
	return out
}

// sums adds up the six sheet fields and the votes per choice.
func sums(rows []Row) ([6]int64, []int64) {
	var fields [6]int64
	var votes []int64
	for _, r := range rows {
		for c, v := range []int64{r.Registered, r.Voted, r.ValidWithoutObjection, r.ValidUponObjection, r.ValidTotal, r.Invalid} {
			fields[c] += v
		}
		if votes == nil {
			votes = make([]int64, len(r.Votes))
		}
		for p, v := range r.Votes {
			votes[p] += v
		}
	}
	return fields, votes
}

// shifted returns rows with every line moved by n, problems included.
func shifted(rows []Row, n int) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		r.Line += n
		r.Problems = slices.Clone(r.Problems)
		for j := range r.Problems {
			r.Problems[j].Line += n
		}
		out[i] = r
	}
	return out
}

// checkTitled compares rows read from a file with title rows to the
// plain sample (want, its header on line 1): the same boxes and totals,
// every line moved by the header's line - 1, and only the broken row,
// on brokenLine, with a problem.
func checkTitled(t *testing.T, want, got []Row, headerLine, brokenLine int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	var bad []Row
	for _, r := range got {
		if len(r.Problems) > 0 {
			bad = append(bad, r)
		}
	}
	if len(bad) != 1 || bad[0].Line != brokenLine || len(bad[0].Problems) != 1 ||
		!hasProblem(bad[0].Problems, "Oy Kullanan Seçmen Sayısı", brokenLine, sandik.RuleInvalidValue) {
		t.Fatalf("want one problem on line %d, got rows %+v", brokenLine, bad)
	}
	// Apart from the broken cell, the rows are the plain file's.
	fixed := slices.Clone(got)
	for i := range fixed {
		if fixed[i].Line == brokenLine {
			fixed[i].Problems, fixed[i].Voted = nil, want[i].Voted
		}
	}
	if diff := cmp.Diff(shifted(want, headerLine-1), fixed); diff != "" {
		t.Fatalf("rows differ from the plain file's (-want +got):\n%s", diff)
	}
	wantFields, wantVotes := sums(want)
	gotFields, gotVotes := sums(fixed)
	if gotFields != wantFields || !slices.Equal(gotVotes, wantVotes) {
		t.Fatalf("totals %v %v, want %v %v", gotFields, gotVotes, wantFields, wantVotes)
	}
}

// Title rows above the header, as people leave them in exported sheets,
// are skipped in every encoding and delimiter; line numbers stay the
// file's.
func TestTitleRowsText(t *testing.T) {
	_, want := readTable(t, mustRead(t, samplePath))
	title := []string{"2014 Mahalli İdareler Seçimi — Adana İl Genel Meclisi"}
	for _, tc := range []struct {
		name     string
		titles   [][]string
		comma    string
		eol      string
		quoteAll bool
		enc      encoding
		header   int // line of the header
	}{
		{"utf16le tab crlf", [][]string{title, {}}, "\t", "\r\n", false, encUTF16LE, 3},
		{"utf16be no bom tab lf", [][]string{title, {"Kaynak: YSK", "", ""}, {}}, "\t", "\n", false, encUTF16BENoBOM, 4},
		// Excel pads title rows with delimiters to the table's width.
		{"utf8 bom semicolon padded", [][]string{append(title, make([]string, 23)...), make([]string, 24)}, ";", "\r\n", false, encUTF8BOM, 3},
		// Punctuation of another delimiter in a title must not win.
		{"utf8 tab, title with commas", [][]string{{"Adana, İl Genel Meclisi, 2014; sandık bazında"}}, "\t", "\n", false, encUTF8, 2},
		{"utf8 comma title with semicolons", [][]string{{"Adana; İl Genel Meclisi; 2014"}, {}}, ",", "\n", false, encUTF8, 3},
		// A quoted title over two physical lines counts as two.
		{"utf8 semicolon quoted two-line title", [][]string{{"30 Mart 2014\nMahalli İdareler Seçimi"}, {}, {"Kaynak: YSK"}}, ";", "\r\n", true, encUTF8, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := encodeTable(titled(t, tc.titles, -1), tc.comma, tc.eol, tc.quoteAll, tc.enc)
			r, err := NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if r.HeaderLine() != tc.header {
				t.Fatalf("header on line %d, want %d", r.HeaderLine(), tc.header)
			}
			got := readAll(t, r)
			if diff := cmp.Diff(shifted(want, tc.header-1), got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			wantFields, wantVotes := sums(want)
			gotFields, gotVotes := sums(got)
			if gotFields != wantFields || !slices.Equal(gotVotes, wantVotes) {
				t.Fatalf("totals %v %v, want %v %v", gotFields, gotVotes, wantFields, wantVotes)
			}

			// Data row 10 (0-based 9) is line header+10.
			data = encodeTable(titled(t, tc.titles, 9), tc.comma, tc.eol, tc.quoteAll, tc.enc)
			_, got = readTable(t, data)
			checkTitled(t, want, got, tc.header, tc.header+10)
		})
	}
}

func TestTitleRowsXLSX(t *testing.T) {
	_, want := readTable(t, mustRead(t, samplePath))
	titles := [][]string{
		{"2014 Mahalli İdareler Seçimi — Adana İl Genel Meclisi"},
		{},           // row 2 is not in the sheet at all
		{"", "", ""}, // row 3 is, with empty cells
		{"Kaynak: YSK", "", "30.03.2014"},
	}
	data := workbook(t, []string{"Meclis"}, map[string][][]string{"Meclis": titled(t, titles, 9)})
	r, err := NewXLSXReader(bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.HeaderLine() != 5 {
		t.Fatalf("header on row %d, want 5", r.HeaderLine())
	}
	checkTitled(t, want, readAll(t, r), 5, 15)
}

// Without a header among the first MaxHeaderLine rows the error says so
// and names what the closest row lacks, on its own line.
func TestNoHeaderWithinBound(t *testing.T) {
	recs := sampleRecords(t)[:4]
	titles := func(n int) [][]string {
		out := make([][]string, n)
		for i := range out {
			out[i] = []string{"Başlık satırı"}
		}
		return out
	}
	t.Run("header on the last line searched", func(t *testing.T) {
		r, err := NewReader(bytes.NewReader(tsv(append(titles(MaxHeaderLine-1), recs...)...)))
		if err != nil {
			t.Fatal(err)
		}
		rows := readAll(t, r)
		if r.HeaderLine() != MaxHeaderLine || len(rows) != 3 || rows[0].Line != MaxHeaderLine+1 {
			t.Fatalf("header line %d, %d rows", r.HeaderLine(), len(rows))
		}
	})
	t.Run("header one line too far", func(t *testing.T) {
		_, err := NewReader(bytes.NewReader(tsv(append(titles(MaxHeaderLine), recs...)...)))
		ps := headerProblems(t, err)
		if !strings.Contains(err.Error(), "none of the first 20 lines") || !hasProblem(ps, "İl", 1, RuleMissingColumn) ||
			!hasProblem(ps, "Sandık No", 1, RuleMissingColumn) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("header one row too far in a sheet", func(t *testing.T) {
		data := workbook(t, []string{"S"}, map[string][][]string{"S": append(titles(MaxHeaderLine), recs...)})
		_, err := NewXLSXReader(bytes.NewReader(data), "")
		if ps := headerProblems(t, err); !strings.Contains(err.Error(), "none of the first 20 rows") || !hasProblem(ps, "İl", 1, RuleMissingColumn) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("blank lines only", func(t *testing.T) {
		data := append(bytes.Repeat([]byte("\t\t\n"), MaxHeaderLine), tsv(recs...)...)
		_, err := NewReader(bytes.NewReader(data))
		if ps := headerProblems(t, err); !hasProblem(ps, "header", 1, RuleMissingColumn) || !strings.Contains(ps[0].Message, "blank") {
			t.Fatalf("got %v", err)
		}
	})
	// A header missing a column under title rows is the closest row: the
	// missing column is named on the header's own line.
	noBox := slices.Clone(smallHeader)
	noBox[3] = "Sandk No"
	for _, tc := range []struct {
		name string
		data func() []byte
		unit string
	}{
		{"text", func() []byte {
			return encodeText(string(tsv(titles(2)[0], []string{"Mahalle / Köy"}, noBox, smallRow("1"))), encUTF16LE)
		}, "lines"},
		{"xlsx", func() []byte {
			return workbook(t, []string{"S"}, map[string][][]string{"S": {titles(1)[0], {"Mahalle / Köy"}, noBox, smallRow("1")}})
		}, "rows"},
	} {
		t.Run("misspelt header after titles, "+tc.name, func(t *testing.T) {
			var err error
			if tc.name == "xlsx" {
				_, err = NewXLSXReader(bytes.NewReader(tc.data()), "")
			} else {
				_, err = NewReader(bytes.NewReader(tc.data()))
			}
			ps := headerProblems(t, err)
			if !strings.Contains(err.Error(), "none of the first 20 "+tc.unit) || len(ps) != 2 ||
				!hasProblem(ps, "Sandk No", 3, RuleUnknownColumn) || !hasProblem(ps, "Sandık No", 3, RuleMissingColumn) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// A header found under titles is still checked, and fatal errors in or
// after title rows name their real line.
func TestTitleRowsErrors(t *testing.T) {
	dup := append(slices.Clone(smallHeader), "a")
	_, err := NewReader(bytes.NewReader(tsv([]string{"Başlık"}, dup, smallRow("1"))))
	if ps := headerProblems(t, err); len(ps) != 1 || !hasProblem(ps, "a", 2, sandik.RuleDuplicate) {
		t.Fatalf("duplicate party: %v", err)
	}

	good := string(tsv([]string{"Başlık"}, nil, smallHeader, smallRow("1"), smallRow("2")))
	for _, tc := range []struct {
		name string
		data []byte
		rows int
		line int
	}{
		{"windows-1254 in a title", []byte("Ba\xfel\xfdk\n" + good), 0, 1},
		{"utf16 surrogate after titled rows", append(encodeText(good, encUTF16LE), 0x00, 0xdc, '1', 0), 2, 6},
		{"windows-1254 after titled rows", append([]byte(good), "BOZ\xdcY\xdcK\t1\n"...), 2, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := fatal(t, tc.data)
			if n != tc.rows || !hasProblem(headerProblems(t, err), "encoding", tc.line, RuleEncoding) {
				t.Fatalf("%d rows, then %v; want %d rows, then an encoding problem on line %d", n, err, tc.rows, tc.line)
			}
		})
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
