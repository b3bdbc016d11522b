package feed

import (
	"testing"
	"time"
)

// A Last-Modified date is read in each of HTTP's three forms.
func TestHTTPDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	for _, s := range []string{"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"} {
		if got, err := httpDate(s); err != nil || !got.Equal(want) {
			t.Errorf("httpDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if _, err := httpDate("yesterday"); err == nil {
		t.Error("httpDate read a date that is none")
	}
}
