// Package msg is the one message catalogue: every text that a person reads
// in a page, a CSV or XLSX header, a petition or an API error, in Turkish
// and English. Keys never reach a reader: an unknown key shows itself so a
// missing text is visible in tests, and the catalogue test fails on one.
package msg

import "fmt"

// Lang is a reader's language: "tr" (the default) or "en".
type Lang string

// The languages every text exists in.
const (
	TR Lang = "tr"
	EN Lang = "en"
)

// Of reads a language code; anything but "en" is Turkish.
func Of(code string) Lang {
	if code == string(EN) {
		return EN
	}
	return TR
}

// catalogue joins the texts of each owner's file. Each file holds one part
// of the interface so that adding to one part never edits another's file.
var catalogue = join(pageMessages, documentMessages, overviewMessages, reviewMessages, ledgerMessages, orgMessages, municipalMessages, kvkkMessages, rightsMessages, coverageMessages, meetingMessages, congressMessages, visitMessages, feedMessages, feedPageMessages, readerMessages, keyingMessages, offlineMessages)

func join(parts ...map[string][2]string) map[string][2]string {
	all := make(map[string][2]string)
	for _, part := range parts {
		for k, v := range part {
			all[k] = v
		}
	}
	return all
}

// T returns the text for key in lang; an unknown key returns itself.
func T(lang Lang, key string) string {
	m, ok := catalogue[key]
	if !ok {
		return key
	}
	if lang == EN {
		return m[1]
	}
	return m[0]
}

// F formats the text for key with args.
func F(lang Lang, key string, args ...any) string { return fmt.Sprintf(T(lang, key), args...) }

// Has reports whether key is in the catalogue.
func Has(key string) bool { _, ok := catalogue[key]; return ok }
