package registrycsv

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"pgregory.net/rapid"
)

// orgText draws texts with what troubles CSV and Turkish text; lines
// allows line breaks (a note), which names may not hold.
func orgText(lines bool) *rapid.Generator[string] {
	chars := []rune("abcçğıİiIöşüÇĞÖŞÜ 0123,;\"'|-.()=+@")
	if lines {
		chars = append(chars, '\n')
	}
	return rapid.Custom(func(t *rapid.T) string {
		s := strings.TrimSpace(rapid.StringOfN(rapid.RuneFrom(chars), 1, 30, -1).Draw(t, "text"))
		if s == "" {
			s = "x"
		}
		return s
	})
}

func codeGen(prefix string) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		return prefix + rapid.StringMatching(`[a-z0-9][a-z0-9._-]{0,8}`).Draw(t, "code")
	})
}

func dateGen() *rapid.Generator[sandik.Date] {
	return rapid.Custom(func(t *rapid.T) sandik.Date {
		return sandik.Date(fmt.Sprintf("%04d-%02d-%02d", rapid.IntRange(1900, 2999).Draw(t, "y"), rapid.IntRange(1, 12).Draw(t, "m"), rapid.IntRange(1, 28).Draw(t, "d")))
	})
}

// genOrg draws records each valid on its own, ids distinct in each list.
func genOrg(t *rapid.T) sandik.OrgChange {
	var c sandik.OrgChange
	for _, code := range rapid.SliceOfNDistinct(codeGen("t"), 0, 3, func(s string) string { return s }).Draw(t, "kinds") {
		c.Kinds = append(c.Kinds, sandik.PositionKind{Code: sandik.KindCode(code), Name: orgText(false).Draw(t, "kind name"), OneHolder: rapid.Bool().Draw(t, "one")})
	}
	for _, code := range rapid.SliceOfNDistinct(codeGen("u"), 1, 6, func(s string) string { return s }).Draw(t, "units") {
		kind := rapid.SampledFrom(sandik.UnitKinds()).Draw(t, "unit kind")
		u := sandik.Unit{Code: sandik.UnitCode(code), Kind: kind, Name: orgText(false).Draw(t, "unit name"), Area: sandik.AreaCode(codeGen("a").Draw(t, "area"))}
		if kind != sandik.UnitHQ && (kind != sandik.UnitIl || rapid.Bool().Draw(t, "il parent")) {
			u.Parent = sandik.UnitCode(codeGen("p").Draw(t, "parent"))
		}
		c.Units = append(c.Units, u)
	}
	for _, id := range rapid.SliceOfNDistinct(codeGen("k"), 0, 6, func(s string) string { return s }).Draw(t, "people") {
		p := sandik.Person{ID: sandik.PersonID(id), Name: orgText(false).Draw(t, "name"), Home: sandik.UnitCode(codeGen("u").Draw(t, "home")),
			Purpose: orgText(false).Draw(t, "purpose"), Consent: dateGen().Draw(t, "consent")}
		for range rapid.IntRange(0, 3).Draw(t, "phones") {
			p.Phones = append(p.Phones, rapid.StringMatching(`\+?[0-9]{7,15}`).Draw(t, "phone"))
		}
		if rapid.Bool().Draw(t, "email?") {
			p.Email = rapid.StringMatching(`[a-z0-9.]{1,8}@[a-z]{1,8}\.org`).Draw(t, "email")
			if p.Email[0] == '.' || strings.Contains(p.Email, "..") || strings.Contains(p.Email, ".@") {
				p.Email = "x@example.org"
			}
		}
		if rapid.Bool().Draw(t, "note?") {
			p.Note = orgText(true).Draw(t, "note")
		}
		c.People = append(c.People, p)
	}
	for _, id := range rapid.SliceOfNDistinct(codeGen("g"), 0, 6, func(s string) string { return s }).Draw(t, "positions") {
		p := sandik.Position{ID: sandik.PositionID(id), Kind: sandik.KindCode(codeGen("t").Draw(t, "kind")), Unit: sandik.UnitCode(codeGen("u").Draw(t, "unit")),
			Person: sandik.PersonID(codeGen("k").Draw(t, "person")), Start: dateGen().Draw(t, "start"),
			Source: rapid.SampledFrom([]sandik.PositionSource{sandik.SourceCongress, sandik.SourceAppointment, sandik.SourceElection}).Draw(t, "source")}
		if rapid.Bool().Draw(t, "ended") {
			p.End = max(p.Start, dateGen().Draw(t, "end"))
			if rapid.Bool().Draw(t, "reason?") {
				p.EndReason = orgText(false).Draw(t, "reason")
			}
		}
		c.Positions = append(c.Positions, p)
	}
	seen := map[string]bool{}
	for range rapid.IntRange(0, 5).Draw(t, "assignments") {
		a := sandik.Assignment{Election: sandik.ElectionCode(codeGen("e").Draw(t, "election")), Box: sandik.AreaCode(codeGen("b").Draw(t, "box")),
			Person: sandik.PersonID(codeGen("k").Draw(t, "person"))}
		if rapid.Bool().Draw(t, "assignment note?") {
			a.Note = orgText(false).Draw(t, "assignment note")
		}
		if !seen[assignmentKey(a)] {
			seen[assignmentKey(a)] = true
			c.Assignments = append(c.Assignments, a)
		}
	}
	return c
}

