package registrycsv

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// fuzzSep splits one fuzz input into the four files.
const fuzzSep = "\x1e"

func FuzzRead(f *testing.F) {
	files := base()
	f.Add(strings.Join([]string{files[AreasFile], files[ElectionsFile], files[RacesFile], files[RegistrationsFile]}, fuzzSep))
	f.Add(strings.ReplaceAll(strings.Join([]string{files[AreasFile], files[ElectionsFile], files[RacesFile], files[RegistrationsFile]}, fuzzSep), ",", ";"))
	f.Add(bomUTF8 + "code;parent;level;name\r\nTR;;ülke;\"a\"\"b\"\r\n" + fuzzSep + "code,name,date\nx,y,01.02.2003\n")
	f.Add("code,parent,level,name\nTR,,country,\"unterminated\n")
	f.Add("sep=;\r\ncode;parent;level;name\r\nTR;;country;T\r\n")
	f.Add(fuzzSep + fuzzSep + "election,race,race_name,scope,choice,choice_name\n,,,,,\ne,r,n,TR,c,d\n")
	f.Fuzz(func(t *testing.T, data string) {
		parts := strings.SplitN(data, fuzzSep, 4)
		in := map[string]io.Reader{}
		for i, p := range parts {
			in[FileNames()[i]] = strings.NewReader(p)
		}
		reg, err := Read(in)
		if err != nil {
			if sandik.CodeOf(err) != sandik.EInvalid {
				t.Fatalf("in-memory read failed with %v", err)
			}
			if reg != nil {
				t.Fatal("registry returned with an error")
			}
			ps := sandik.ProblemsOf(err)
			if len(ps) == 0 || len(ps) > MaxProblems+1 {
				t.Fatalf("%d problems", len(ps))
			}
			for _, p := range ps {
				if p.Rule == "" || p.Message == "" {
					t.Fatalf("problem without rule or message: %+v", p)
				}
			}
			return
		}
		// What is accepted re-validates, and survives a write and a read.
		if _, err := sandik.NewRegistry(reg.Areas, reg.Elections, reg.Races, reg.Registrations); err != nil {
			t.Fatalf("accepted registry does not re-validate: %v", err)
		}
		out := map[string]io.Reader{}
		for _, name := range FileNames() {
			var buf bytes.Buffer
			if err := Write(&buf, name, reg); err != nil {
				t.Fatal(err)
			}
			out[name] = &buf
		}
		again, err := Read(out)
		if err != nil {
			t.Fatalf("written registry does not read back: %v", err)
		}
		equalRegistries(t, reg, again)
	})
}
