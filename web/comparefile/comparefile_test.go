package comparefile

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/verify"
)

var race = &sandik.Race{Code: "IST", Name: "İBB", Choices: []sandik.Choice{{Code: "CHP", Name: "Ekrem İmamoğlu"}, {Code: "AKP", Name: "Binali Yıldırım"}, {Code: "SP", Name: "=cmd|x"}}}

func tut(a, b, c, invalid int64) *sandik.Tutanak {
	return &sandik.Tutanak{Votes: []int64{a, b, c}, Invalid: invalid, ValidTotal: a + b + c, Voted: a + b + c + invalid}
}

// The box of the issue: the official figures took 1.699 votes from the
// first choice and gave them to the second, and put 0 where the sheet
// had 106 for the third.
func box() verify.Box {
	return verify.Box{Box: "34.1.1.1120", Name: "Sandık 1120", Parent: "34.1.1", Outcome: verify.Discrepancy, SheetStatus: sandik.StatusVerified,
		Sheet: tut(2000, 1000, 106, 9), Official: tut(301, 2699, 0, 12), VoteDelta: []int64{-1699, 1699, -106},
		Fields: []verify.FieldDelta{{Field: "invalid_total", Sheet: 9, Official: 12}}, MarginEffect: -3398}
}

func TestFieldsSayWhatDiffers(t *testing.T) {
	b := box()
	want := "Ekrem İmamoğlu 2.000 → 301, Binali Yıldırım 1.000 → 2.699, =cmd|x 106 → 0, Geçersiz oy 9 → 12"
	if got := Fields(msg.TR, race, &b); got != want {
		t.Errorf("Fields(tr) = %q, want %q", got, want)
	}
	if got := Fields(msg.EN, race, &b); !strings.HasSuffix(got, "Invalid 9 → 12") || !strings.Contains(got, "2,699") {
		t.Errorf("Fields(en) = %q", got)
	}
	b.Official = nil
	if got := Fields(msg.TR, race, &b); got != "Geçersiz oy 9 → 12" {
		t.Errorf("without official votes: %q", got)
	}
}

func TestEffectSaysWhoLoses(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		lang msg.Lang
		want string
	}{
		{-1699, msg.TR, "Binali Yıldırım lehine, Ekrem İmamoğlu aleyhine 1.699 oy"},
		{1699, msg.TR, "Ekrem İmamoğlu lehine, Binali Yıldırım aleyhine 1.699 oy"},
		{0, msg.TR, "fark yaratmıyor"},
		{-1699, msg.EN, "1,699 votes in favour of Binali Yıldırım, against Ekrem İmamoğlu"},
	} {
		if got := Effect(tc.lang, "Ekrem İmamoğlu", "Binali Yıldırım", tc.n); got != tc.want {
			t.Errorf("Effect(%s, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	if got := Net(msg.TR, "A", "B", -5); got != "Resmî rakamlar tutanaklara göre B lehine, A aleyhine toplam 5 oy fark yaratıyor." {
		t.Errorf("Net = %q", got)
	}
	for d, want := range map[int64]string{12: "12 fazla", -1699: "1.699 eksik", 0: "aynı"} {
		if got := Delta(msg.TR, d); got != want {
			t.Errorf("Delta(%d) = %q, want %q", d, got, want)
		}
	}
}

// The CSV reads back with semicolons, in words, with every field that
// differs, a formula a name holds defused, and the case that holds a box.
func TestCSV(t *testing.T) {
	held := &itiraz.Case{ID: "itz-1"}
	other := box()
	other.Box, other.Name = "34.1.1.1121", "1121"
	data, err := Sheet{Race: race, A: "Ekrem İmamoğlu", B: "Binali Yıldırım", Holders: map[sandik.AreaCode]*itiraz.Case{"34.1.1.1120": held}}.
		CSV(msg.TR, []verify.Box{box(), other})
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.HasPrefix(s, "\ufeff") {
		t.Error("no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows %v %q", err, rows)
	}
	head, row := rows[0], rows[1]
	if head[0] != "Sandık (kod)" || head[7] != "Farklı alanlar" || head[5] != "Marj etkisi (Ekrem İmamoğlu − Binali Yıldırım)" || head[9] != "Ekrem İmamoğlu tutanak" {
		t.Errorf("header %q", head)
	}
	if head[15] != "'=cmd|x tutanak" {
		t.Errorf("a choice name is a formula in the header: %q", head[15])
	}
	want := []string{"34.1.1.1120", "1120 No.lu Sandık", "34.1.1", "Farklı", "doğrulandı", "-3398", "Binali Yıldırım lehine, Ekrem İmamoğlu aleyhine 3.398 oy"}
	for i, w := range want {
		if row[i] != w {
			t.Errorf("cell %d = %q, want %q", i, row[i], w)
		}
	}
	if !strings.Contains(row[7], "Binali Yıldırım 1.000 → 2.699") || row[8] != "itz-1" || row[9] != "2000" || row[10] != "301" || row[11] != "-1699" {
		t.Errorf("row %q", row)
	}
	if rows[2][1] != "1121 No.lu Sandık" || rows[2][8] != "" {
		t.Errorf("second row %q", rows[2])
	}
	if strings.Contains(s, "discrepancy") || strings.Contains(s, "verified") || strings.Contains(s, "invalid_total") {
		t.Errorf("a code reached the Turkish csv:\n%s", s)
	}
}

// Every code a document may carry has words in both languages: a code
// without them would reach a Turkish reader as it is.
func TestEveryCodeHasWords(t *testing.T) {
	var keys []string
	for _, k := range anomaly.Kinds() {
		keys = append(keys, "doc.anomaly."+string(k))
	}
	for _, o := range verify.Outcomes {
		keys = append(keys, "out."+string(o))
	}
	for s := sandik.StatusMissing; s <= sandik.StatusAdjudicated; s++ {
		keys = append(keys, "status."+s.String())
	}
	for _, l := range []sandik.AreaLevel{sandik.LevelCountry, sandik.LevelIl, sandik.LevelIlce, sandik.LevelMahalle, sandik.LevelBuilding, sandik.LevelSandik} {
		keys = append(keys, "doc.level."+l.String())
	}
	for _, b := range itiraz.Boards {
		keys = append(keys, "board."+string(b), "seat."+string(b), "address."+string(b), "rule."+string(b))
	}
	for _, s := range itiraz.Statuses {
		keys = append(keys, "status."+string(s))
	}
	for _, g := range itiraz.Grounds {
		keys = append(keys, "ground."+string(g))
	}
	for _, r := range itiraz.Remedies {
		keys = append(keys, "remedy."+string(r), "pet.remedy."+string(r))
	}
	for _, k := range []itiraz.EventKind{itiraz.EventCreated, itiraz.EventEdited, itiraz.EventFiled, itiraz.EventDecided, itiraz.EventAppealed,
		itiraz.EventWithdraw, itiraz.EventEvidence} {
		keys = append(keys, "event."+string(k))
	}
	for f := range fieldKeys {
		keys = append(keys, fieldKeys[f])
	}
	for _, k := range keys {
		if !msg.Has(k) {
			t.Errorf("no words for %q", k)
		}
	}
}