func writeOrgFiles(t testing.TB, c sandik.OrgChange) map[string][]byte {
	out := map[string][]byte{}
	for _, name := range OrgFileNames() {
		var b bytes.Buffer
		if err := WriteOrg(&b, name, c); err != nil {
			t.Fatal(err)
		}
		out[name] = b.Bytes()
	}
	return out
}

func readers(files map[string][]byte) map[string]io.Reader {
	out := map[string]io.Reader{}
	for name, b := range files {
		out[name] = bytes.NewReader(b)
	}
	return out
}

// TestOrgRoundTrip: what WriteOrg writes, ReadOrg reads back as it was.
func TestOrgRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		c := genOrg(rt)
		stamped := c
		stamped.Assignments = nil
		for _, a := range c.Assignments {
			a.AssignedAt, a.AssignedBy = time.Unix(0, 1), "import" // the importer's to say
			stamped.Assignments = append(stamped.Assignments, a)
		}
		if err := stamped.Validate(); err != nil {
			rt.Fatalf("generator made an invalid change: %v", err)
		}
		files := writeOrgFiles(t, c)
		got, lines, err := ReadOrg(readers(files))
		if err != nil {
			rt.Fatalf("ReadOrg of what WriteOrg wrote: %v\n%s", err, files[OrgPeopleFile])
		}
		if !reflect.DeepEqual(got, c) {
			rt.Fatalf("read back\n%+v\nwant\n%+v", got, c)
		}
		if len(lines.Positions) != len(c.Positions) || len(c.Positions) > 0 && lines.Positions[0] != 2 {
			rt.Fatalf("lines %+v", lines)
		}
	})
}

