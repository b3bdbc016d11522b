// Package refusal says, in the reader's language, why a sheet or a box
// was refused: each problem by its rule, with its figures, and the refusal
// as a whole by its error code. The codes, fields and rules stay as they
// are (clients switch on them); only the texts people read change.
package refusal

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
)

// Num writes n with thousands grouped: 1.234.567 in Turkish, 1,234,567 in
// English.
func Num(lang msg.Lang, n int64) string {
	sep := byte('.')
	if lang == msg.EN {
		sep = ','
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, sep)
		}
		out = append(out, s[i])
	}
	return string(out)
}

// moreLess says by how much a figure is off: "12 fazla", "3 eksik".
func moreLess(lang msg.Lang, d int64) string {
	if d > 0 {
		return msg.F(lang, "diff.more", Num(lang, d))
	}
	return msg.F(lang, "diff.less", Num(lang, -d))
}

// Text says what is wrong with a field, with the figures of an arithmetic
// rule: "Geçerli oy toplamı partilerin toplamından 12 fazla." A rule the
// catalogue does not name keeps the problem's own message, so that a new
// rule is never silent; the catalogue test lists every rule the domain
// has, so that this does not happen in a Turkish page.
func Text(lang msg.Lang, p sandik.Problem) string {
	key := "rule." + p.Rule
	if !msg.Has(key) {
		return p.Message
	}
	var want, got int64
	if p.Want != nil && p.Got != nil {
		want, got = *p.Want, *p.Got
	}
	switch p.Rule {
	case sandik.RuleTooLarge:
		return msg.F(lang, key, Num(lang, sandik.MaxSheetNumber))
	case sandik.RuleValidSum:
		return msg.F(lang, key, Num(lang, got), Num(lang, want), moreLess(lang, want-got))
	case sandik.RuleChoicesSum:
		return msg.F(lang, key, moreLess(lang, want-got))
	case sandik.RuleVotedSum:
		return msg.F(lang, key, Num(lang, got), Num(lang, want), moreLess(lang, got-want))
	}
	if line, col, ok := position(p.Message); ok {
		if p.Rule == sandik.RuleDuplicate {
			// The decoder's duplicate is a key written twice, not a
			// submission id used again: only the former has a position.
			key = "rule.duplicate_key"
		}
		return msg.T(lang, key) + " " + msg.F(lang, "rule.at", Num(lang, int64(line)), Num(lang, int64(col)))
	}
	return msg.T(lang, key)
}

// position reads where in a body a decoding problem is, as the strict
// decoder writes it at the end of its message: "… (line 3, column 14)".
func position(message string) (line, col int, ok bool) {
	i := strings.LastIndex(message, "(line ")
	if i < 0 {
		return 0, 0, false
	}
	n, err := fmt.Sscanf(message[i:], "(line %d, column %d)", &line, &col)
	return line, col, err == nil && n == 2
}

// Localize returns err with its message and its problems' messages in
// lang; codes, fields, rules and figures are kept. An error that is not a
// *sandik.Error, or an internal one, is returned as it is: its text is
// never shown.
func Localize(lang msg.Lang, err error) error {
	code := sandik.CodeOf(err)
	if err == nil || code == "" || code == sandik.EInternal {
		return err
	}
	out := &sandik.Error{Code: code, Message: sandik.MessageOf(err)}
	if key := "refusal." + string(code); msg.Has(key) {
		out.Message = msg.T(lang, key)
	}
	for _, p := range sandik.ProblemsOf(err) {
		p.Message = Text(lang, p)
		out.Problems = append(out.Problems, p)
	}
	return out
}

// Warnings names the warnings of a sheet in lang: "geç ulaştı (telefonda
// bekledi)", never the key "late".
func Warnings(lang msg.Lang, w sandik.Warnings) []string {
	names := w.Names()
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = msg.T(lang, "warning."+n)
	}
	return out
}

// LangOf reads the reader's language of an API request from its ?lang
// parameter, then its Accept-Language header: English when asked for
// first, Turkish otherwise.
func LangOf(query, acceptLanguage string) msg.Lang {
	if query != "" {
		return msg.Of(query)
	}
	first, _, _ := strings.Cut(acceptLanguage, ",")
	first, _, _ = strings.Cut(strings.TrimSpace(first), ";")
	tag := strings.ToLower(strings.TrimSpace(first))
	if tag == "en" || strings.HasPrefix(tag, "en-") {
		return msg.EN
	}
	return msg.TR
}
