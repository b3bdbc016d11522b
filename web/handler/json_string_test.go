package handler

import (
	"bytes"
	"encoding/json"
	"testing"

	"pgregory.net/rapid"
)

// TestAppendJSONStringAsEncodingJSON: any string, valid UTF-8 or not,
// encodes as json.Marshal encodes it.
func TestAppendJSONStringAsEncodingJSON(t *testing.T) {
	tricky := rapid.SampledFrom([]string{"", "a<b>&c", "tab\there\r\n", "\b\f", "\u2028\u2029", "quote\"back\\",
		"\x00\x1f\x7f", "ğüşıöçİ Şanlıurfa", "bad\xffutf8", "\xe2\x80", "—", "\U0001F5F3"})
	bytesAsText := rapid.Custom(func(t *rapid.T) string { return string(rapid.SliceOf(rapid.Byte()).Draw(t, "bytes")) })
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(rapid.String(), tricky, bytesAsText).Draw(t, "s")
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		prefix := []byte("x")
		got := AppendJSONString(prefix, s)
		if !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Fatalf("%q: encoded %s, encoding/json %s", s, got[1:], want)
		}
	})
}
