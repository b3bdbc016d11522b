package feed_test

import (
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/feed"
)

// FuzzDecode: whatever a publisher serves, the decoder returns sheets
// that fit their race, or a refusal, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"count": 1, "boxes": [{"box": "34.1.1.1043", "registered": 300, "voted": 250, "valid_without_objection": 240, "valid_upon_objection": 0, "valid_total": 240, "invalid_total": 10, "votes": {"CHP": 140, "AK PARTİ": 100}}]}`), false)
	f.Add([]byte("box;registered;voted;valid_without_objection;valid_upon_objection;valid_total;invalid_total;CHP;AK PARTİ\n34.1.1.1043;300;250;240;0;240;10;140;100\n"), true)
	f.Add([]byte("<html>"), false)
	reg := registry(f)
	f.Fuzz(func(t *testing.T, body []byte, csv bool) {
		m := feed.DefaultMapping()
		m.Election, m.Kind = election, "meclis"
		if csv {
			m.Format = feed.FormatCSV
		}
		d, err := feed.NewDecoder(reg, m)
		if err != nil {
			t.Fatal(err)
		}
		sheets, err := d.Decode(body)
		if err != nil {
			if sandik.CodeOf(err) != sandik.EInvalid || sheets != nil {
				t.Fatalf("refusal %v with %d sheets", err, len(sheets))
			}
			return
		}
		for _, s := range sheets {
			rc, ok := reg.Race(s.Race)
			if !ok || len(s.Sheet.Votes) != len(rc.Choices) || !reg.InRace(rc, s.Box) {
				t.Fatalf("sheet %+v does not fit its race", s)
			}
		}
	})
}
