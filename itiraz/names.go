package itiraz

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
)

// Names as a board reads them. Registries carry names as their sources
// wrote them: YSK's files in capitals ("BEŞİKTAŞ"), the demo's boxes as
// "Sandık 1120", imported observer files as the bare number "1120". A
// petition that printed them as they come would say "Sandık Sandık 1120"
// or address "BEŞİKTAŞ İlçe Seçim Kurulu"; these functions give each the
// form a Turkish legal text uses.

// TitleCase writes each word of name with a capital first letter and the
// rest in small letters, by Turkish rules: "BEŞİKTAŞ" is "Beşiktaş",
// "ışıklar" is "Işıklar", "KÜÇÜKÇEKMECE" is "Küçükçekmece". A word that
// holds a digit (a box number, "2A") is kept as written.
func TitleCase(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			continue
		}
		words[i] = titleWord(w)
	}
	return strings.Join(words, " ")
}

// titleWord capitalises w and the part after each hyphen or apostrophe
// only where Turkish does: "ALİ-PAŞA" is "Ali-Paşa", but the suffix of
// "İSTANBUL'UN" stays small.
func titleWord(w string) string {
	lower := strings.ToLowerSpecial(unicode.TurkishCase, w)
	var b strings.Builder
	upperNext := true
	for _, r := range lower {
		if upperNext && unicode.IsLetter(r) {
			b.WriteString(strings.ToUpperSpecial(unicode.TurkishCase, string(r)))
			upperNext = false
			continue
		}
		b.WriteRune(r)
		if r == '-' {
			upperNext = true
		}
	}
	return b.String()
}

