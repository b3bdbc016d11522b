package msg

import (
	"strings"
	"testing"
)

// TestPartsDoNotOverlap keeps each owner's file the only place of its keys:
// a key in two parts would let one silently replace the other.
func TestPartsDoNotOverlap(t *testing.T) {
	seen := map[string]int{}
	for i, part := range []map[string][2]string{pageMessages, documentMessages, overviewMessages, reviewMessages, ledgerMessages, orgMessages, municipalMessages, kvkkMessages, rightsMessages, coverageMessages, meetingMessages, visitMessages, feedMessages, feedPageMessages, readerMessages, keyingMessages, offlineMessages} {
		for k := range part {
			if j, ok := seen[k]; ok {
				t.Errorf("key %q is in part %d and part %d", k, j, i)
			}
			seen[k] = i
		}
	}
}

func TestEveryTextHasBothLanguages(t *testing.T) {
	for k, v := range catalogue {
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			t.Errorf("key %q lacks a text: %q", k, v)
		}
		if strings.Count(v[0], "%") != strings.Count(v[1], "%") {
			t.Errorf("key %q: the two texts take different arguments: %q", k, v)
		}
	}
}

func TestLookup(t *testing.T) {
	if got := T(TR, "logout"); got != "Çıkış" {
		t.Errorf("T(tr, logout) = %q", got)
	}
	if got := T(EN, "logout"); got != "Sign out" {
		t.Errorf("T(en, logout) = %q", got)
	}
	if got := T(TR, "no.such.key"); got != "no.such.key" {
		t.Errorf("an unknown key shows itself, got %q", got)
	}
	if Of("en") != EN || Of("de") != TR || Of("") != TR {
		t.Error("Of: anything but en is Turkish")
	}
}
