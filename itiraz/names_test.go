package itiraz

import (
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
)

func TestTitleCase(t *testing.T) {
	for in, want := range map[string]string{
		"BEŞİKTAŞ":         "Beşiktaş",
		"İSTANBUL":         "İstanbul",
		"KÜÇÜKÇEKMECE":     "Küçükçekmece",
		"ışıklar":          "Işıklar",
		"ILGIN":            "Ilgın",
		"iğdır":            "İğdır",
		"ALİ-PAŞA":         "Ali-Paşa",
		"İSTANBUL'UN":      "İstanbul'un",
		"BAHÇELİEVLER  2A": "Bahçelievler 2A",
		"Beşiktaş":         "Beşiktaş",
	} {
		if got := TitleCase(in); got != want {
			t.Errorf("TitleCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBoxLabel(t *testing.T) {
	for in, want := range map[string]string{
		"Sandık 1120":   "1120 No.lu Sandık",
		"SANDIK 1120":   "1120 No.lu Sandık",
		"sandık no 7":   "7 No.lu Sandık",
		"1120":          "1120 No.lu Sandık",
		"1120E":         "1120E No.lu Sandık",
		"SANDIK NO 12A": "12A No.lu Sandık",
		"Gümrük Kapısı": "Gümrük Kapısı",
		"Sandık":        "Sandık",
	} {
		if got := BoxLabel(in, msg.TR); got != want {
			t.Errorf("BoxLabel(%q) = %q, want %q", in, got, want)
		}
	}
	if got := BoxLabel("Sandık 1120", msg.EN); got != "Ballot box no. 1120" {
		t.Errorf("English label %q", got)
	}
}

// The rules the centre ships with have their legal ground in Turkish for
// Turkish readers; a rule a lawyer set keeps the text they wrote.
func TestLegalGround(t *testing.T) {
	for _, r := range DefaultRules() {
		tr, en := LegalGround(r, msg.TR), LegalGround(r, msg.EN)
		if !strings.HasPrefix(tr, "298 sayılı Kanun") || strings.Contains(tr, "Law") {
			t.Errorf("%s in Turkish: %q", r.Board, tr)
		}
		if en != r.Source {
			t.Errorf("%s in English: %q, want the rule's own %q", r.Board, en, r.Source)
		}
	}
	custom := Rule{Board: BoardIlce, Source: "YSK takvimi, 2024/123 sayılı karar"}
	if got := LegalGround(custom, msg.TR); !strings.Contains(got, "YSK takvimi, 2024/123 sayılı karar") {
		t.Errorf("a configured source: %q", got)
	}
}

func TestSeatWithoutDistrict(t *testing.T) {
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "35", Level: sandik.LevelIl, Name: "İZMİR"},
		{Code: "35.s", Parent: "35", Level: sandik.LevelBuilding, Name: "ATATÜRK LİSESİ"},
		{Code: "35.s.1", Parent: "35.s", Level: sandik.LevelSandik, Name: "1"},
	}, []sandik.Election{{Code: "e", Name: "e", Quorum: 2}},
		[]sandik.Race{{Code: "r", Election: "e", Name: "r", Scope: "35", Choices: []sandik.Choice{{Code: "A", Name: "A"}}}},
		[]sandik.Registration{{Election: "e", Box: "35.s.1", Registered: 10}})
	if err != nil {
		t.Fatal(err)
	}
	c := &Case{Race: "r", Board: BoardIlce, Boxes: []sandik.AreaCode{"35.s.1"}}
	// A school is no board's seat: the board stays unnamed rather than
	// misnamed.
	if got := Address(reg, c, msg.TR); got != "İlçe Seçim Kurulu Başkanlığına" {
		t.Errorf("a tree without an ilçe: %q", got)
	}
	if got := Address(reg, c, msg.EN); got != "To the Chair of the District Election Board" {
		t.Errorf("a tree without an ilçe, in English: %q", got)
	}
	c.Board = BoardIl
	if got := BoardName(reg, c, msg.TR); got != "İzmir İl Seçim Kurulu" {
		t.Errorf("il board %q", got)
	}
}

func TestNumber(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 1234567: "1.234.567", -1234: "-1.234", -100: "-100"} {
		if got := Number(msg.TR, n); got != want {
			t.Errorf("Number(tr, %d) = %q, want %q", n, got, want)
		}
	}
	if got := Number(msg.EN, -1234567); got != "-1,234,567" {
		t.Errorf("Number(en) = %q", got)
	}
}

func TestBoxName(t *testing.T) {
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "34", Level: sandik.LevelIl, Name: "İSTANBUL"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "BEŞİKTAŞ"},
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelMahalle, Name: "LEVENT"},
		{Code: "34.1.1.1", Parent: "34.1.1", Level: sandik.LevelSandik, Name: "Sandık 2001"},
		{Code: "34.1.2", Parent: "34.1", Level: sandik.LevelSandik, Name: "2002"},
	}, []sandik.Election{{Code: "e", Name: "e", Quorum: 2}},
		[]sandik.Race{{Code: "r", Election: "e", Name: "r", Scope: "34", Choices: []sandik.Choice{{Code: "A", Name: "A"}}}},
		[]sandik.Registration{{Election: "e", Box: "34.1.1.1", Registered: 10}, {Election: "e", Box: "34.1.2", Registered: 10}})
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[sandik.AreaCode]string{"34.1.1.1": "Levent, 2001 No.lu Sandık", "34.1.2": "2002 No.lu Sandık", "nowhere": "nowhere"} {
		if got := BoxName(reg, code, msg.TR); got != want {
			t.Errorf("BoxName(%s) = %q, want %q", code, got, want)
		}
	}
}