// TestOrgFilesRefused: each bad file is refused whole with the file, line
// and column of each problem, and nothing is returned.
func TestOrgFilesRefused(t *testing.T) {
	units := "kod,tür,ad,üst birim,bölge\n34,il,İstanbul,,34\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		field string
		line  int
	}{
		{"unknown kind of unit", map[string]string{OrgUnitsFile: units + "34.01,kulüp,Adalar,34,34.01\n"}, OrgUnitsFile + ":tur", 3},
		{"missing column", map[string]string{OrgPeopleFile: "kimlik;ad soyad;birim;amaç\nk-1;Ayşe;34;üyelik\n"}, OrgPeopleFile + ":riza_tarihi", 1},
		{"bad consent day", map[string]string{OrgPeopleFile: "Kimlik;Ad Soyad;Birim;Amaç;Rıza Tarihi\nk-1;Ayşe;34;üyelik;2024-01-01\nk-2;Ali;34;üyelik;31.01.2024\n"}, OrgPeopleFile + ":riza_tarihi", 3},
		{"bad phone", map[string]string{OrgPeopleFile: "kimlik,ad_soyad,birim,amaç,rıza_tarihi,telefonlar\nk-1,Ayşe,34,üyelik,2024-01-01,0532 123 45 67|abc\n"}, OrgPeopleFile + ":telefonlar", 2},
		{"repeated id", map[string]string{OrgPositionsFile: "kimlik,görev,birim,kişi,başlangıç,kaynak\ng-1,delege,34,k-1,2024-01-01,kongre\ng-1,delege,34,k-2,2024-01-01,kongre\n"}, OrgPositionsFile + ":kimlik", 3},
		{"end before start", map[string]string{OrgPositionsFile: "kimlik,görev,birim,kişi,başlangıç,kaynak,bitiş\ng-1,delege,34,k-1,2024-01-01,kongre,2023-01-01\n"}, OrgPositionsFile + ":bitis", 2},
		{"unknown source", map[string]string{OrgPositionsFile: "kimlik,görev,birim,kişi,başlangıç,kaynak\ng-1,delege,34,k-1,2024-01-01,miras\n"}, OrgPositionsFile + ":kaynak", 2},
		{"one holder neither yes nor no", map[string]string{OrgKindsFile: "kod,ad,tek kişi\nsozcu,Sözcü,belki\n"}, OrgKindsFile + ":tek_kisi", 2},
		{"unknown file", map[string]string{"uyeler.csv": "a\n"}, "uyeler.csv", 0},
		{"assignment without a person", map[string]string{OrgAssignmentsFile: "Seçim;Sandık;Kişi\n2024;34.01.01.1001;k-1\n2024;34.01.01.1002;\n"}, OrgAssignmentsFile + ":kisi", 3},
		{"assignment with a bad box code", map[string]string{OrgAssignmentsFile: "seçim,sandık,kişi,not\n2024,34.01 1001,k-1,\n"}, OrgAssignmentsFile + ":sandik", 2},
		{"assignment given twice", map[string]string{OrgAssignmentsFile: "seçim,sandık,kişi\n2024,34.01.01.1001,k-1\n2024,34.01.01.1001,k-1\n"}, OrgAssignmentsFile + ":kisi", 3},
		{"assignment note with a line break", map[string]string{OrgAssignmentsFile: "seçim,sandık,kişi,not\n2024,34.01.01.1001,k-1,\"a\nb\"\n"}, OrgAssignmentsFile + ":not", 2},
		{"assignments without the box column", map[string]string{OrgAssignmentsFile: "seçim,kişi\n2024,k-1\n"}, OrgAssignmentsFile + ":sandik", 1},
	} {
		in := map[string][]byte{}
		for n, s := range tc.files {
			in[n] = []byte(s)
		}
		c, _, err := ReadOrg(readers(in))
		if !reflect.DeepEqual(c, sandik.OrgChange{}) {
			t.Errorf("%s: returned records %+v", tc.name, c)
		}
		found := false
		for _, p := range sandik.ProblemsOf(err) {
			found = found || p.Field == tc.field && p.Line == tc.line
		}
		if sandik.CodeOf(err) != sandik.EInvalid || !found {
			t.Errorf("%s: %v (problems %+v), want %s line %d", tc.name, err, sandik.ProblemsOf(err), tc.field, tc.line)
		}
	}
}

