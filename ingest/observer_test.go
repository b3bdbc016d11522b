package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ingest"
	"github.com/sandik-dev/sandik/resultfile"
)

// observerDir holds 30 of Adana's school files of the Oy ve Ötesi network
// for 14 May 2023 (see resultfile/testdata/README.md).
const observerDir = "../resultfile/testdata/ovo2023-adana"

// presidential is the 2023 presidential ballot in its order (YSK).
var presidential = []sandik.Choice{
	{Code: "erdogan", Name: "Recep Tayyip Erdoğan"}, {Code: "ince", Name: "Muharrem İnce"},
	{Code: "kilicdaroglu", Name: "Kemal Kılıçdaroğlu"}, {Code: "ogan", Name: "Sinan Oğan"},
}

func observerOpts() ingest.ObserverOptions {
	return ingest.ObserverOptions{Election: "2023-genel", ElectionName: "14 Mayıs 2023 Genel Seçimleri", Date: time.Date(2023, 5, 14, 0, 0, 0, 0, time.UTC),
		Province: "01", ProvinceName: "ADANA", ProvinceYSK: "1", User: "ovo",
		Races: []ingest.ObserverRace{
			{Key: "cm", Code: "2023-genel.cb", Name: "Cumhurbaşkanı", Choices: presidential},
			{Key: "mv", Code: "2023-genel.mv", Name: "Milletvekili"},
		}}
}

func readObserver(t *testing.T) ([]resultfile.ObserverBox, []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(observerDir, "school_*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no observer files: %v", err)
	}
	var all []resultfile.ObserverBox
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		boxes, err := resultfile.ReadObserverFile(filepath.Base(f), r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, boxes...)
	}
	return all, files
}

