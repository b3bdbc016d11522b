package registrycsv

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

// base is a small valid registry; each case below replaces one file.
func base() map[string]string {
	return map[string]string{
		AreasFile: `code,parent,level,name,ysk_id
TR,,country,Türkiye,
34,TR,il,İSTANBUL,34
34-3,34,ilce,ADALAR,3
34-3-1,34-3,mahalle,Mahalle 1,
34-3-1-1,34-3-1,building,Okul 1,
34-3-1-1-1001,34-3-1-1,sandik,Sandık 1001,
34-3-1-1-1002,34-3-1-1,sandik,Sandık 1002,
`,
		ElectionsFile: `code,name,date,quorum
2019-03-31,31 Mart 2019,2019-03-31,2
`,
		RacesFile: `election,race,race_name,scope,choice,choice_name
2019-03-31,ibb,İBB Başkanı,34,CHP,Ekrem İmamoğlu
2019-03-31,ibb,İBB Başkanı,34,AKP,Binali Yıldırım
`,
		RegistrationsFile: `election,box,registered
2019-03-31,34-3-1-1-1001,300
2019-03-31,34-3-1-1-1002,280
`,
	}
}

func readStrings(files map[string]string) (*sandik.Registry, error) {
	rs := map[string]io.Reader{}
	for name, s := range files {
		rs[name] = strings.NewReader(s)
	}
	return Read(rs)
}

// where is the part of a problem a test pins down; messages may be reworded.
type where struct {
	Field string
	Line  int
	Rule  string
}

func wheres(err error) []where {
	var out []where
	for _, p := range sandik.ProblemsOf(err) {
		out = append(out, where{p.Field, p.Line, p.Rule})
	}
	return out
}

