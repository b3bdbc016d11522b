package handler

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// TestReceiptJSONAsEncodingJSON: the receipt's own encoder writes what
// json.Encoder writes, for any receipt it takes on.
func TestReceiptJSONAsEncodingJSON(t *testing.T) {
	istanbul := time.FixedZone("TRT", 3*3600)
	tricky := rapid.SampledFrom([]string{"", "a<b>&c", "tab\there", "\u2028\u2029", "quote\"back\\", "\x00\x1f\x7f", "ğüşıöçİ", "bad\xffutf8", "—"})
	text := rapid.OneOf(rapid.String(), rapid.StringMatching(`[0-9a-f-]{1,40}`), tricky)
	hash := rapid.Custom(func(t *rapid.T) tlog.Hash {
		var h tlog.Hash
		copy(h[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "hash"))
		return h
	})
	rapid.Check(t, func(t *rapid.T) {
		at := time.Unix(rapid.Int64Range(-62135596800, 253402300799).Draw(t, "at"), rapid.Int64Range(0, 999999999).Draw(t, "ns"))
		switch rapid.IntRange(0, 2).Draw(t, "zone") {
		case 1:
			at = at.In(istanbul)
		case 2:
			at = at.In(time.FixedZone("", rapid.IntRange(-30*3600, 30*3600).Draw(t, "offset")))
		}
		r := Receipt{Seq: rapid.Int64().Draw(t, "seq"), ID: sandik.SubmissionID(text.Draw(t, "id")), ReceivedAt: at,
			Replayed: rapid.Bool().Draw(t, "replayed")}
		if rapid.Bool().Draw(t, "warnings") {
			r.Warnings = rapid.SliceOfN(text, 0, 3).Draw(t, "names")
		}
		if rapid.Bool().Draw(t, "ledger") {
			l := &ledger.Receipt{LeafIndex: rapid.Int64().Draw(t, "leaf"), LeafHash: hash.Draw(t, "leaf hash"),
				Checkpoint: text.Draw(t, "checkpoint")}
			if rapid.Bool().Draw(t, "proof") {
				l.Proof = rapid.SliceOfN(hash, 0, 20).Draw(t, "proof hashes")
			}
			r.Ledger = l
		}
		var want bytes.Buffer
		got, ok := r.appendJSON(nil)
		if err := json.NewEncoder(&want).Encode(r); err != nil {
			// A time encoding/json refuses (a year past 9999 where it
			// is) is left to it, to be refused the same way.
			if ok {
				t.Fatalf("encoded %s, which encoding/json refuses: %v", got, err)
			}
			return
		}
		if !ok {
			t.Fatalf("receipt %+v left to encoding/json", r)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("encoded\n%s\nencoding/json\n%s", got, want.Bytes())
		}
		// The checkpoint's kept encoding is the one asked for.
		if r.Ledger != nil {
			if again, _ := r.appendJSON(nil); !bytes.Equal(again, got) {
				t.Fatalf("second encoding differs:\n%s\n%s", again, got)
			}
		}
	})
}

// A box status goes to encoding/json.
func TestReceiptJSONLeavesStatus(t *testing.T) {
	s := sandik.BoxStatus(0)
	r := Receipt{Status: &s}
	if _, ok := r.appendJSON(nil); ok {
		t.Fatal("a receipt with a status was encoded by hand")
	}
}

// The hand encoder knows the fields of a receipt as they are now: a field
// added to either type, or a changed name or option, must be added to it
// too, and this test says so.
func TestReceiptJSONKnowsEveryField(t *testing.T) {
	fields := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			out = append(out, rt.Field(i).Name+" "+rt.Field(i).Tag.Get("json"))
		}
		return out
	}
	want := []string{"Seq seq", "ID id", "ReceivedAt received_at", "Replayed replayed", "Warnings warnings",
		"Status status,omitempty", "Ledger receipt,omitempty"}
	if got := fields(Receipt{}); !slices.Equal(got, want) {
		t.Errorf("Receipt's fields %q, the encoder writes %q: change appendJSON with them", got, want)
	}
	want = []string{"LeafIndex leaf_index", "LeafHash leaf_hash", "Checkpoint checkpoint", "Proof proof"}
	if got := fields(ledger.Receipt{}); !slices.Equal(got, want) {
		t.Errorf("ledger.Receipt's fields %q, the encoder writes %q: change appendJSON with them", got, want)
	}
}

// A receipt of the night, with a proof of a national log's depth and a
// signed checkpoint, fits the room made for it: encoding it is one
// allocation at most, not a buffer grown by appends.
func TestReceiptSizeHint(t *testing.T) {
	proof := make([]tlog.Hash, 22)
	for i := range proof {
		proof[i][0] = byte(i)
	}
	cp := "sandik.example/ledger\n2000000\nq2Y1v5PtqZ3z6cC0G5n7oFzqB8dJf1uJtI1XcN2w9kE=\n\n— sandik.example/ledger Az8ZqH7n3lM0mW2pY4bX6cV8dF0gJ2kL4mN6pQ8rS0tU2vW4xY6zA8bC0dE2fG4hI6jK8lM0nO2pQ4rS6tU8vW==\n"
	for _, r := range []Receipt{
		{Seq: 1999999, ID: "9f1c2d3e-4b5a-6978-8899-aabbccddeeff", ReceivedAt: time.Date(2026, 3, 31, 21, 4, 5, 123456789, time.FixedZone("", 3*3600)),
			Warnings: []string{"turnout_high", "invalid_high"}, Ledger: &ledger.Receipt{LeafIndex: 2000123, Checkpoint: cp, Proof: proof}},
		{Seq: 7, ID: "x", ReceivedAt: time.Unix(0, 0).UTC()},
	} {
		got, ok := r.appendJSON(nil)
		if !ok {
			t.Fatal("not encoded")
		}
		if hint := r.jsonSizeHint(); len(got) > hint {
			t.Errorf("encoded %d bytes, hint %d", len(got), hint)
		}
		if allocs := testing.AllocsPerRun(20, func() { r.appendJSON(make([]byte, 0, r.jsonSizeHint())) }); allocs > 1 {
			t.Errorf("%v allocations with the hint's room", allocs)
		}
	}
}
