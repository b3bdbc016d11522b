package cdf_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cdf"
)

func loadSchema(t *testing.T) *schema {
	t.Helper()
	b, err := os.ReadFile("testdata/NIST_V2_election_results_reporting.json")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	return &schema{root: root}
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func input(t *testing.T) cdf.Input {
	t.Helper()
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul", YSKID: "34"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelMahalle, Name: "Moda"},
		{Code: "34.1.1.1043", Parent: "34.1.1", Level: sandik.LevelSandik, Name: "Sandık 1043"},
		{Code: "34.1.1.1044", Parent: "34.1.1", Level: sandik.LevelSandik, Name: "Sandık 1044"},
	}
	e := sandik.Election{Code: "2024-yerel", Name: "31 Mart 2024 Mahalli İdareler", Date: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Quorum: 2}
	races := []sandik.Race{{Code: "2024-yerel.meclis.kadikoy", Election: e.Code, Name: "Kadıköy Belediye Meclisi", Scope: "34.1",
		Choices: []sandik.Choice{{Code: "chp", Name: "CHP"}, {Code: "ak-parti", Name: "AK PARTİ"}}}}
	reg, err := sandik.NewRegistry(areas, []sandik.Election{e}, races, []sandik.Registration{{Election: e.Code, Box: "34.1.1.1043", Registered: 300}, {Election: e.Code, Box: "34.1.1.1044", Registered: 310}})
	if err != nil {
		t.Fatal(err)
	}
	off := sandik.Tutanak{Registered: 300, Voted: 250, ValidWithoutObjection: 240, ValidTotal: 240, Invalid: 10, Votes: []int64{120, 120}}
	ver := sandik.Tutanak{Registered: 300, Voted: 250, ValidWithoutObjection: 240, ValidTotal: 240, Invalid: 10, Votes: []int64{140, 100}}
	rc, _ := reg.Race(races[0].Code)
	return cdf.Input{Election: e, Registry: reg, Scope: "34", Races: []*sandik.Race{rc}, Generated: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC),
		Boxes: []cdf.Box{
			{Race: rc.Code, Box: "34.1.1.1043", Official: &off, Verified: &ver, OfficialID: "off:1", OfficialSeen: time.Date(2024, 3, 31, 20, 12, 0, 0, time.UTC), OfficialSource: "https://ysk.example/34.json"},
			{Race: rc.Code, Box: "34.1.1.1044", Verified: &ver},
		}}
}

// The report validates against NIST's published schema, and carries each
// box's official and verified votes.
func TestReportValidatesAgainstTheNISTSchema(t *testing.T) {
	s := loadSchema(t)
	var buf bytes.Buffer
	if err := cdf.WriteJSON(&buf, input(t)); err != nil {
		t.Fatal(err)
	}
	doc := decode(t, buf.Bytes())
	if errs := s.validate(doc); len(errs) > 0 {
		t.Fatalf("the report does not validate:\n%s", strings.Join(errs, "\n"))
	}
	out := buf.String()
	for _, want := range []string{`"OtherType": "official-ysk"`, `"GpUnitId": "gp-34.1.1.1043"`, `"Count": 120`, `"Count": 140`, `"Content": "AK PARTİ"`, `"VotersRegistered": 310`, `"Value": "34"`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s", want)
		}
	}
}

// The check can fail: a report missing a required field, with a wrong
// type, an unknown property or a value outside an enumeration does not
// validate, each named by its path.
func TestSchemaCheckRefusesBrokenReports(t *testing.T) {
	s := loadSchema(t)
	var buf bytes.Buffer
	if err := cdf.WriteJSON(&buf, input(t)); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		breakIt func(map[string]any)
		want    string
	}{
		"no issuer":     {func(m map[string]any) { delete(m, "Issuer") }, `$: required "Issuer" is missing`},
		"sequence text": {func(m map[string]any) { m["SequenceEnd"] = "1" }, "$.SequenceEnd: is string, want integer"},
		"unknown field": {func(m map[string]any) { m["Sandik"] = true }, `property "Sandik" is not allowed`},
		"bad status":    {func(m map[string]any) { m["Status"] = "final" }, "$.Status: final is not one of"},
		"bad date":      {func(m map[string]any) { m["GeneratedDate"] = "yesterday" }, "is not a date-time"},
		"bad unit type": {func(m map[string]any) { m["GpUnit"].([]any)[0].(map[string]any)["Type"] = "il" }, "$.GpUnit[0]: matches 0 of the oneOf alternatives"},
		"no party name": {func(m map[string]any) { delete(m["Party"].([]any)[0].(map[string]any), "Name") }, "$.Party[0]: matches 0"},
		"count not a number": {func(m map[string]any) {
			c := m["Election"].([]any)[0].(map[string]any)["Contest"].([]any)[0].(map[string]any)
			c["BallotSelection"].([]any)[0].(map[string]any)["VoteCounts"].([]any)[0].(map[string]any)["Count"] = "120"
		}, "$.Election[0].Contest[0]: matches 0"},
	} {
		doc := decode(t, buf.Bytes()).(map[string]any)
		tc.breakIt(doc)
		errs := s.validate(doc)
		if !strings.Contains(strings.Join(errs, "\n"), tc.want) {
			t.Errorf("%s: %v, want %q", name, errs, tc.want)
		}
	}
}

func TestCSVCarriesProvenance(t *testing.T) {
	var buf bytes.Buffer
	if err := cdf.WriteCSV(&buf, input(t), func(s string) string { return s }); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+2+2+2 || strings.Join(recs[1], ",") != "2024-yerel,2024-yerel.meclis.kadikoy,34.1.1.1043,Sandık 1043,official,off:1,2024-03-31T20:12:00Z,https://ysk.example/34.json,300,250,240,10,chp,CHP,120" {
		t.Errorf("csv:\n%v", recs)
	}
}