// schoolTotals sums the presidential votes per school file with
// encoding/json alone: the independent answer.
func schoolTotals(t *testing.T, files []string) (boxes, results int, perSchool map[string][4]int64) {
	perSchool = map[string][4]int64{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc []struct {
			RawCM json.RawMessage `json:"cm_result"`
			RawMV json.RawMessage `json:"mv_result"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "school_"), ".json")
		sum := perSchool[id]
		for _, b := range doc {
			boxes++
			for _, raw := range []json.RawMessage{b.RawCM, b.RawMV} {
				if string(raw) != "null" && len(raw) > 0 {
					results++
				}
			}
			if string(b.RawCM) == "null" {
				continue
			}
			var cm struct {
				Votes map[string]int64 `json:"votes"`
			}
			if err := json.Unmarshal(b.RawCM, &cm); err != nil {
				t.Fatal(err)
			}
			for k, v := range cm.Votes {
				i := int(k[0] - '1')
				sum[i] += v
			}
		}
		perSchool[id] = sum
	}
	return boxes, results, perSchool
}

func TestImportObserverFiles(t *testing.T) {
	ctx := context.Background()
	c := newCenter(t)
	boxes, files := readObserver(t)
	wantBoxes, wantResults, perSchool := schoolTotals(t, files)
	plan, err := ingest.PlanObserver(c.Registry(), boxes, observerOpts())
	if err != nil {
		t.Fatal(err)
	}
	if plan.Boxes != wantBoxes || len(plan.Sheets) != wantResults {
		t.Fatalf("plan: %d boxes %d sheets; want %d and %d", plan.Boxes, len(plan.Sheets), wantBoxes, wantResults)
	}
	res, err := ingest.ImportObserver(ctx, c, plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != wantResults {
		t.Fatalf("written %d, want %d", res.Written, wantResults)
	}
	if err := c.WaitFor(ctx, res.LastSeq); err != nil {
		t.Fatal(err)
	}
	tot, err := c.View(admin).Totals("2023-genel.cb", "01")
	if err != nil {
		t.Fatal(err)
	}
	if tot.Totals.BoxesExpected != wantBoxes || len(tot.Children) != len(files) {
		t.Errorf("province: %d boxes in %d schools; want %d in %d", tot.Totals.BoxesExpected, len(tot.Children), wantBoxes, len(files))
	}
	checked := 0
	for _, ch := range tot.Children {
		id := strings.TrimPrefix(string(ch.Area), "01.okul-")
		want, ok := perSchool[id]
		if !ok {
			t.Errorf("school %s is not in the files", ch.Area)
			continue
		}
		checked++
		for i := range 4 {
			if ch.Provisional.Votes[i] != want[i] {
				t.Errorf("school %s %s: %d provisional votes, files say %d", id, presidential[i].Name, ch.Provisional.Votes[i], want[i])
			}
		}
		// One network's entry is one person's: pending, never verified alone.
		if ch.BoxesVerified != 0 {
			t.Errorf("school %s: %d boxes verified by one source", id, ch.BoxesVerified)
		}
	}
	if checked != len(files) {
		t.Errorf("checked %d schools of %d", checked, len(files))
	}
	// Again: nothing changes.
	plan2, err := ingest.PlanObserver(c.Registry(), boxes, observerOpts())
	if err != nil {
		t.Fatal(err)
	}
	res2, err := ingest.ImportObserver(ctx, c, plan2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Written != 0 || res2.Replayed != wantResults || plan2.NewAreas != 0 {
		t.Errorf("second import: %+v, new areas %d", res2, plan2.NewAreas)
	}
}

func TestObserverPlanRejects(t *testing.T) {
	boxes, _ := readObserver(t)
	opts := observerOpts()
	opts.Races = opts.Races[:1] // mv results have no race
	_, err := ingest.PlanObserver(sandik.EmptyRegistry(), boxes, opts)
	if sandik.CodeOf(err) != sandik.EInvalid || !strings.Contains(err.Error(), "nothing was imported") {
		t.Fatalf("err %v", err)
	}
	ps := sandik.ProblemsOf(err)
	if len(ps) == 0 || !strings.HasSuffix(ps[0].Field, ".mv_result") || ps[0].Rule != sandik.RuleUnknownRace {
		t.Errorf("first problem %+v", ps[0])
	}
	// The same box twice across the files.
	dup := append(boxes[:len(boxes):len(boxes)], boxes[0])
	_, err = ingest.PlanObserver(sandik.EmptyRegistry(), dup, observerOpts())
	ps = sandik.ProblemsOf(err)
	if len(ps) != 1 || ps[0].Rule != sandik.RuleDuplicate {
		t.Errorf("duplicate: %v", ps)
	}
	// A presidential ballot of three names cannot hold position 4.
	opts = observerOpts()
	opts.Races[0].Choices = presidential[:3]
	_, err = ingest.PlanObserver(sandik.EmptyRegistry(), boxes, opts)
	if ps = sandik.ProblemsOf(err); len(ps) == 0 || ps[0].Field != "races.cm" {
		t.Errorf("short ballot: %v", ps)
	}
	// A figure no box can hold.
	big := slices.Clone(boxes)
	big[0].Results = slices.Clone(big[0].Results)
	big[0].Results[0].TotalVote = sandik.MaxSheetNumber + 1
	_, err = ingest.PlanObserver(sandik.EmptyRegistry(), big, observerOpts())
	if ps = sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Rule != sandik.RuleTooLarge {
		t.Errorf("too large: %v", ps)
	}
	// A new province needs a name.
	opts = observerOpts()
	opts.ProvinceName = ""
	_, err = ingest.PlanObserver(sandik.EmptyRegistry(), boxes, opts)
	if ps = sandik.ProblemsOf(err); len(ps) == 0 || ps[0].Field != "province_name" {
		t.Errorf("province name: %v", ps)
	}
}

// TestImportObserverPhotoRefs: each result's image_url in the network's
// files (resultfile/testdata/ovo2023-adana, 30 of Adana's school files of
// 14 May 2023 from the Oy ve Ötesi export) is kept as the photo of its
// box's sheet — the address, not the bytes — once, and queued for
// keying: a volunteer is handed it with its address.
func TestImportObserverPhotoRefs(t *testing.T) {
	ctx := context.Background()
	c := newCenter(t)
	boxes, files := readObserver(t)
	// The addresses per box number and race, read with encoding/json
	// alone: the independent answer.
	want := map[string]string{} // school/box/race → url
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc []struct {
			Box int `json:"ballot_box_number"`
			CM  *struct {
				URL string `json:"image_url"`
			} `json:"cm_result"`
			MV *struct {
				URL string `json:"image_url"`
			} `json:"mv_result"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "school_"), ".json")
		for _, b := range doc {
			if b.CM != nil && b.CM.URL != "" {
				want[fmt.Sprintf("01.okul-%s.%d/2023-genel.cb", id, b.Box)] = b.CM.URL
			}
			if b.MV != nil && b.MV.URL != "" {
				want[fmt.Sprintf("01.okul-%s.%d/2023-genel.mv", id, b.Box)] = b.MV.URL
			}
		}
	}
	if len(want) < 100 {
		t.Fatalf("only %d addresses in the files", len(want))
	}
	plan, err := ingest.PlanObserver(c.Registry(), boxes, observerOpts())
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.ImportObserver(ctx, c, plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Photos != len(want) {
		t.Fatalf("%d photo references kept, the files hold %d", res.Photos, len(want))
	}
	if err := c.WaitFor(ctx, res.LastSeq); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for key, u := range want {
		box, race, _ := strings.Cut(key, "/")
		ps, err := c.SheetPhotos(ctx, admin, sandik.RaceCode(race), sandik.AreaCode(box))
		if err != nil || len(ps) != 1 || ps[0].URL != u || ps[0].By != "ovo" || ps[0].Sum != sandik.RefSum(u) || ps[0].Bytes != 0 {
			t.Fatalf("%s: %+v %v, want the reference %s", key, ps, err, u)
		}
		checked++
		if checked == 20 {
			break
		}
	}
	// The bytes are not here: the photo route says so, never serves.
	var any string
	for _, u := range want {
		any = u
		break
	}
	if _, err := c.SheetPhoto(ctx, admin, sandik.RefSum(any)); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("bytes of a reference: %v", err)
	}
	// A volunteer is handed a sheet with its address: the network's
	// entry is one, the quorum two, so every box waits for one typing.
	vol := sandik.User{ID: "gonullu", Name: "Gönüllü", Role: sandik.RoleVolunteer}
	task, ok, err := c.NextSheet(ctx, vol)
	if err != nil || !ok {
		t.Fatalf("next sheet: %v %v", ok, err)
	}
	if u := want[string(task.Box)+"/"+string(task.Race)]; task.PhotoURL == "" || task.PhotoURL != u || task.Photo != sandik.RefSum(u) {
		t.Errorf("handed %s/%s with address %q, want %q", task.Box, task.Race, task.PhotoURL, u)
	}
	// Again: nothing new.
	plan2, err := ingest.PlanObserver(c.Registry(), boxes, observerOpts())
	if err != nil {
		t.Fatal(err)
	}
	res2, err := ingest.ImportObserver(ctx, c, plan2, nil)
	if err != nil || res2.Photos != 0 {
		t.Errorf("second import kept %d references (%v)", res2.Photos, err)
	}
}

// TestImportObserverBadPhotoURL: one script address in a file rejects
// the import, naming the file and the field, and nothing is kept.
func TestImportObserverBadPhotoURL(t *testing.T) {
	c := newCenter(t)
	in := `[{"ballot_box_number": 7, "school_name": "OKUL", "cm_result": {"image_url": "javascript:alert(document.cookie)", "submission_id": 1, "total_vote": 3, "votes": {"1": 3}}, "mv_result": null}]`
	boxes, err := resultfile.ReadObserverFile("school_99.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.PlanObserver(c.Registry(), boxes, observerOpts())
	if err == nil || !strings.Contains(sandik.MessageOf(err)+fmt.Sprint(sandik.ProblemsOf(err)), "school_99.json [0].cm_result.image_url") {
		t.Fatalf("want the import refused naming the field: %v %+v", err, sandik.ProblemsOf(err))
	}
	// And the centre refuses such an address from any caller.
	if _, err := c.ImportSheetPhotoRefs(context.Background(), []sandik.SheetPhoto{{Race: "x", Box: "y", By: "ovo", URL: "data:text/html,<script>"}}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("centre took a data: address: %v", err)
	}
}
