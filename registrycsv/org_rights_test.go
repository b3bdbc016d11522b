package registrycsv

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// TestRightsRoundTrip: Turkish and English roles, any case and
// spelling, read back as written in Turkish.
func TestRightsRoundTrip(t *testing.T) {
	in := "Görev;Rol\r\nsekreter;Gönüllü\r\navukat;LAWYER\r\nmusahit_koordinatoru;yok\r\nil_baskani;koordinator\r\n"
	rights, lines, err := ReadRights(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []sandik.KindRight{{Kind: "sekreter", Role: sandik.RoleVolunteer}, {Kind: "avukat", Role: sandik.RoleLawyer},
		{Kind: "musahit_koordinatoru", Role: ""}, {Kind: "il_baskani", Role: sandik.RoleCoordinator}}
	if !slices.Equal(rights, want) || !slices.Equal(lines, []int{2, 3, 4, 5}) {
		t.Fatalf("read %v on lines %v, want %v", rights, lines, want)
	}
	var buf bytes.Buffer
	if err := WriteRights(&buf, rights); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "görev,rol\nsekreter,gönüllü\navukat,avukat\nmusahit_koordinatoru,yok\nil_baskani,koordinatör\n" {
		t.Errorf("written:\n%s", got)
	}
	again, _, err := ReadRights(&buf)
	if err != nil || !slices.Equal(again, rights) {
		t.Errorf("read back %v, %v", again, err)
	}
}

// TestRightsRefused: every problem at once, by line and column, and no
// rights returned.
func TestRightsRefused(t *testing.T) {
	in := "görev,rol\nsekreter,başkan\n,avukat\navukat,avukat\navukat,müşahit\nsayman,yönetici\n"
	rights, _, err := ReadRights(strings.NewReader(in))
	if rights != nil || sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("read %v, %v", rights, err)
	}
	var got []string
	for _, p := range sandik.ProblemsOf(err) {
		got = append(got, p.String())
	}
	for i, want := range []string{"line 2: yetkiler.csv:rol", "line 3: yetkiler.csv:gorev", "line 5: yetkiler.csv:gorev", "line 6: yetkiler.csv:rol"} {
		if i >= len(got) || !strings.HasPrefix(got[i], want) {
			t.Errorf("problem %d: %v, want %q", i, got, want)
		}
	}
}

func FuzzReadRights(f *testing.F) {
	f.Add("görev,rol\nsekreter,gönüllü\n")
	f.Add("Görev;Rol\r\navukat;yok\r\n")
	f.Add("görev,rol\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, data string) {
		rights, lines, err := ReadRights(strings.NewReader(data))
		if err != nil {
			if sandik.CodeOf(err) != sandik.EInvalid || rights != nil {
				t.Fatalf("%v with %v", err, rights)
			}
			return
		}
		if len(rights) != len(lines) {
			t.Fatalf("%d rights on %d lines", len(rights), len(lines))
		}
		for _, r := range rights {
			if err := r.Validate(); err != nil {
				t.Fatalf("an invalid right read: %v", err)
			}
		}
	})
}