// TestOrgLocate: a problem the store finds later is named by the line
// the record came from.
func TestOrgLocate(t *testing.T) {
	files := map[string][]byte{OrgPositionsFile: []byte("kimlik,görev,birim,kişi,başlangıç,kaynak\n\ng-1,delege,34,k-1,2024-01-01,kongre\ng-2,delege,34,k-9,2024-01-01,kongre\n")}
	_, lines, err := ReadOrg(readers(files))
	if err != nil {
		t.Fatal(err)
	}
	stored := sandik.Invalid("invalid change", []sandik.Problem{{Field: "positions[1].person", Rule: sandik.RuleInvalidValue, Message: `no person "k-9"`}})
	ps := sandik.ProblemsOf(lines.Locate(stored))
	if len(ps) != 1 || ps[0].Field != OrgPositionsFile+":kisi" || ps[0].Line != 4 {
		t.Errorf("located %+v, want gorevler.csv:kisi line 4", ps)
	}
	files = map[string][]byte{OrgAssignmentsFile: []byte("seçim,sandık,kişi\n2024,34.01.01.1001,k-1\n2024,34.01.01.1002,k-1\n")}
	if _, lines, err = ReadOrg(readers(files)); err != nil {
		t.Fatal(err)
	}
	stored = sandik.Invalid("outside the registry", []sandik.Problem{{Field: "assignments[1].box", Rule: sandik.RuleBoxNotInRace, Message: "not in the election"}})
	ps = sandik.ProblemsOf(lines.Locate(stored))
	if len(ps) != 1 || ps[0].Field != OrgAssignmentsFile+":sandik" || ps[0].Line != 3 {
		t.Errorf("located %+v, want gorevlendirmeler.csv:sandik line 3", ps)
	}
}

// FuzzReadOrg feeds one of the organisation's files, chosen by the
// input, to ReadOrg: it either reads records that pass their own checks,
// one line of the file each, or refuses with EInvalid and reads nothing;
// never a panic.
func FuzzReadOrg(f *testing.F) {
	f.Add(uint8(0), "kod,ad,tek_kişi\nkulup_baskani,Kulüp başkanı,evet\n")
	f.Add(uint8(1), "kod,tür,ad,üst_birim,bölge\n34,il,İstanbul,,34\n34.1,ilce,Adalar,34,34.1\n")
	f.Add(uint8(2), "kimlik;ad_soyad;birim;amaç;rıza_tarihi;telefonlar\nk-1;Ayşe Yılmaz;34;üyelik;2024-01-01;+90 532 123 45 67|0216 123 45 67\n")
	f.Add(uint8(3), "kimlik,görev,birim,kişi,başlangıç,kaynak,bitiş,bitiş_nedeni\ng-1,ilce_baskani,34.1,k-1,2020-01-01,kongre,2024-01-01,istifa\n")
	f.Add(uint8(4), "seçim,sandık,kişi,not\n2024-yerel,34.1.1001,k-1,\"okul, kapı 2\"\n")
	f.Add(uint8(2), "\ufeffkimlik,ad_soyad\n\"k-1\n")
	f.Fuzz(func(t *testing.T, which uint8, data string) {
		names := OrgFileNames()
		name := names[int(which)%len(names)]
		c, lines, err := ReadOrg(map[string]io.Reader{name: strings.NewReader(data)})
		if err != nil {
			if sandik.CodeOf(err) != sandik.EInvalid {
				t.Fatalf("%s: %v is not a refusal", name, err)
			}
			if n := len(c.Kinds) + len(c.Units) + len(c.People) + len(c.Positions) + len(c.Assignments); n != 0 {
				t.Fatalf("%s refused, yet %d records read", name, n)
			}
			return
		}
		// Who assigned and when is the centre's to stamp, not the file's.
		for i := range c.Assignments {
			c.Assignments[i].AssignedAt, c.Assignments[i].AssignedBy = time.Unix(1, 0), "fuzz"
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("%s read records that fail their checks: %v", name, err)
		}
		if err := sandik.CheckAssignments(c.Assignments); err != nil {
			t.Fatalf("%s read assignments that fail their checks: %v", name, err)
		}
		if got := len(lines.Units) + len(lines.People) + len(lines.Positions) + len(lines.Kinds) + len(lines.Assignments); got != len(c.Units)+len(c.People)+len(c.Positions)+len(c.Kinds)+len(c.Assignments) {
			t.Fatalf("%s: %d lines for the records read", name, got)
		}
	})
}