func TestReadProblems(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		want    []where
		message string // a part of the first problem's message
	}{
		{"bad level", AreasFile, strings.Replace(base()[AreasFile], "34-3,34,ilce", "34-3,34,ilcee", 1),
			[]where{{"areas.csv:level", 4, sandik.RuleInvalidValue}}, `level "ilcee"`},
		{"missing level", AreasFile, strings.Replace(base()[AreasFile], "34-3,34,ilce", "34-3,34,", 1),
			[]where{{"areas.csv:level", 4, sandik.RuleRequired}}, "no level"},
		{"unknown parent", AreasFile, strings.Replace(base()[AreasFile], "34-3-1,34-3,", "34-3-1,34-9,", 1),
			[]where{{"areas.csv:parent", 5, sandik.RuleUnknownArea}}, `parent "34-9"`},
		{"parent below child", AreasFile, strings.Replace(base()[AreasFile], "34-3-1-1,34-3-1,", "34-3-1-1,34-3-1-1-1001,", 1),
			[]where{{"areas.csv:parent", 6, sandik.RuleInvalidValue}}, "cannot contain"},
		{"duplicate code", AreasFile, base()[AreasFile] + "34-3-1-1-1002,34-3-1-1,sandik,Sandık 1002 bis,\n",
			[]where{{"areas.csv:code", 9, sandik.RuleDuplicate}}, "appears twice"},
		{"bad code", AreasFile, base()[AreasFile] + "34 3 9,34-3-1-1,sandik,Sandık,\n",
			[]where{{"areas.csv:code", 9, sandik.RuleInvalidValue}}, "only letters"},
		{"bad date", ElectionsFile, "code,name,date,quorum\n2019-03-31,31 Mart 2019,2019-02-30,2\n",
			[]where{{"elections.csv:date", 2, sandik.RuleInvalidValue}}, "YYYY-MM-DD"},
		{"missing date", ElectionsFile, "code,name,date\n2019-03-31,31 Mart 2019,\n",
			[]where{{"elections.csv:date", 2, sandik.RuleRequired}}, "no date"},
		{"quorum not a number", ElectionsFile, "code,name,date,quorum\n2019-03-31,31 Mart 2019,2019-03-31,iki\n",
			[]where{{"elections.csv:quorum", 2, sandik.RuleInvalidValue}}, "not a whole number"},
		{"quorum out of range", ElectionsFile, "code,name,date,quorum\n2019-03-31,31 Mart 2019,2019-03-31,12\n",
			[]where{{"elections.csv:quorum", 2, sandik.RuleInvalidValue}}, "between 1 and 9"},
		{"negative registered", RegistrationsFile, "election,box,registered\n2019-03-31,34-3-1-1-1001,-5\n",
			[]where{{"registrations.csv:registered", 2, sandik.RuleNegative}}, "negative"},
		{"registered not a number", RegistrationsFile, "election,box,registered\n2019-03-31,34-3-1-1-1001,1.234\n",
			[]where{{"registrations.csv:registered", 2, sandik.RuleInvalidValue}}, "thousands separators"},
		{"registered too large", RegistrationsFile, "election,box,registered\n2019-03-31,34-3-1-1-1001,2000000\n",
			[]where{{"registrations.csv:registered", 2, sandik.RuleInvalidValue}}, "between 0 and"},
		{"box not a sandik", RegistrationsFile, "election,box,registered\n2019-03-31,34-3-1-1,300\n",
			[]where{{"registrations.csv:box", 2, sandik.RuleInvalidValue}}, "not a sandık"},
		{"unknown box", RegistrationsFile, "election,box,registered\n2019-03-31,34-3-1-1-9999,300\n",
			[]where{{"registrations.csv:box", 2, sandik.RuleUnknownBox}}, "does not exist"},
		{"unknown election", RegistrationsFile, "election,box,registered\n2019-06-23,34-3-1-1-1001,300\n",
			[]where{{"registrations.csv:election", 2, sandik.RuleUnknownElection}}, "2019-06-23"},
		{"box registered twice", RegistrationsFile, "election,box,registered\n2019-03-31,34-3-1-1-1001,300\n2019-03-31,34-3-1-1-1001,301\n",
			[]where{{"registrations.csv:box", 3, sandik.RuleDuplicate}}, "twice"},
		{"missing column", RegistrationsFile, "election,box\n2019-03-31,34-3-1-1-1001\n",
			[]where{{"registrations.csv:registered", 1, RuleMissingColumn}}, `no column "registered"`},
		{"unknown column", RegistrationsFile, "election,box,registered,notes\n2019-03-31,34-3-1-1-1001,300,\n",
			[]where{{"registrations.csv:notes", 1, RuleUnknownColumn}}, `unknown column "notes"`},
		{"column twice", RegistrationsFile, "election,box,registered,box\n",
			[]where{{"registrations.csv:box", 1, sandik.RuleDuplicate}}, "twice"},
		{"wrong delimiter in a row", RegistrationsFile, "election,box,registered\n2019-03-31,34-3-1-1-1001,300\n2019-03-31;34-3-1-1-1002;280\n",
			[]where{{"registrations.csv", 3, RuleFieldCount}}, "seems to use ';'"},
		{"too few fields", RegistrationsFile, "election;box;registered\n2019-03-31;34-3-1-1-1001\n",
			[]where{{"registrations.csv", 2, RuleFieldCount}}, "2 fields but the header has 3"},
		{"bare quote", RegistrationsFile, "election,box,registered\n2019-03-31,34-3\"-1,300\n2019-03-31,34-3-1-1-1002,-1\n",
			[]where{{"registrations.csv", 2, RuleSyntax}, {"registrations.csv:registered", 3, sandik.RuleNegative}}, "CSV syntax"},
		{"empty file", ElectionsFile, "",
			[]where{{"elections.csv", 1, sandik.RuleRequired}}, "header"},
		{"utf-16", ElectionsFile, "\xff\xfec\x00o\x00",
			[]where{{"elections.csv", 1, RuleEncoding}}, "UTF-16"},
		{"not utf-8", ElectionsFile, "code,name,date\n2019-03-31,31 Mart \xfe2019,2019-03-31\n",
			[]where{{"elections.csv", 2, RuleEncoding}}, "UTF-8"},
		{"race name disagrees", RacesFile, "election,race,race_name,scope,choice,choice_name\n2019-03-31,ibb,İBB,34,CHP,İmamoğlu\n2019-03-31,ibb,Büyükşehir,34,AKP,Yıldırım\n",
			[]where{{"races.csv:race_name", 3, RuleInconsistent}}, "line 2"},
		{"race scope unknown", RacesFile, "election,race,race_name,scope,choice,choice_name\n2019-03-31,ibb,İBB,06,CHP,İmamoğlu\n,ibb,,,AKP,Yıldırım\n",
			[]where{{"races.csv:scope", 2, sandik.RuleUnknownArea}}, `"06"`},
		{"choice twice", RacesFile, "election,race,race_name,scope,choice,choice_name\n2019-03-31,ibb,İBB,34,CHP,İmamoğlu\n2019-03-31,ibb,İBB,34,CHP,Yıldırım\n",
			[]where{{"races.csv:choice", 3, sandik.RuleDuplicate}}, "twice"},
		{"choice without name", RacesFile, "election,race,race_name,scope,choice,choice_name\n2019-03-31,ibb,İBB,34,CHP,İmamoğlu\n2019-03-31,ibb,İBB,34,AKP,\n",
			[]where{{"races.csv:choice_name", 3, sandik.RuleRequired}}, "no name"},
		{"line counts the sep line", RegistrationsFile, "sep=;\nelection;box;registered\n2019-03-31;34-3-1-1-1001;-1\n",
			[]where{{"registrations.csv:registered", 3, sandik.RuleNegative}}, "negative"},
		{"line counts quoted newlines", AreasFile, strings.Replace(base()[AreasFile], "Okul 1,", "\"Okul\n1\",", 1) + "34-3-1-1-1003,34-3-1-1,sandik,,\n",
			[]where{{"areas.csv:name", 10, sandik.RuleRequired}}, "no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := base()
			files[tt.file] = tt.content
			reg, err := readStrings(files)
			if err == nil {
				t.Fatalf("no error; registry has %d areas", len(reg.Areas))
			}
			if reg != nil {
				t.Error("a registry came back with the error")
			}
			if sandik.CodeOf(err) != sandik.EInvalid {
				t.Fatalf("code %q, want invalid: %v", sandik.CodeOf(err), err)
			}
			if diff := cmp.Diff(tt.want, wheres(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%v", diff, err)
			}
			if ps := sandik.ProblemsOf(err); len(ps) > 0 && !strings.Contains(ps[0].Message, tt.message) {
				t.Errorf("message %q does not say %q", ps[0].Message, tt.message)
			}
		})
	}
}

