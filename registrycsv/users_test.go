package registrycsv

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

func TestReadUsers(t *testing.T) {
	// Excel under a Turkish locale: byte order mark, semicolons, CRLF,
	// Turkish role names in any case, a quoted name with a semicolon.
	in := bomUTF8 + "ID;Name;Role;Areas;Person\r\n" +
		"musahit-1;Ayşe Yılmaz;MÜŞAHİT;34-3-1-1001;\r\n" +
		"gonullu-1;\"Can; Demir\";Gönüllü;;k-7\r\n" +
		";;;;\r\n" +
		"koord;Mehmet Öz;koordinatör;34-3 | 34-4;\r\n" +
		"avukat;Av. Zeynep;avukat;34-3;\r\n" +
		"boss;Yönetici;YÖNETİCİ;;\r\n"
	rows, err := ReadUsers(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []UserRow{
		{2, sandik.User{ID: "musahit-1", Name: "Ayşe Yılmaz", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34-3-1-1001"}}},
		{3, sandik.User{ID: "gonullu-1", Name: "Can; Demir", Role: sandik.RoleVolunteer, Person: "k-7"}},
		{5, sandik.User{ID: "koord", Name: "Mehmet Öz", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34-3", "34-4"}}},
		{6, sandik.User{ID: "avukat", Name: "Av. Zeynep", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34-3"}}},
		{7, sandik.User{ID: "boss", Name: "Yönetici", Role: sandik.RoleAdmin}},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

func TestReadUsersProblems(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []string // "line field rule"
	}{
		{"every bad row at once",
			"id,name,role,areas\n" +
				"a,A,observer,b1\n" +
				"bad id,,king,\n" +
				"a,A again,observer,\n" +
				"c,C,admin,b1\n" +
				"d,D,observer,b1 b1\n",
			[]string{"3 users.csv:id invalid_value", "3 users.csv:name required", "3 users.csv:role invalid_value",
				"4 users.csv:id duplicate", "5 users.csv:areas invalid_value", "6 users.csv:areas duplicate"}},
		{"bad person", "id,name,role,person\na,A,observer,k 1\n", []string{"2 users.csv:person invalid_value"}},
		{"missing column", "id,name\na,A\n", []string{"1 users.csv:role missing_column"}},
		{"unknown column", "id,name,role,box\na,A,observer,b\n", []string{"1 users.csv:box unknown_column"}},
		{"wrong field count", "id,name,role\na,A,observer,extra\n", []string{"2 users.csv field_count"}},
		{"empty", "", []string{"1 users.csv required"}},
		{"header only", "id,name,role\n", []string{"2 users.csv required"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ReadUsers(strings.NewReader(c.in))
			if rows != nil || sandik.CodeOf(err) != sandik.EInvalid {
				t.Fatalf("ReadUsers = %v, %v; want nothing and an invalid error", rows, err)
			}
			var got []string
			for _, p := range sandik.ProblemsOf(err) {
				got = append(got, strings.Join([]string{strconv.Itoa(p.Line), p.Field, p.Rule}, " "))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func FuzzReadUsers(f *testing.F) {
	f.Add("id,name,role,areas\na,A,observer,b1 b2\nb,B,gönüllü,\n")
	f.Add(bomUTF8 + "id;name;role\r\nx;\"q\"\"q\";KOORDİNATÖR\r\n")
	f.Add("id,name,role\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, data string) {
		rows, err := ReadUsers(strings.NewReader(data))
		if err != nil {
			if sandik.CodeOf(err) != sandik.EInvalid || rows != nil {
				t.Fatalf("ReadUsers = %d rows, %v", len(rows), err)
			}
			for _, p := range sandik.ProblemsOf(err) {
				if p.Rule == "" || p.Message == "" {
					t.Fatalf("problem without rule or message: %+v", p)
				}
			}
			return
		}
		// What is accepted is valid, with ids once each, lines rising.
		seen := map[sandik.UserID]bool{}
		for i, r := range rows {
			if err := r.User.Validate(); err != nil {
				t.Fatalf("accepted row %d does not validate: %v", r.Line, err)
			}
			if seen[r.User.ID] || (i > 0 && r.Line <= rows[i-1].Line) {
				t.Fatalf("row %+v repeats an id or a line", r)
			}
			seen[r.User.ID] = true
		}
	})
}