// BoxNumber returns the number a box is known by, from its registry name:
// "1120" for "Sandık 1120", "sandık no 1120" or "1120"; "" when the name
// holds no such number (a named box abroad, "Gümrük Kapısı").
func BoxNumber(name string) string {
	// The word is matched in small letters by Turkish rules, so that
	// "SANDIK" reads as "sandık"; Turkish casing maps each letter to one
	// letter, so the number is cut from the name as written ("12A").
	s := strings.TrimSpace(name)
	lower := []rune(strings.ToLowerSpecial(unicode.TurkishCase, s))
	for _, prefix := range []string{"sandık no:", "sandık no.", "sandık no", "sandık"} {
		if p := []rune(prefix); len(lower) >= len(p) && string(lower[:len(p)]) == prefix {
			s = strings.TrimSpace(string([]rune(s)[len(p):]))
			break
		}
	}
	if s == "" || strings.ContainsFunc(s, unicode.IsSpace) {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsDigit(r) {
		return ""
	}
	return s
}

// SeatLevel is the level of the area a board sits for: a box board for
// its box, an ilçe board for its district, an il board for its province;
// YSK sits for the whole country and has no seat to name.
func SeatLevel(b Board) (sandik.AreaLevel, bool) {
	switch b {
	case BoardSandik:
		return sandik.LevelSandik, true
	case BoardIlce:
		return sandik.LevelIlce, true
	case BoardIl:
		return sandik.LevelIl, true
	}
	return 0, false
}

// Seat returns the area of the board that hears c: the ilçe (or il, or
// box) above its first box or area; ok is false when the registry has no
// area of that level above it.
func Seat(reg *sandik.Registry, c *Case) (sandik.Area, bool) {
	want, named := SeatLevel(c.Board)
	if !named {
		return sandik.Area{}, false
	}
	var subject sandik.AreaCode
	switch {
	case len(c.Boxes) > 0:
		subject = c.Boxes[0]
	case len(c.Areas) > 0:
		subject = c.Areas[0]
	default:
		rc, ok := reg.Race(c.Race)
		if !ok {
			return sandik.Area{}, false
		}
		subject = rc.Scope
	}
	// A tree without that level (schools of an observer file hang under
	// the il) has no seat to name: a school is not a board's seat.
	for _, code := range append([]sandik.AreaCode{subject}, reg.Ancestors(subject)...) {
		if a, ok := reg.Area(code); ok && a.Level == want {
			return a, true
		}
	}
	return sandik.Area{}, false
}

// SourceKey names the catalogue text of a rule's legal source when the
// rule is one of DefaultRules, whose English source the catalogue
// translates; a rule configured with its own source returns "" and its
// text is shown as written.
func SourceKey(r Rule) string {
	def, ok := RuleFor(DefaultRules(), r.Board)
	if !ok || def.Source != r.Source {
		return ""
	}
	return "rule." + string(r.Board)
}

// BoxLabel names a box as a legal text does: "1120 No.lu Sandık" in
// Turkish, "Ballot box no. 1120" in English, whatever form the registry
// keeps its name in; a box without a number keeps its name.
func BoxLabel(name string, lang msg.Lang) string {
	if n := BoxNumber(name); n != "" {
		return msg.F(lang, "box.numbered", n)
	}
	return name
}

// BoardName names the board that hears c with its seat: "Beşiktaş İlçe
// Seçim Kurulu", "İstanbul İl Seçim Kurulu", "Yüksek Seçim Kurulu".
func BoardName(reg *sandik.Registry, c *Case, lang msg.Lang) string {
	return seated(reg, c, lang, "seat.")
}

// Address is the line a petition to c's board opens with: "Beşiktaş İlçe
// Seçim Kurulu Başkanlığına".
func Address(reg *sandik.Registry, c *Case, lang msg.Lang) string {
	return seated(reg, c, lang, "address.")
}

func seated(reg *sandik.Registry, c *Case, lang msg.Lang, prefix string) string {
	if c.Board == BoardYSK {
		return msg.F(lang, prefix+string(BoardYSK), "")
	}
	a, ok := Seat(reg, c)
	if !ok {
		// The board unnamed, in the same words: "İlçe Seçim Kurulu
		// Başkanlığına".
		return strings.Join(strings.Fields(msg.F(lang, prefix+string(c.Board), "")), " ")
	}
	name := TitleCase(a.Name)
	if a.Level == sandik.LevelSandik {
		name = BoxLabel(a.Name, lang)
		if d, ok := Seat(reg, &Case{Board: BoardIlce, Boxes: []sandik.AreaCode{a.Code}}); ok {
			name = TitleCase(d.Name) + " " + name
		}
	}
	return msg.F(lang, prefix+string(c.Board), name)
}

// LegalGround is the legal source of rule r in lang: the catalogue's text
// for the rules of Law 298 the centre ships with, the configured text for
// a rule a lawyer set from the board's published calendar.
func LegalGround(r Rule, lang msg.Lang) string {
	if k := SourceKey(r); k != "" {
		return msg.T(lang, k)
	}
	if r.Source == "" {
		return ""
	}
	return msg.F(lang, "doc.rule.custom", r.Source)
}

// Number writes v as a legal text in lang does: 1.234.567 in Turkish,
// 1,234,567 in English. Documents print it; spreadsheets keep plain
// integers so that they stay numbers.
func Number(lang msg.Lang, v int64) string {
	sep := byte('.')
	if lang == msg.EN {
		sep = ','
	}
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(sep)
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// BoxName names a box with the neighbourhood (or school) it stands in,
// as a board reads it: "Levent, 2001 No.lu Sandık". The code stays out;
// tables carry it beside the name.
func BoxName(reg *sandik.Registry, box sandik.AreaCode, lang msg.Lang) string {
	a, ok := reg.Area(box)
	if !ok {
		return string(box)
	}
	name := BoxLabel(a.Name, lang)
	if p, ok := reg.Area(a.Parent); ok && p.Level != sandik.LevelIlce && p.Level != sandik.LevelIl && p.Level != sandik.LevelCountry {
		name = TitleCase(p.Name) + ", " + name
	}
	return name
}
