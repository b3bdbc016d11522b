package ledger

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestRecordEncoding(t *testing.T) {
	r := Record{Kind: KindSubmission, ID: "ab", Seq: 258}
	r.ContentHash[0], r.ContentHash[31] = 0xaa, 0xbb
	b, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// The layout is part of every leaf ever signed: a change here breaks
	// every receipt handed out.
	want := "01" + "01" + "0000000000000102" + "0002" + hex.EncodeToString([]byte("ab")) +
		"aa" + strings.Repeat("00", 30) + "bb"
	if got := hex.EncodeToString(b); got != want {
		t.Fatalf("encoding\n got %s\nwant %s", got, want)
	}
	back, err := ParseRecord(b)
	if err != nil || back != r {
		t.Fatalf("ParseRecord = %+v, %v", back, err)
	}
	// sha256(0x00 || encoding), worked out apart from Go (RFC 6962's leaf).
	h, err := LeafHash(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.String(); got != "mxu0xjqL8Ffm2ZA81t7R2bbNUWv9Aj26AlNqYORxY5Q=" {
		t.Fatalf("leaf hash %s", got)
	}
}

// Records that differ in any field, including ones whose fields
// concatenate to the same bytes, encode differently.
func TestRecordEncodingUnambiguous(t *testing.T) {
	base := testRecord(7)
	vary := []func(*Record){
		func(r *Record) { r.Kind = KindImport },
		func(r *Record) { r.ID += "x" },
		func(r *Record) { r.ID = r.ID[:len(r.ID)-1] },
		func(r *Record) { r.Seq++ },
		func(r *Record) { r.ContentHash[5] ^= 1 },
	}
	seen := map[string]int{}
	enc, _ := base.MarshalBinary()
	seen[string(enc)] = -1
	for i, f := range vary {
		r := base
		f(&r)
		b, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if j, dup := seen[string(b)]; dup {
			t.Fatalf("variation %d encodes as %d", i, j)
		}
		seen[string(b)] = i
	}
}

func TestRecordInvalid(t *testing.T) {
	good := testRecord(1)
	for _, tc := range []struct {
		name string
		edit func(*Record)
		want string
	}{
		{"unknown kind", func(r *Record) { r.Kind = 0 }, "unknown kind"},
		{"kind past the last", func(r *Record) { r.Kind = KindBatch + 1 }, "unknown kind"},
		{"empty id", func(r *Record) { r.ID = "" }, "empty id"},
		{"long id", func(r *Record) { r.ID = strings.Repeat("x", MaxIDBytes+1) }, "longer than 1024"},
		{"id not UTF-8", func(r *Record) { r.ID = "a\xffb" }, "not UTF-8"},
		{"negative seq", func(r *Record) { r.Seq = -1 }, "negative seq"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good
			tc.edit(&r)
			if _, err := LeafHash(r); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LeafHash error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseRecordStrict(t *testing.T) {
	good, _ := testRecord(3).MarshalBinary()
	edit := func(f func([]byte) []byte) []byte { return f(bytes.Clone(good)) }
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short", good[:fixedBytes-1]},
		{"cut in the hash", good[:len(good)-1]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"version 2", edit(func(b []byte) []byte { b[0] = 2; return b })},
		{"unknown kind", edit(func(b []byte) []byte { b[1] = 99; return b })},
		{"length too long", edit(func(b []byte) []byte { b[11]++; return b })},
		{"length too short", edit(func(b []byte) []byte { b[11]--; return b })},
		{"negative seq", edit(func(b []byte) []byte { b[2] = 0x80; return b })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r, err := ParseRecord(tc.b); !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseRecord = %+v, %v; want ErrMalformed", r, err)
			}
		})
	}
}

func FuzzParseRecord(f *testing.F) {
	for i := range int64(6) {
		b, _ := testRecord(i).MarshalBinary()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRecord(b)
		if err != nil {
			return
		}
		again, err := r.MarshalBinary()
		if err != nil {
			t.Fatalf("parsed %+v does not encode: %v", r, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("%x parses as %+v, which encodes as %x", b, r, again)
		}
	})
}
