package registrycsv

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
	"pgregory.net/rapid"
)

// nameGen makes names with the characters that trouble CSV and Turkish
// text: delimiters, quotes, newlines, dotted and dotless i.
func nameGen() *rapid.Generator[string] {
	// = + - @ and ' as first characters: names a spreadsheet would read as
	// formulas are written guarded and must read back as they were.
	chars := []rune("abcçğıİiIöşüÇĞÖŞÜ 0123,;\"'\t\n-.()=+@")
	return rapid.Custom(func(t *rapid.T) string {
		s := strings.TrimSpace(rapid.StringOfN(rapid.RuneFrom(chars), 1, 20, -1).Draw(t, "name"))
		if s == "" {
			s = "x"
		}
		return s
	})
}

// genRegistry draws a valid registry: a tree down to boxes, elections,
// races over parts of the tree and registrations of some boxes.
func genRegistry(t *rapid.T) *sandik.Registry {
	name := nameGen()
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: name.Draw(t, "country")}}
	var boxes, inner []sandik.AreaCode
	var grow func(parent sandik.AreaCode, level sandik.AreaLevel)
	grow = func(parent sandik.AreaCode, level sandik.AreaLevel) {
		n := rapid.IntRange(1, 3).Draw(t, "children")
		for i := range n {
			code := sandik.AreaCode(fmt.Sprintf("%s-%d", parent, i+1))
			lv := level
			if level == sandik.LevelBuilding && rapid.Bool().Draw(t, "skip building") {
				lv = sandik.LevelSandik // building is optional
			}
			areas = append(areas, sandik.Area{Code: code, Parent: parent, Level: lv, Name: name.Draw(t, "name"),
				YSKID: rapid.SampledFrom([]string{"", "963", "34"}).Draw(t, "ysk")})
			if lv == sandik.LevelSandik {
				boxes = append(boxes, code)
				continue
			}
			inner = append(inner, code)
			grow(code, lv+1)
		}
	}
	grow("TR", sandik.LevelIl)
	// Shuffle so that children may come before their parents.
	perm := rapid.Permutation(areas[1:]).Draw(t, "order")
	areas = append(areas[:1], perm...)

	var elections []sandik.Election
	var races []sandik.Race
	var regs []sandik.Registration
	for i := range rapid.IntRange(0, 2).Draw(t, "elections") {
		code := sandik.ElectionCode(fmt.Sprintf("e%d", i))
		day := rapid.IntRange(0, 365*30).Draw(t, "day")
		elections = append(elections, sandik.Election{
			Code: code, Name: name.Draw(t, "election"), Quorum: rapid.IntRange(1, 9).Draw(t, "quorum"),
			Date: time.Date(2000, 1, 1+day, 0, 0, 0, 0, sandik.Istanbul()),
		})
		for j := range rapid.IntRange(0, 2).Draw(t, "races") {
			rc := sandik.Race{Code: sandik.RaceCode(fmt.Sprintf("%s-r%d", code, j)), Election: code,
				Name: name.Draw(t, "race"), Scope: rapid.SampledFrom(append([]sandik.AreaCode{"TR"}, inner...)).Draw(t, "scope")}
			for k := range rapid.IntRange(1, 5).Draw(t, "choices") {
				rc.Choices = append(rc.Choices, sandik.Choice{Code: sandik.ChoiceCode(fmt.Sprintf("C%d", k)), Name: name.Draw(t, "choice")})
			}
			races = append(races, rc)
		}
		for _, box := range boxes {
			if rapid.IntRange(0, 3).Draw(t, "registered?") > 0 {
				regs = append(regs, sandik.Registration{Election: code, Box: box, Registered: rapid.Int64Range(0, sandik.MaxSheetNumber).Draw(t, "registered")})
			}
		}
	}
	reg, err := sandik.NewRegistry(areas, elections, races, regs)
	if err != nil {
		t.Fatalf("generator made an invalid registry: %v", err)
	}
	return reg
}

// errorer is what testing.T and rapid.T share.
type errorer interface {
	Helper()
	Errorf(format string, args ...any)
}

func equalRegistries(t errorer, want, got *sandik.Registry) {
	t.Helper()
	for _, d := range []struct {
		what string
		diff string
	}{
		{"areas", cmp.Diff(want.Areas, got.Areas)},
		{"elections", cmp.Diff(want.Elections, got.Elections)},
		{"races", cmp.Diff(want.Races, got.Races)},
		{"registrations", cmp.Diff(want.Registrations, got.Registrations)},
	} {
		if d.diff != "" {
			t.Errorf("%s differ (-want +got):\n%s", d.what, d.diff)
		}
	}
}

func TestWriteDirReadDirRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rapid.Check(t, func(rt *rapid.T) {
		want := genRegistry(rt)
		if err := WriteDir(dir, want); err != nil {
			rt.Fatal(err)
		}
		got, err := ReadDir(dir)
		if err != nil {
			rt.Fatal(err)
		}
		equalRegistries(rt, want, got)
	})
}

func TestWriteFormat(t *testing.T) {
	want, err := readStrings(base())
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range base() {
		var buf bytes.Buffer
		if err := Write(&buf, name, want); err != nil {
			t.Fatal(err)
		}
		// The base files are written in the canonical form already.
		if diff := cmp.Diff(content, buf.String()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if err := Write(io.Discard, "people.csv", want); err == nil {
		t.Error("unknown file name accepted")
	}
}

func TestReadDirErrors(t *testing.T) {
	if _, err := ReadDir(t.TempDir()); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("empty dir: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, AreasFile), []byte(base()[AreasFile]), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("ignored"), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := ReadDir(dir)
	if err != nil || len(reg.Areas) != 7 {
		t.Fatalf("areas only: %v", err)
	}
	if _, err := ReadFiles(filepath.Join(dir, "missing.csv")); err == nil || sandik.CodeOf(err) != sandik.EInternal {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFiles(filepath.Join(dir, AreasFile), filepath.Join(dir, ".", AreasFile)); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("same name twice: %v", err)
	}
}

// TestWriteGuardsFormulas: a name a spreadsheet would run is written as
// text, and reads back unchanged.
func TestWriteGuardsFormulas(t *testing.T) {
	reg, err := readStrings(base())
	if err != nil {
		t.Fatal(err)
	}
	reg.Areas[1].Name = `=HYPERLINK("http://evil.example","Kadıköy")`
	var buf bytes.Buffer
	if err := Write(&buf, AreasFile, reg); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `,=HYPERLINK`) || strings.Contains(buf.String(), `"=HYPERLINK`) {
		t.Fatalf("a formula cell reached the file:\n%s", buf.String())
	}
	files := base()
	files[AreasFile] = buf.String()
	back, err := readStrings(files)
	if err != nil {
		t.Fatal(err)
	}
	if back.Areas[1].Name != reg.Areas[1].Name {
		t.Errorf("read back %q", back.Areas[1].Name)
	}
}