func TestReadAccepts(t *testing.T) {
	semicolons := func(s string) string { return strings.ReplaceAll(s, ",", ";") }
	tests := []struct {
		name  string
		edit  func(string) string
		areas string
	}{
		{"as is", func(s string) string { return s }, ""},
		{"BOM", func(s string) string { return bomUTF8 + s }, ""},
		{"CRLF", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }, ""},
		{"semicolons", semicolons, ""},
		{"semicolons, BOM and CRLF", func(s string) string { return bomUTF8 + strings.ReplaceAll(semicolons(s), "\n", "\r\n") }, ""},
		{"tabs", func(s string) string { return strings.ReplaceAll(s, ",", "\t") }, ""},
		{"sep line", func(s string) string { return "sep=;\r\n" + semicolons(s) }, ""},
		{"spaces and quotes", func(s string) string {
			return strings.ReplaceAll(strings.ReplaceAll(s, ",", " , "), "2019-03-31 ,", `"2019-03-31",`)
		}, ""},
		{"Turkish header and levels", func(s string) string { return s }, `Code;PARENT;Level;Name;YSK_ID
TR;;ülke;Türkiye;
34;TR;İL;İSTANBUL;34
34-3;34;İlçe;ADALAR;3
34-3-1;34-3;köy;Mahalle 1;
34-3-1-1;34-3-1;okul;Okul 1;
34-3-1-1-1001;34-3-1-1;SANDIK;Sandık 1001;
;;;;
34-3-1-1-1002;34-3-1-1;sandık;Sandık 1002;
`},
		{"excel date", func(s string) string {
			return strings.Replace(s, "31 Mart 2019,2019-03-31", "31 Mart 2019,31.03.2019", 1)
		}, ""},
	}
	want, err := readStrings(base())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := base()
			for name, s := range files {
				files[name] = tt.edit(s)
			}
			if tt.areas != "" {
				files[AreasFile] = tt.areas
			}
			got, err := readStrings(files)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Areas, got.Areas); diff != "" {
				t.Errorf("areas (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.Elections, got.Elections); diff != "" {
				t.Errorf("elections (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.Races, got.Races); diff != "" {
				t.Errorf("races (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.Registrations, got.Registrations); diff != "" {
				t.Errorf("registrations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadDefaultsAndOrder(t *testing.T) {
	files := base()
	files[ElectionsFile] = "name,code,date\n31 Mart 2019,2019-03-31,2019-03-31\n"
	// Children before their parents.
	lines := strings.Split(strings.TrimSpace(files[AreasFile]), "\n")
	for i, j := 1, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	files[AreasFile] = strings.Join(lines, "\n")
	reg, err := readStrings(files)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reg.Election("2019-03-31")
	if e.Quorum != sandik.DefaultQuorum {
		t.Errorf("quorum %d, want the default %d", e.Quorum, sandik.DefaultQuorum)
	}
	if got := e.Date.Format("2006-01-02 15:04 -0700"); got != "2019-03-31 00:00 +0300" {
		t.Errorf("date %s, want midnight in İstanbul", got)
	}
	if got := reg.RaceBoxes("ibb"); len(got) != 2 {
		t.Errorf("race boxes %v", got)
	}
}

func TestReadFileNames(t *testing.T) {
	_, err := Read(map[string]io.Reader{"areas.csv": strings.NewReader(base()[AreasFile]), "notes.csv": strings.NewReader("x\n")})
	if diff := cmp.Diff([]where{{"notes.csv", 0, RuleUnknownFile}}, wheres(err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, err = Read(nil)
	if sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("no files: %v", err)
	}
	// Only areas: a valid registry with no elections.
	reg, err := Read(map[string]io.Reader{"AREAS.CSV": strings.NewReader(base()[AreasFile])})
	if err != nil || len(reg.Areas) != 7 {
		t.Errorf("areas only: %v", err)
	}
}

func TestReadCapsProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("election,box,registered\n")
	for i := range MaxProblems + 500 {
		fmt.Fprintf(&b, "2019-03-31,34-3-1-1-1001,x%d\n", i)
	}
	files := base()
	files[RegistrationsFile] = b.String()
	_, err := readStrings(files)
	ps := sandik.ProblemsOf(err)
	if len(ps) != MaxProblems+1 {
		t.Fatalf("%d problems, want %d", len(ps), MaxProblems+1)
	}
	last := ps[len(ps)-1]
	if last.Rule != RuleTooMany || last.Message != "and 500 more problems" {
		t.Errorf("last problem %+v", last)
	}
	if want := fmt.Sprintf("the registry files have %d problems", MaxProblems+500); sandik.MessageOf(err) != want {
		t.Errorf("message %q, want %q", sandik.MessageOf(err), want)
	}
}

func TestParseField(t *testing.T) {
	for in, want := range map[string]fieldPath{
		"areas[3].parent":           {kind: "areas", i: 3, j: -1, leaf: "parent", valid: true},
		"races[2].choices[11].code": {kind: "races", i: 2, sub: "choices", j: 11, leaf: "code", valid: true},
		"races[0].choices":          {kind: "races", i: 0, j: -1, leaf: "choices", valid: true},
		"registrations[x].box":      {},
		"votes.CHP":                 {},
	} {
		if got := parseField(in); got != want {
			t.Errorf("parseField(%q) = %+v, want %+v", in, got, want)
		}
	}
}
