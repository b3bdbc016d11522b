package center_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/ingest"
	"github.com/sandik-dev/sandik/synth"
)

const officialSample = "../resultfile/testdata/yerel2014-sample.tsv"

// bruteSum is a roll-up computed the dumbest way: every row of the file
// read with the standard library and added to its province, its
// constituency and the whole, per party column name.
type bruteSum struct {
	boxes                 int
	voted, valid, invalid int64
	party                 map[string]int64
}

func bruteRollup(t *testing.T, raw []byte) (all *bruteSum, byIl, byIlce map[string]*bruteSum) {
	t.Helper()
	text := string(raw)
	if len(raw) > 1 && raw[0] == 0xff && raw[1] == 0xfe {
		u := make([]uint16, len(raw)/2)
		for i := range u {
			u[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
		}
		text = strings.TrimPrefix(string(utf16.Decode(u)), "\ufeff")
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n")
	header := strings.Split(lines[0], "\t")
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
	all, byIl, byIlce = &bruteSum{party: map[string]int64{}}, map[string]*bruteSum{}, map[string]*bruteSum{}
	get := func(m map[string]*bruteSum, k string) *bruteSum {
		if m[k] == nil {
			m[k] = &bruteSum{party: map[string]int64{}}
		}
		return m[k]
	}
	for _, l := range lines[1:] {
		c := strings.Split(l, "\t")
		for _, s := range []*bruteSum{all, get(byIl, c[3]), get(byIlce, c[3]+"|"+c[4])} {
			s.boxes++
			s.voted += num(c[8])
			s.valid += num(c[11])
			s.invalid += num(c[12])
			for i := 13; i < len(c); i++ {
				s.party[header[i]] += num(c[i])
			}
		}
	}
	return all, byIl, byIlce
}

func sameSum(t *testing.T, what string, want *bruteSum, got sandik.Rollup) {
	t.Helper()
	o := got.Official
	if got.BoxesOfficial != want.boxes || got.BoxesExpected != want.boxes || o.Voted != want.voted || o.ValidTotal != want.valid || o.Invalid != want.invalid {
		t.Errorf("%s: boxes %d/%d voted %d valid %d invalid %d; brute force: %d boxes, voted %d valid %d invalid %d",
			what, got.BoxesOfficial, got.BoxesExpected, o.Voted, o.ValidTotal, o.Invalid, want.boxes, want.voted, want.valid, want.invalid)
	}
	seen := map[string]bool{}
	for i, c := range got.Choices {
		seen[c.Name] = true
		if o.Votes[i] != want.party[c.Name] {
			t.Errorf("%s: %s has %d votes, brute force %d", what, c.Name, o.Votes[i], want.party[c.Name])
		}
		if want.valid > 0 && o.Shares[i] != float64(o.Votes[i])/float64(want.valid) {
			t.Errorf("%s: %s share %v", what, c.Name, o.Shares[i])
		}
	}
	for p, v := range want.party {
		if !seen[p] && v != 0 {
			t.Errorf("%s: party %s with %d votes is missing from the roll-up", what, p, v)
		}
	}
}

func importTable(t *testing.T, c *center.Center, raw []byte, kind string) {
	t.Helper()
	ctx := context.Background()
	opts := ingest.TableOptions{Election: "2014-yerel", ElectionName: "30 Mart 2014 Mahalli İdareler", Date: time.Date(2014, 3, 30, 0, 0, 0, 0, time.UTC),
		Race: kind, RaceName: "Belediye Meclisi", User: "ysk", Source: sandik.SourceOfficial}
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	_, res, err := ingest.ImportTable(ctx, c, open, ingest.FormatText, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, res.LastSeq); err != nil {
		t.Fatal(err)
	}
}

// checkRollups compares the whole election, every province and every
// constituency with the brute-force sums of the file.
func checkRollups(t *testing.T, c *center.Center, raw []byte) {
	t.Helper()
	all, byIl, byIlce := bruteRollup(t, raw)
	v := c.View(admin)
	whole, err := v.Rollup("2014-yerel", "meclis", "")
	if err != nil {
		t.Fatal(err)
	}
	if whole.Races != len(byIlce) {
		t.Errorf("%d races summed, want one per constituency: %d", whole.Races, len(byIlce))
	}
	sameSum(t, "whole election", all, whole.Rollup)
	if len(whole.Children) != len(byIl) {
		t.Fatalf("%d provinces, brute force %d", len(whole.Children), len(byIl))
	}
	for _, il := range whole.Children {
		sameSum(t, il.Name, byIl[il.Name], il)
		r, err := v.Rollup("2014-yerel", "meclis", il.Area)
		if err != nil {
			t.Fatal(err)
		}
		sameSum(t, il.Name+" by area", byIl[il.Name], r.Rollup)
		for _, d := range r.Children {
			key := il.Name + "|" + d.Name
			want := byIlce[key]
			if want == nil {
				t.Errorf("district %s (%s) not in the file", key, d.Area)
				continue
			}
			sameSum(t, key, want, d)
		}
	}
}

func TestRollupEqualsBruteForceOnOfficialSample(t *testing.T) {
	raw, err := os.ReadFile(officialSample)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, t.TempDir()+"/c.db")
	importTable(t, f.c, raw, "meclis")
	checkRollups(t, f.c, raw)
}

func TestRollupEqualsBruteForceOnSyntheticNation(t *testing.T) {
	shape := synth.National
	shape.Provinces, shape.DistrictsPerIl, shape.MahallesPerIlce, shape.BuildingsPerMah, shape.Choices = 4, 5, 6, 3, 12
	var buf bytes.Buffer
	if _, err := synth.WriteYSKTable(&buf, shape, 22); err != nil {
		t.Fatal(err)
	}
	f := open(t, t.TempDir()+"/c.db")
	importTable(t, f.c, buf.Bytes(), "meclis")
	checkRollups(t, f.c, buf.Bytes())
}

// A coordinator of one district reads the roll-up of their district, and
// of their province only its races they may read: the other districts'
// councils are left out and counted as hidden, never summed.
func TestRollupKeepsScopedUsersInTheirAreas(t *testing.T) {
	shape := synth.National
	shape.Provinces, shape.DistrictsPerIl, shape.MahallesPerIlce, shape.BuildingsPerMah, shape.Choices = 2, 3, 2, 2, 4
	var buf bytes.Buffer
	if _, err := synth.WriteYSKTable(&buf, shape, 5); err != nil {
		t.Fatal(err)
	}
	f := open(t, t.TempDir()+"/c.db")
	importTable(t, f.c, buf.Bytes(), "meclis")
	whole, err := f.c.View(admin).Rollup("2014-yerel", "meclis", "")
	if err != nil {
		t.Fatal(err)
	}
	il := whole.Children[0]
	byArea, err := f.c.View(admin).Rollup("2014-yerel", "meclis", il.Area)
	if err != nil {
		t.Fatal(err)
	}
	own, other := byArea.Children[0], byArea.Children[1]
	u := sandik.User{ID: "ilce", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{own.Area}}
	v := f.c.View(u)
	if _, err := v.Rollup("2014-yerel", "meclis", ""); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("whole election for a district coordinator: %v, want forbidden", err)
	}
	if _, err := v.Rollup("2014-yerel", "meclis", whole.Children[1].Area); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("another province: %v, want forbidden", err)
	}
	// A mahalle of another district is outside; so is that district's roll-up.
	if _, err := v.Rollup("2014-yerel", "meclis", other.Area); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("another district: %v, want forbidden", err)
	}
	got, err := v.Rollup("2014-yerel", "meclis", il.Area)
	if err != nil {
		t.Fatal(err)
	}
	if got.Races != 1 || got.RacesHidden != shape.DistrictsPerIl-1 || got.Official.ValidTotal != own.Official.ValidTotal {
		t.Errorf("province for its district's coordinator: %d races, %d hidden, valid %d; want 1, %d, %d (their district only)",
			got.Races, got.RacesHidden, got.Official.ValidTotal, shape.DistrictsPerIl-1, own.Official.ValidTotal)
	}
	if len(got.Children) != 1 || got.Children[0].Area != own.Area {
		t.Errorf("children %+v, want their district only", got.Children)
	}
	if _, err := v.Rollup("2014-yerel", "baskan", own.Area); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown kind: %v, want not found", err)
	}
}
