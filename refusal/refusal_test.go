package refusal

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/web/strict"
)

// Every rule a sheet or box can be refused for, and every warning a sheet
// can carry, has a text in both languages: no rule key reaches a reader.
func TestEveryRuleAndWarningIsNamed(t *testing.T) {
	rules := []string{sandik.RuleRequired, sandik.RuleNegative, sandik.RuleTooLarge, sandik.RuleValidSum, sandik.RuleChoicesSum,
		sandik.RuleVotedSum, sandik.RuleUnknownChoice, sandik.RuleMissingChoice, sandik.RuleUnknownRace, sandik.RuleUnknownBox,
		sandik.RuleBoxNotInRace, sandik.RuleInvalidValue, sandik.RuleReasonRequired, sandik.RuleDuplicate, sandik.RuleUnknownArea,
		sandik.RuleUnknownElection, sandik.RuleConflict, sandik.RuleOverQuota,
		sandik.RuleAboveBallots, sandik.RuleMarksSum, sandik.RuleNotOnList, sandik.RuleCheckedIn, sandik.RuleNoMandate,
		sandik.RuleNotFrozen, sandik.RuleFrozen, sandik.RuleApproved,
		strict.RuleSyntax, strict.RuleType, strict.RuleUnknownField, strict.RuleTrailingData, strict.RuleEmptyBody}
	w, g := int64(10), int64(7)
	for _, r := range rules {
		p := sandik.Problem{Field: "f", Rule: r, Message: "english " + r, Want: &w, Got: &g}
		for _, lang := range []msg.Lang{msg.TR, msg.EN} {
			if got := Text(lang, p); got == p.Message || got == r || strings.Contains(got, "_") || strings.Contains(got, "%!") {
				t.Errorf("%s in %s: %q", r, lang, got)
			}
		}
	}
	all := (^sandik.Warnings(0)).Names()
	if len(all) < 7 {
		t.Fatalf("only %d warnings known: %v", len(all), all)
	}
	for i, text := range Warnings(msg.TR, ^sandik.Warnings(0)) {
		if text == "" || text == all[i] || strings.Contains(text, "_") {
			t.Errorf("warning %s reads %q", all[i], text)
		}
	}
	if got := Warnings(msg.TR, sandik.WarnLate|sandik.WarnRegisteredMismatch); !slices.Equal(got,
		[]string{"kayıtlı seçmen sayısı seçmen listesinden farklı", "geç ulaştı (telefonda bekledi)"}) {
		t.Errorf("two warnings: %q", got)
	}
}

func TestTextSaysByHowMuch(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	cases := []struct {
		p      sandik.Problem
		tr, en string
	}{
		{sandik.Problem{Rule: sandik.RuleChoicesSum, Want: n(1200), Got: n(1188)},
			"Geçerli oy toplamı partilerin toplamından 12 fazla.", "Total valid is 12 more than the votes per choice add up to."},
		{sandik.Problem{Rule: sandik.RuleChoicesSum, Want: n(100), Got: n(1130)},
			"Geçerli oy toplamı partilerin toplamından 1.030 eksik.", "Total valid is 1,030 fewer than the votes per choice add up to."},
		{sandik.Problem{Rule: sandik.RuleVotedSum, Want: n(2000), Got: n(2005)},
			"Geçerli ve geçersiz oyların toplamı (2.005) oy kullanan seçmen sayısından (2.000) 5 fazla.",
			"Valid + invalid (2,005) is 5 more than voters who voted (2,000)."},
		{sandik.Problem{Rule: sandik.RuleValidSum, Want: n(90), Got: n(100)},
			"İtirazsız ve itirazlı geçerli oyların toplamı 100, ama geçerli oy toplamı 90 yazılmış (10 eksik).",
			"Valid without and upon objection add up to 100, but total valid is 90 (10 fewer)."},
		{sandik.Problem{Rule: sandik.RuleTooLarge}, "1.000.000'dan büyük olamaz; yazım hatası olabilir.", "Cannot be over 1,000,000; check for a typing error."},
		{sandik.Problem{Rule: strict.RuleUnknownField, Message: `"colour" is not a field (line 3, column 14)`},
			"Bilinmeyen bir alan gönderildi. (satır 3, sütun 14)", "An unknown field was sent. (line 3, column 14)"},
		// The decoder's duplicate (a key twice) is not a reused id.
		{sandik.Problem{Rule: sandik.RuleDuplicate, Message: "appears twice in the same object (line 1, column 9)"},
			"Bu alan aynı nesnede iki kez yazılmış. (satır 1, sütun 9)", "This field appears twice in the same object. (line 1, column 9)"},
		{sandik.Problem{Rule: sandik.RuleDuplicate, Message: "id used for another sheet"},
			"Bu gönderim kimliği başka bir tutanak için kullanılmış.", "This submission id was used for another sheet."},
		// A rule the catalogue does not know keeps its own text.
		{sandik.Problem{Rule: "brand_new", Message: "as is"}, "as is", "as is"},
	}
	for _, c := range cases {
		if got := Text(msg.TR, c.p); got != c.tr {
			t.Errorf("%s tr: %q, want %q", c.p.Rule, got, c.tr)
		}
		if got := Text(msg.EN, c.p); got != c.en {
			t.Errorf("%s en: %q, want %q", c.p.Rule, got, c.en)
		}
	}
}

