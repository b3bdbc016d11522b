package ledger

import (
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func TestCheckpointText(t *testing.T) {
	c := Checkpoint{Origin: testOrigin, Size: 12, Hash: tlog.RecordHash([]byte("x"))}
	want := testOrigin + "\n12\n" + c.Hash.String() + "\n"
	if got := string(c.Text()); got != want {
		t.Fatalf("text %q, want %q", got, want)
	}
	back, err := ParseCheckpoint(c.Text())
	if err != nil || back != c {
		t.Fatalf("ParseCheckpoint = %+v, %v", back, err)
	}
	for _, bad := range []string{
		"",
		testOrigin,
		testOrigin + "\n12\n",
		testOrigin + "\n12\n" + c.Hash.String(), // no final newline
		testOrigin + "\n12\n" + c.Hash.String() + "\nextra\n",    // a line more
		testOrigin + "\n012\n" + c.Hash.String() + "\n",          // not canonical
		testOrigin + "\n-1\n" + c.Hash.String() + "\n",           // negative
		testOrigin + "\n12\n" + c.Hash.String()[:20] + "\n",      // short hash
		"two words\n12\n" + c.Hash.String() + "\n",               // origin with a space
		"a+b\n12\n" + c.Hash.String() + "\n",                     // origin with a plus
		"\n12\n" + c.Hash.String() + "\n",                        // no origin
		"go.sum database tree\n12\n" + c.Hash.String() + "\nx\n", // tlog's own, with an extra line
	} {
		if c, err := ParseCheckpoint([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseCheckpoint(%q) = %+v, %v; want ErrMalformed", bad, c, err)
		}
	}
}

func TestSignAndOpen(t *testing.T) {
	s := testSigner(t, testOrigin, 1)
	tree := tlog.Tree{N: 3, Hash: tlog.RecordHash([]byte("y"))}
	signed, err := s.Sign(tree)
	if err != nil {
		t.Fatal(err)
	}
	c, err := OpenCheckpoint(signed, s.VerifierKey())
	if err != nil || c.Tree() != tree || c.Origin != testOrigin {
		t.Fatalf("OpenCheckpoint = %+v, %v", c, err)
	}
	other := testSigner(t, testOrigin, 2)         // same name, another key
	foreign := testSigner(t, "other.test/log", 1) // another name
	for _, tc := range []struct {
		name, vkey string
		signed     []byte
		want       error
	}{
		{"other key of the same name", other.VerifierKey(), signed, ErrSignature},
		{"key of another log", foreign.VerifierKey(), signed, ErrSignature},
		{"text changed", s.VerifierKey(), []byte(strings.Replace(string(signed), "\n3\n", "\n4\n", 1)), ErrSignature},
		{"no signature", s.VerifierKey(), signed[:strings.Index(string(signed), "\n\n")+2], ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := OpenCheckpoint(tc.signed, tc.vkey); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := OpenCheckpoint(signed, "not a key"); err == nil {
		t.Fatal("a malformed verifier key was accepted")
	}

	// A signer whose origin differs from the checkpoint's: the note is
	// signed validly, but by a key that is not that log's.
	forged := Checkpoint{Origin: "other.test/log", Size: 3, Hash: tree.Hash}
	note, err := signNoteText(s, forged.Text())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(note, s.VerifierKey()); !errors.Is(err, ErrSignature) || !strings.Contains(err.Error(), "other.test/log") {
		t.Fatalf("checkpoint of another origin: %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.key")
	vkey, err := GenerateKey(path, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", perm)
	}
	s, err := LoadSigner(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.VerifierKey() != vkey || s.Origin() != testOrigin {
		t.Fatalf("loaded key %q (%s), generated %q", s.VerifierKey(), s.Origin(), vkey)
	}
	signed, err := s.Sign(tlog.Tree{N: 1, Hash: tlog.RecordHash(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(signed, vkey); err != nil {
		t.Fatalf("checkpoint signed by the loaded key: %v", err)
	}

	if _, err := GenerateKey(path, testOrigin); err == nil {
		t.Fatal("GenerateKey overwrote an existing key")
	}
	if again, _ := LoadSigner(path); again == nil || again.VerifierKey() != vkey {
		t.Fatal("the key changed after a refused GenerateKey")
	}
	if _, err := GenerateKey(filepath.Join(dir, "bad.key"), "has space"); err == nil {
		t.Fatal("GenerateKey accepted an origin with a space")
	}

	for _, mode := range []os.FileMode{0o640, 0o604, 0o620, 0o644} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadSigner(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("mode %04o: %v; want a refusal naming %s", mode, err, path)
		}
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(path); err != nil {
		t.Fatalf("mode 0400: %v", err)
	}

	junk := filepath.Join(dir, "junk.key")
	if err := os.WriteFile(junk, []byte("PRIVATE+KEY+x+00000000+AAAA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(junk); err == nil || !strings.Contains(err.Error(), junk) {
		t.Fatalf("junk key: %v", err)
	}
	if _, err := LoadSigner(filepath.Join(dir, "missing.key")); err == nil {
		t.Fatal("a missing key file loaded")
	}
	if _, err := LoadSigner(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("a directory as key: %v", err)
	}
}

// The verifier key derived from a signer key is the one generated with it,
// whatever characters the key's base64 holds.
func TestSignerVerifierKey(t *testing.T) {
	for range 50 {
		skey, vkey, err := note.GenerateKey(rand.Reader, testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSigner(skey)
		if err != nil {
			t.Fatalf("%s: %v", skey, err)
		}
		if s.VerifierKey() != vkey {
			t.Fatalf("derived %q, generated %q", s.VerifierKey(), vkey)
		}
	}
	if _, err := NewSigner("PRIVATE+KEY+x+1234"); err == nil {
		t.Fatal("a malformed signer key was accepted")
	}
}
