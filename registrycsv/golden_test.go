package registrycsv

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s\n(run go test -update to accept)", path, diff)
	}
}

// TestGoldenSmall reads a directory written as a Turkish Excel would
// (semicolons, BOM, CRLF, DD.MM.YYYY dates, Turkish level names) mixed with
// hand-edited files, and pins the registry it yields.
func TestGoldenSmall(t *testing.T) {
	reg, err := ReadDir(filepath.Join("testdata", "small"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(struct {
		Areas         []sandik.Area
		Elections     []sandik.Election
		Races         []sandik.Race
		Registrations []sandik.Registration
		RaceBoxes     map[sandik.RaceCode][]sandik.AreaCode
	}{reg.Areas, reg.Elections, reg.Races, reg.Registrations, map[sandik.RaceCode][]sandik.AreaCode{
		"ibb": reg.RaceBoxes("ibb"), "adalar": reg.RaceBoxes("adalar"), "ibb-2": reg.RaceBoxes("ibb-2"),
	}}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "small.golden.json", string(b)+"\n")
}

// TestGoldenBroken pins the problems of a directory with one mistake of
// each kind, as a user would read them.
func TestGoldenBroken(t *testing.T) {
	_, err := ReadDir(filepath.Join("testdata", "broken"))
	if sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("want an invalid error, got %v", err)
	}
	var b strings.Builder
	b.WriteString(sandik.MessageOf(err) + "\n")
	for _, p := range sandik.ProblemsOf(err) {
		b.WriteString(p.Rule + "\t" + p.String() + "\n")
	}
	golden(t, "broken.golden.txt", b.String())
}