func TestLocalizeKeepsTheContract(t *testing.T) {
	w, g := int64(5), int64(6)
	in := sandik.Invalid("the result sheet is not valid", []sandik.Problem{
		{Field: "votes", Rule: sandik.RuleChoicesSum, Message: "votes per choice add up to 6, but valid total is 5", Want: &w, Got: &g},
		{Field: "box", Rule: sandik.RuleUnknownBox, Message: `box "x" does not exist`}})
	out := Localize(msg.TR, in)
	if sandik.CodeOf(out) != sandik.EInvalid || sandik.MessageOf(out) != msg.T(msg.TR, "refusal.invalid") {
		t.Fatalf("localized: %v", out)
	}
	ps := sandik.ProblemsOf(out)
	if len(ps) != 2 || ps[0].Field != "votes" || ps[0].Rule != sandik.RuleChoicesSum || *ps[0].Want != 5 || ps[1].Field != "box" ||
		ps[0].Message != "Geçerli oy toplamı partilerin toplamından 1 eksik." || ps[1].Message != "Böyle bir sandık yok." {
		t.Fatalf("problems: %+v", ps)
	}
	// The original is left as it was: the English answer still has it.
	if sandik.ProblemsOf(in)[1].Message != `box "x" does not exist` {
		t.Fatal("Localize changed its input")
	}
	for _, err := range []error{nil, errors.New("disk on fire"), sandik.Errorf(sandik.EInternal, "secret path /var/x")} {
		if got := Localize(msg.TR, err); got != err {
			t.Errorf("Localize(%v) = %v: an internal error is never reworded", err, got)
		}
	}
	if got := sandik.MessageOf(Localize(msg.TR, sandik.Errorf(sandik.EForbidden, "34.01 is outside the areas of user \"o\""))); got != "Bu sandık ya da bölge yetki alanınızın dışında." {
		t.Errorf("forbidden: %q", got)
	}
}

func TestLangOf(t *testing.T) {
	cases := []struct {
		query, header string
		want          msg.Lang
	}{
		{"", "", msg.TR},
		{"en", "", msg.EN},
		{"tr", "en", msg.TR},
		{"", "en", msg.EN},
		{"", "en-GB,en;q=0.9", msg.EN},
		{"", "EN-us", msg.EN},
		{"", "tr-TR,tr;q=0.9,en;q=0.8", msg.TR},
		{"", "de-DE,en;q=0.5", msg.TR},
		{"", "eng", msg.TR},
		{"de", "en", msg.TR},
	}
	for _, c := range cases {
		if got := LangOf(c.query, c.header); got != c.want {
			t.Errorf("LangOf(%q, %q) = %s, want %s", c.query, c.header, got, c.want)
		}
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", -1234567: "-1.234.567"} {
		if got := Num(msg.TR, n); got != want {
			t.Errorf("Num(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Num(msg.EN, 1234567); got != "1,234,567" {
		t.Errorf("English: %q", got)
	}
}
