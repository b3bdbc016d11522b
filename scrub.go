package sandik

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// RemovedPersonText stands in free text (a visit's notes, a
// commitment's words) where an erased person was named: the text stays
// readable, the person does not stay in it.
const RemovedPersonText = "[silinmiş kişi]"

// ScrubPerson replaces in text every mention of p that erasure removes:
// the name, in any case and spacing ("AYŞE  YILMAZ", "ayşe yılmaz"),
// the phones and the e-mail. It reports whether anything was replaced.
// Texts under three bytes are not looked for: they are everywhere.
func ScrubPerson(text string, p Person) (string, bool) {
	changed := false
	for _, needle := range append([]string{p.Name, p.Email}, p.Phones...) {
		if len(strings.TrimSpace(needle)) < 3 {
			continue
		}
		var ok bool
		if text, ok = replaceFolded(text, needle, RemovedPersonText); ok {
			changed = true
		}
	}
	return text, changed
}

// replaceFolded replaces the matches of needle in s that stand as words
// of their own, letters compared as FoldRune reads them and any run of
// spaces matching any other.
func replaceFolded(s, needle, with string) (string, bool) {
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		if n := matchFolded(s[i:], needle); n > 0 && !wordAt(s[:i], true) && !wordAt(s[i+n:], false) {
			b.WriteString(with)
			i += n
			changed = true
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		i += size
	}
	if !changed {
		return s, false
	}
	return b.String(), true
}

// matchFolded returns how many bytes of the start of s match needle, or
// 0 for no match.
func matchFolded(s, needle string) int {
	needle = strings.TrimSpace(needle)
	i, j := 0, 0
	for j < len(needle) {
		if i >= len(s) {
			return 0
		}
		nr, nsize := utf8.DecodeRuneInString(needle[j:])
		sr, ssize := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(nr) {
			if !unicode.IsSpace(sr) {
				return 0
			}
			for j < len(needle) {
				r, n := utf8.DecodeRuneInString(needle[j:])
				if !unicode.IsSpace(r) {
					break
				}
				j += n
			}
			for i < len(s) {
				r, n := utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r) {
					break
				}
				i += n
			}
			continue
		}
		if FoldRune(nr) != FoldRune(sr) && unicode.ToLower(nr) != unicode.ToLower(sr) {
			return 0
		}
		i += ssize
		j += nsize
	}
	return i
}

// wordAt reports whether a letter or digit ends s (before) or starts it
// (after): a match there would be part of a longer word.
func wordAt(s string, before bool) bool {
	var r rune
	if before {
		r, _ = utf8.DecodeLastRuneInString(s)
	} else {
		r, _ = utf8.DecodeRuneInString(s)
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
