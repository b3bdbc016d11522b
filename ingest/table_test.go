package ingest_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/ingest"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// sample is YSK's official per-box file of the 30 March 2014 council
// race for Bilecik, Adalar and Çatalca (see resultfile/testdata/README.md).
const sample = "../resultfile/testdata/yerel2014-sample.tsv"

// admin reads the centre whole, as the command line does.
var admin = sandik.User{ID: "admin", Name: "Yönetici", Role: sandik.RoleAdmin}

func newCenter(t *testing.T) *center.Center {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "s.db")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := center.Open(ctx, center.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); st.Close() })
	return c
}

func officialOpts() ingest.TableOptions {
	return ingest.TableOptions{Election: "2014-yerel", ElectionName: "30 Mart 2014 Mahalli İdareler", Date: time.Date(2014, 3, 30, 0, 0, 0, 0, time.UTC),
		Race: "meclis", RaceName: "Belediye Meclisi", User: "ysk", Source: sandik.SourceOfficial}
}

func fileOpener(path string) ingest.Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func bytesOpener(b []byte) ingest.Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// recount reads the sample with nothing but the standard library and sums
// it per constituency (column "Seçim Çevresi"): the independent answer.
type recounted struct {
	boxes             int
	registered, voted int64
	valid, invalid    int64
	party             map[string]int64
}

func readSample(t *testing.T) (header []string, rows [][]string) {
	t.Helper()
	raw, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	text := strings.TrimPrefix(string(utf16.Decode(u)), "\ufeff")
	lines := strings.Split(strings.TrimRight(text, "\r\n"), "\r\n")
	header = strings.Split(lines[0], "\t")
	for _, l := range lines[1:] {
		rows = append(rows, strings.Split(l, "\t"))
	}
	return header, rows
}

