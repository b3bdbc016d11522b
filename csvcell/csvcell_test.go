package csvcell

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"Kadıköy":                  "Kadıköy",
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+90 555":                  "'+90 555",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"-12":                      "-12",
		"+7":                       "+7",
		"-1.234,5":                 "-1.234,5",
		"-12,5%":                   "-12,5%",
		"-Inf":                     "'-Inf",
		"-1e5":                     "'-1e5",
		"12=3":                     "12=3",
		"a=b":                      "a=b",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterGuardsEveryCell(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Comma = ';'
	if err := w.WriteAll([][]string{{"=1+1", "-3", "x"}, {"@a", "b", "+c"}}); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	r.Comma = ';'
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[0], []string{"'=1+1", "-3", "x"}) || !slices.Equal(got[1], []string{"'@a", "b", "'+c"}) {
		t.Errorf("records %q", got)
	}
}

func TestUncellUndoesCell(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(rapid.String(), rapid.StringMatching(`['=+@-]{0,3}[0-9a-zçğıöşü ]{0,6}`)).Draw(t, "s")
		if got := Uncell(Cell(s)); got != s {
			t.Fatalf("Uncell(Cell(%q)) = %q (Cell gave %q)", s, got, Cell(s))
		}
		if c := Cell(s); c != "" && formulaStart(c[0]) && !number.MatchString(c) {
			t.Fatalf("Cell(%q) = %q still starts a formula", s, c)
		}
	})
}
