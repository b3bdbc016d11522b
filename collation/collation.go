// Package collation orders text as a Turkish reader expects: Bağcılar
// before Bayrampaşa, Çatalca after Büyükçekmece, Şile and Şişli after
// Sultangazi, Ümraniye and Üsküdar after Tuzla, and i, ı, İ and I each in
// their own place. Every list the server sends goes through it; byte order
// puts every name with a Turkish letter at the end.
package collation

import (
	"cmp"
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// A collate.Collator keeps scratch buffers and is not safe for concurrent
// use, so each goroutine borrows one from the pool.
var turkish = sync.Pool{New: func() any { return collate.New(language.Turkish, collate.Loose, collate.Numeric) }}

// Compare orders a and b in Turkish; equal keys (names that differ only in
// case or marks, which Loose ignores) fall back to byte order so the order
// is total and the same on every run.
func Compare(a, b string) int {
	c := turkish.Get().(*collate.Collator)
	r := c.CompareString(a, b)
	turkish.Put(c)
	if r != 0 {
		return r
	}
	return cmp.Compare(a, b)
}

// Sort orders s by the Turkish order of key(e), stably.
func Sort[E any](s []E, key func(E) string) {
	slices.SortStableFunc(s, func(a, b E) int { return Compare(key(a), key(b)) })
}

// Strings orders s in Turkish.
func Strings(s []string) { slices.SortStableFunc(s, Compare) }

// Key returns a byte key whose byte order is the Turkish order of s, for
// callers that sort many times by the same names.
func Key(s string) []byte {
	c := turkish.Get().(*collate.Collator)
	var buf collate.Buffer
	k := append([]byte(nil), c.KeyFromString(&buf, s)...)
	turkish.Put(c)
	return k
}