func recount(t *testing.T) map[string]*recounted {
	header, rows := readSample(t)
	out := map[string]*recounted{}
	num := func(s string) int64 {
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range rows {
		key := c[0] + "|" + c[4]
		r := out[key]
		if r == nil {
			r = &recounted{party: map[string]int64{}}
			out[key] = r
		}
		r.boxes++
		r.registered += num(c[7])
		r.voted += num(c[8])
		r.valid += num(c[11])
		r.invalid += num(c[12])
		for i := 13; i < len(c); i++ {
			r.party[header[i]] += num(c[i])
		}
	}
	return out
}

func TestImportOfficialSample(t *testing.T) {
	ctx := context.Background()
	c := newCenter(t)
	var progressed int
	plan, res, err := ingest.ImportTable(ctx, c, fileOpener(sample), ingest.FormatText, officialOpts(), func(done, total int) { progressed = done })
	if err != nil {
		t.Fatal(err)
	}
	if plan.Rows != 627 || plan.Boxes != 627 || res.Written != 627 || res.Replayed != 0 || progressed != 627 {
		t.Fatalf("rows %d boxes %d written %d replayed %d progress %d; want 627 each", plan.Rows, plan.Boxes, res.Written, res.Replayed, progressed)
	}
	// The sample's rows all add up: the exact list of rows whose party
	// votes do not is empty (the injected test below has some).
	if plan.FlaggedRows != 0 || len(plan.Flagged) != 0 {
		t.Errorf("flagged %d rows: %+v", plan.FlaggedRows, plan.Flagged)
	}
	want := recount(t)
	if plan.Races != len(want) {
		t.Errorf("%d races, want one per constituency: %d", plan.Races, len(want))
	}
	if err := c.WaitFor(ctx, res.LastSeq); err != nil {
		t.Fatal(err)
	}
	reg := c.Registry()
	seen := 0
	for _, rc := range reg.Races {
		scope, _ := reg.Area(rc.Scope)
		il, _ := reg.Area(scope.Parent)
		w := want[il.YSKID+"|"+scope.Name]
		if w == nil {
			t.Errorf("race %s: constituency %s of %s is not in the file", rc.Code, scope.Name, il.Name)
			continue
		}
		seen++
		tot, err := c.View(admin).Totals(rc.Code, rc.Scope)
		if err != nil {
			t.Fatal(err)
		}
		tt := tot.Totals
		if tt.BoxesExpected != w.boxes || tt.BoxesOfficial != w.boxes || tt.BoxesReported != 0 {
			t.Errorf("%s: boxes expected %d official %d reported %d; want %d, %d, 0", scope.Name, tt.BoxesExpected, tt.BoxesOfficial, tt.BoxesReported, w.boxes, w.boxes)
		}
		o := tt.Official
		if o.Registered != w.registered || o.Voted != w.voted || o.ValidTotal != w.valid || o.Invalid != w.invalid || tt.Registered != w.registered {
			t.Errorf("%s: official registered %d voted %d valid %d invalid %d; recount %d %d %d %d", scope.Name,
				o.Registered, o.Voted, o.ValidTotal, o.Invalid, w.registered, w.voted, w.valid, w.invalid)
		}
		for i, ch := range rc.Choices {
			if o.Votes[i] != w.party[ch.Name] {
				t.Errorf("%s: %s has %d official votes, recount %d", scope.Name, ch.Name, o.Votes[i], w.party[ch.Name])
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d constituencies checked, want %d", seen, len(want))
	}
	// Belde constituencies are their own areas beside their district.
	if a, ok := reg.Area("11.bozuyuk-dodurga"); !ok || a.Level != sandik.LevelIlce || a.Parent != "11" {
		t.Errorf("town constituency area: %+v %v", a, ok)
	}
	if a, ok := reg.Area("34.135"); !ok || a.Name != "ÇATALCA" || a.YSKID != "135" {
		t.Errorf("district area: %+v %v", a, ok)
	}

	// The same file again changes nothing.
	areas, seq := len(reg.Areas), c.Seq()
	plan2, res2, err := ingest.ImportTable(ctx, c, fileOpener(sample), ingest.FormatText, officialOpts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Written != 0 || res2.Replayed != 627 || plan2.NewAreas != 0 || plan2.NewRegistrations != 0 {
		t.Errorf("second import: %+v, new areas %d, registrations %d", res2, plan2.NewAreas, plan2.NewRegistrations)
	}
	if len(c.Registry().Areas) != areas || c.Seq() != seq {
		t.Errorf("second import changed the registry (%d → %d areas) or the log (%d → %d)", areas, len(c.Registry().Areas), seq, c.Seq())
	}
}

// withRows rewrites the sample as UTF-8 TSV, changing some lines.
func withRows(t *testing.T, change func(line int, cells []string) []string) []byte {
	header, rows := readSample(t)
	var b bytes.Buffer
	b.WriteString(strings.Join(header, "\t") + "\n")
	for i, c := range rows {
		c = change(i+2, slices.Clone(c))
		if c == nil {
			continue
		}
		b.WriteString(strings.Join(c, "\t") + "\n")
	}
	return b.Bytes()
}

func TestImportKeepsAndFlagsBrokenRows(t *testing.T) {
	ctx := context.Background()
	c := newCenter(t)
	file := withRows(t, func(line int, c []string) []string {
		switch line {
		case 10: // one more vote for the first party than the valid total allows
			n, _ := strconv.Atoi(c[13])
			c[13] = strconv.Itoa(n + 1)
		case 200: // valid + invalid ≠ voted
			n, _ := strconv.Atoi(c[8])
			c[8] = strconv.Itoa(n + 5)
		}
		return c
	})
	plan, res, err := ingest.ImportTable(ctx, c, bytesOpener(file), ingest.FormatText, officialOpts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != 627 || plan.FlaggedRows != 2 {
		t.Fatalf("written %d flagged %d; want 627 and 2", res.Written, plan.FlaggedRows)
	}
	var got []string
	for _, f := range plan.Flagged {
		got = append(got, strconv.Itoa(f.Line)+":"+strings.Join(f.Rules, ","))
	}
	if want := []string{"10:choices_sum", "200:voted_sum"}; !slices.Equal(got, want) {
		t.Errorf("flagged %v, want %v", got, want)
	}
	// The stored submission carries the warning.
	box := plan.Flagged[0].Box
	if err := c.WaitFor(ctx, res.LastSeq); err != nil {
		t.Fatal(err)
	}
	var race sandik.RaceCode
	for _, rc := range c.Registry().Races {
		if c.Registry().InRace(&rc, box) {
			race = rc.Code
		}
	}
	d, err := c.View(admin).Box(ctx, race, box)
	if err != nil {
		t.Fatal(err)
	}
	if d.State.Official == nil || d.State.OfficialWarnings&sandik.WarnChoicesSum == 0 {
		t.Errorf("box %s: official %v warnings %v", box, d.State.Official, d.State.OfficialWarnings.Names())
	}
}

func TestRejectedFileChangesNothing(t *testing.T) {
	ctx := context.Background()
	c := newCenter(t)
	file := withRows(t, func(line int, c []string) []string {
		switch line {
		case 5:
			c[9] = "12a" // not a number
		case 6:
			c[6] = "" // no box number
		case 8:
			c = c[:20] // cells missing
		case 9:
			c[13] = "12000000" // no box holds that many
		}
		return c
	})
	_, _, err := ingest.ImportTable(ctx, c, bytesOpener(file), ingest.FormatText, officialOpts(), nil)
	if sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("err %v, want EInvalid", err)
	}
	lines := map[int]string{}
	for _, p := range sandik.ProblemsOf(err) {
		lines[p.Line] = p.Field
	}
	for _, l := range []int{5, 6, 8, 9} {
		if lines[l] == "" {
			t.Errorf("line %d not reported: %v", l, sandik.ProblemsOf(err))
		}
	}
	if !strings.Contains(err.Error(), "4 of 627 rows") {
		t.Errorf("message %q", err)
	}
	if len(c.Registry().Areas) != 0 || c.Seq() != 0 {
		t.Errorf("a rejected file changed the centre: %d areas, seq %d", len(c.Registry().Areas), c.Seq())
	}
	// A repeated box is refused too, naming both lines.
	_, rows := readSample(t)
	dup := withRows(t, func(line int, c []string) []string {
		if line == 20 {
			return rows[0]
		}
		return c
	})
	_, err = ingest.Check(bytesOpener(dup), ingest.FormatText, sandik.EmptyRegistry(), officialOpts())
	ps := sandik.ProblemsOf(err)
	if len(ps) != 1 || ps[0].Line != 20 || ps[0].Rule != sandik.RuleDuplicate || !strings.Contains(ps[0].Message, "line 2") {
		t.Errorf("duplicate box: %v", ps)
	}
}

func TestOptionsValidated(t *testing.T) {
	bad := ingest.TableOptions{Election: "", Race: "a b", User: "", Source: sandik.SourceObserver}
	_, err := ingest.Check(fileOpener(sample), ingest.FormatText, sandik.EmptyRegistry(), bad)
	var fields []string
	for _, p := range sandik.ProblemsOf(err) {
		fields = append(fields, p.Field)
	}
	if want := []string{"election", "race", "race_name", "user", "source"}; !slices.Equal(fields, want) {
		t.Errorf("problems on %v, want %v", fields, want)
	}
}

// An official file arriving after the registry maps onto its areas by YSK
// id instead of creating new ones.
func TestImportIntoExistingRegistry(t *testing.T) {
	ctx := context.Background()
	c := newCenter(t)
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "tr", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "tr", Level: sandik.LevelIl, Name: "İstanbul", YSKID: "34"},
		{Code: "34.adalar", Parent: "34", Level: sandik.LevelIlce, Name: "Adalar", YSKID: "3"},
	}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ImportRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	plan, _, err := ingest.ImportTable(ctx, c, fileOpener(sample), ingest.FormatText, officialOpts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	after := c.Registry()
	if a, ok := after.Area("11"); !ok || a.Parent != "tr" {
		t.Errorf("new province not below the country: %+v", a)
	}
	n := 0
	for _, a := range after.Areas {
		if a.Parent == "34.adalar" {
			n++
		}
	}
	if n == 0 {
		t.Error("Adalar's neighbourhoods were not placed under the existing district")
	}
	if _, ok := after.Race("2014-yerel.meclis.34.adalar"); !ok {
		t.Errorf("no race for the existing district; plan %+v", plan.Races)
	}
}
