package resultfile

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestSplitRecord(t *testing.T) {
	for _, tc := range []struct {
		in    string
		comma byte
		want  []string
		errAt []int // columns with a quoting problem
	}{
		{"a;b;c", ';', []string{"a", "b", "c"}, nil},
		{"a;;", ';', []string{"a", "", ""}, nil},
		{"", ';', []string{""}, nil},
		{`"a;b";c`, ';', []string{"a;b", "c"}, nil},
		{`  "a" ;b`, ';', []string{"a", "b"}, nil},
		{`"a""b";"";""""`, ';', []string{`a"b`, "", `"`}, nil},
		{`a"b;c`, ';', []string{`a"b`, "c"}, nil},
		{`"a"b;c`, ';', []string{"ab", "c"}, []int{0}},
		{`x;"open`, ';', []string{"x", "open"}, []int{1}},
		{"\"a\nb\"\t2", '\t', []string{"a\nb", "2"}, nil},
		{`1,"2"`, ',', []string{"1", "2"}, nil},
		{`"x" y`, ',', []string{"x y"}, []int{0}},
	} {
		got, errs := splitRecord([]byte(tc.in), tc.comma, nil)
		var at []int
		for _, e := range errs {
			at = append(at, e.col)
		}
		if !slices.Equal(got, tc.want) || !slices.Equal(at, tc.errAt) {
			t.Errorf("splitRecord(%q) = %q, problems at %v; want %q at %v", tc.in, got, at, tc.want, tc.errAt)
		}
	}
}

func TestSniffComma(t *testing.T) {
	for in, want := range map[string]byte{
		"a\tb\tc":             '\t',
		"a;b;c,d":             ';',
		"a,b,c;d":             ',',
		`"a;b;c;d",e,f`:       ',',
		"a\tb\n;;;;;;;;;;;;;": '\t',
		"abc":                 '\t',
		// Title lines above the header may use another delimiter.
		"Adana, İl Genel Meclisi; 2014\n\n" + strings.Join(smallHeader, "\t"): '\t',
		"Adana\t2014\n" + strings.Join(smallHeader, ";") + "\n1;2":            ';',
		// A header with a misspelt field still splits into the most
		// known columns.
		"Başlık, 2014\n" + strings.Replace(strings.Join(smallHeader, "\t"), "Sandık No", "Sandk No", 1): '\t',
		"": '\t',
	} {
		if got := sniffComma([]byte(in)); got != want {
			t.Errorf("sniffComma(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScanQuotes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`a;b`, stUnquoted},
		{`a;`, stFieldStart},
		{`a;"b`, stQuoted},
		{`a;"b""`, stQuoted},
		{`a;"b"`, stUnquoted},
		{`a;"b";`, stFieldStart},
		{`a;"b"x"`, stUnquoted},
		{` "`, stQuoted},
	} {
		if got := scanQuotes(stFieldStart, []byte(tc.in), ';'); got != tc.want {
			t.Errorf("scanQuotes(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// Characters outside the Basic Multilingual Plane come as surrogate
// pairs in UTF-16 and must come out whole.
func TestUTF16Supplementary(t *testing.T) {
	text := "İl\tşehir 🗳️\r\nçğıöşü ÇĞİÖŞÜ 𝟘\r\n"
	for _, enc := range []encoding{encUTF16LE, encUTF16BE, encUTF16LENoBOM, encUTF16BENoBOM} {
		got, err := io.ReadAll(decodeInput(bytes.NewReader(encodeText(text, enc))))
		if err != nil || string(got) != text {
			t.Errorf("encoding %d: %q, %v", enc, got, err)
		}
	}
	// Large input crosses the decoder's 4 KiB chunks.
	long := strings.Repeat("Sandık 🗳 ", 5000)
	got, err := io.ReadAll(decodeInput(bytes.NewReader(encodeText(long, encUTF16BE))))
	if err != nil || string(got) != long {
		t.Errorf("long text: %d bytes, %v", len(got), err)
	}
}

func TestObserverTopLevelTypes(t *testing.T) {
	for in, want := range map[string]string{
		"5":    "a number",
		"true": "a boolean",
		"null": "null",
		`"s"`:  "a string",
		`{}`:   `"{"`,
	} {
		_, err := ReadObserverFile("f.json", strings.NewReader(in))
		ps := headerProblems(t, err)
		if !strings.Contains(ps[0].Message, "want an array of boxes, got "+want) {
			t.Errorf("%s: %s", in, ps[0].Message)
		}
	}
	// Values of every JSON type where an object or number is wanted.
	boxes, err := ReadObserverFile("f.json", strings.NewReader(`[[1], "x", null, true, {"ballot_box_number": {}}]`))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"an array", "a string", "null", "a boolean", "an object"} {
		if ps := boxes[i].Problems; len(ps) == 0 || !strings.Contains(ps[0].Message, "is "+want) {
			t.Errorf("box %d: %v", i, ps)
		}
	}
}

func TestColumnOf(t *testing.T) {
	for in, want := range map[string]int{"column 1": 0, "column 12": 11, "İl": -1, "column x": -1, "columns 3": -1} {
		if got := columnOf(in); got != want {
			t.Errorf("columnOf(%q) = %d, want %d", in, got, want)
		}
	}
}
