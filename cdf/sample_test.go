package cdf_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cdf"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/ingest"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// The official sample of 2014 (627 boxes of İstanbul), imported and
// exported as open data: the report validates against NIST's schema and
// the CSV holds every box's official votes once.
func TestOpenDataOfTheOfficialSample(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return time.Date(2014, 4, 1, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	opts := ingest.TableOptions{Election: "2014-yerel", ElectionName: "30 Mart 2014 Mahalli İdareler", Date: time.Date(2014, 3, 30, 0, 0, 0, 0, time.UTC),
		Race: "meclis", RaceName: "Belediye Meclisi", User: "ysk", Source: sandik.SourceOfficial}
	open := func() (io.ReadCloser, error) { return os.Open("../resultfile/testdata/yerel2014-sample.tsv") }
	_, res, err := ingest.ImportTable(ctx, c, open, ingest.FormatText, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, res.LastSeq); err != nil {
		t.Fatal(err)
	}
	reg := c.Registry()
	// The sample's provinces are the registry's roots: one export each.
	var recs [][]string
	total := 0
	for _, province := range reg.Roots() {
		in, err := c.View(sandik.User{ID: "admin", Role: sandik.RoleAdmin}).OpenData(ctx, "2014-yerel", province)
		if err != nil {
			t.Fatal(err)
		}
		total += len(in.Boxes)
		var js bytes.Buffer
		if err := cdf.WriteJSON(&js, in); err != nil {
			t.Fatal(err)
		}
		if errs := loadSchema(t).validate(decode(t, js.Bytes())); len(errs) > 0 {
			t.Fatalf("the sample's report of %s does not validate (%d problems):\n%s", province, len(errs), strings.Join(errs[:min(len(errs), 20)], "\n"))
		}
		var cs bytes.Buffer
		if err := cdf.WriteCSV(&cs, in, func(s string) string { return s }); err != nil {
			t.Fatal(err)
		}
		rs, err := csv.NewReader(&cs).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rs[1:]...)
	}
	if total != 627 {
		t.Fatalf("%d boxes, want the sample's 627", total)
	}
	province := reg.Roots()[0]
	boxes := map[string]bool{}
	for _, r := range recs {
		if r[4] != "official" || r[5] == "" || r[6] != "2014-04-01T09:00:00Z" {
			t.Fatalf("row %v: want official figures first seen at the import", r)
		}
		boxes[r[2]+"|"+r[1]] = true
	}
	if len(boxes) != 627 {
		t.Errorf("%d boxes in the CSV, want 627", len(boxes))
	}
	// A district coordinator exports their district only.
	var district sandik.AreaCode
	for _, c := range reg.Children(province) {
		district = c
		break
	}
	u := sandik.User{ID: "ilce", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{district}}
	if _, err := c.View(u).OpenData(ctx, "2014-yerel", province); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("the province for a district coordinator: %v", err)
	}
	if _, err := c.View(sandik.User{ID: "v", Role: sandik.RoleVolunteer}).OpenData(ctx, "2014-yerel", province); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a volunteer exported sheets: %v", err)
	}
}
