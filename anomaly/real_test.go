package anomaly

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/resultfile"
)

// officialBoxes reads the real YSK sample of package resultfile; each box
// is compared with its neighbourhood, or with its constituency when the
// neighbourhood has fewer boxes than min.
func officialBoxes(t *testing.T, min int) ([]Box, []string) {
	t.Helper()
	f, err := os.Open("../resultfile/testdata/yerel2014-sample.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := resultfile.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var rows []resultfile.Row
	perNeighbourhood := map[string]int{}
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || len(row.Problems) > 0 {
			t.Fatal(err, row.Problems)
		}
		rows = append(rows, row)
		perNeighbourhood[row.Neighbourhood.ID]++
	}
	boxes := make([]Box, len(rows))
	for i, row := range rows {
		code := sandik.AreaCode(row.Province.ID + "." + row.District.ID + "." + row.Constituency.Name + "." + row.BoxNo)
		group := sandik.AreaCode(row.Province.ID + "." + row.Constituency.Name)
		if perNeighbourhood[row.Neighbourhood.ID] >= min {
			group = sandik.AreaCode(row.Province.ID + "." + row.Neighbourhood.ID)
		}
		boxes[i] = Box{Code: code, Group: group, Sheet: row.Tutanak()}
	}
	return boxes, r.Choices()
}

// The official results of 627 real boxes: what the defaults flag is
// listed here, so that a change of method shows up as a change of this
// list and can be judged.
func TestOfficialSample(t *testing.T) {
	th := DefaultThresholds()
	boxes, choices := officialBoxes(t, th.MinGroupSize)
	flags := Detect(boxes, choices, th)
	var got []string
	for _, f := range flags {
		got = append(got, fmt.Sprintf("%s %s %.1f", f.Box, f.Kind, f.Value))
		t.Logf("%s %s %s: %s", f.Box, f.Kind, f.Field, f.Message("en"))
	}
	// Two small boxes where box officials voted beyond the list (legal,
	// Law 298 art. 94; the file has no voted-by-law column), and four boxes
	// 12 to 29 points below their neighbourhood's turnout. No sum is broken
	// in this file.
	want := []string{
		"11.91.BİLECİK MERKEZ-VEZİRHAN.1122 turnout_over_100 108.0",
		"11.91.BİLECİK MERKEZ.1001 turnout_outlier 79.7",
		"11.91.BİLECİK MERKEZ.1024 turnout_outlier 78.9",
		"11.91.BİLECİK MERKEZ.1072 turnout_outlier 61.2",
		"34.135.ÇATALCA.1073 turnout_outlier 77.6",
		"34.135.ÇATALCA.1176 turnout_over_100 105.4",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("flags on the official sample\n got %q\nwant %q", got, want)
	}
}
