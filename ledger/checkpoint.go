package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a tree head as it is signed: the log's origin (its name,
// which is also the signing key's name), the number of leaves and the root
// hash.
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
}

// Tree returns the checkpoint's tree head.
func (c Checkpoint) Tree() tlog.Tree { return tlog.Tree{N: c.Size, Hash: c.Hash} }

// Text returns the note text of c: the origin line, then the size and the
// base64 root hash as tlog.FormatTree writes them. That is the common
// checkpoint layout of transparency logs, so their tools can read ours.
func (c Checkpoint) Text() []byte {
	_, tree, _ := bytes.Cut(tlog.FormatTree(c.Tree()), []byte("\n"))
	return append([]byte(c.Origin+"\n"), tree...)
}

// treeHeader is the first line tlog.ParseTree wants; the origin stands in
// its place in a checkpoint.
const treeHeader = "go.sum database tree\n"

// ParseCheckpoint reads the text Checkpoint.Text writes, and nothing more:
// lines after the hash are refused rather than ignored, since only this
// package writes checkpoints.
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	origin, tree, ok := bytes.Cut(text, []byte("\n"))
	if !ok || !validOrigin(string(origin)) || bytes.Count(tree, []byte("\n")) != 2 {
		return Checkpoint{}, fmt.Errorf("%w checkpoint: want three lines (origin, size, hash)", ErrMalformed)
	}
	t, err := tlog.ParseTree(append([]byte(treeHeader), tree...))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w checkpoint: %v", ErrMalformed, err)
	}
	return Checkpoint{Origin: string(origin), Size: t.N, Hash: t.Hash}, nil
}

// validOrigin applies note's rules for a key name, which the origin is.
func validOrigin(s string) bool {
	return s != "" && utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return r == '+' || unicode.IsSpace(r) || r < 0x20
	})
}

// OpenCheckpoint checks the signature of a signed checkpoint by the key
// verifierKey names and returns the checkpoint. The origin must be the
// key's name, so a key cannot vouch for another log.
func OpenCheckpoint(signed []byte, verifierKey string) (Checkpoint, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("verifier key %q: %w", verifierKey, err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified):
		return Checkpoint{}, fmt.Errorf("%w: the checkpoint has no signature by key %s+%08x", ErrSignature, v.Name(), v.KeyHash())
	case errors.As(err, &invalid):
		return Checkpoint{}, fmt.Errorf("%w: the signature by key %s+%08x does not match the checkpoint text", ErrSignature, invalid.Name, invalid.Hash)
	case err != nil:
		return Checkpoint{}, fmt.Errorf("%w signed checkpoint: %v", ErrMalformed, err)
	}
	c, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint of log %q signed by the key of %q", ErrSignature, c.Origin, v.Name())
	}
	return c, nil
}

// Signer signs the checkpoints of one log.
type Signer struct {
	signer      note.Signer
	verifierKey string
}

// NewSigner reads a signer key as note.GenerateKey writes it
// ("PRIVATE+KEY+<origin>+<hash>+<key>").
func NewSigner(skey string) (*Signer, error) {
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("signer key: %w", err)
	}
	// note keeps the public half to itself; the verifier key is derived
	// again from the seed so that it can be published from the key file
	// alone, at any time.
	// PRIVATE+KEY+<name>+<hash>+<key>: the base64 key may hold '+' too.
	fields := strings.SplitN(skey, "+", 5)
	data, err := base64.StdEncoding.DecodeString(fields[len(fields)-1])
	if err != nil || len(data) != 1+ed25519.SeedSize {
		return nil, errors.New("signer key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(data[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return nil, fmt.Errorf("signer key: %w", err)
	}
	if v, err := note.NewVerifier(vkey); err != nil || v.KeyHash() != s.KeyHash() {
		return nil, errors.New("signer key: its hash does not match its key")
	}
	return &Signer{signer: s, verifierKey: vkey}, nil
}

// Origin returns the name of the log this signer signs for.
func (s *Signer) Origin() string { return s.signer.Name() }

// VerifierKey returns the public key to publish: what OpenCheckpoint,
// VerifyReceipt and Verify take.
func (s *Signer) VerifierKey() string { return s.verifierKey }

// Sign returns the signed checkpoint of tree head t.
func (s *Signer) Sign(t tlog.Tree) ([]byte, error) {
	c := Checkpoint{Origin: s.Origin(), Size: t.N, Hash: t.Hash}
	signed, err := note.Sign(&note.Note{Text: string(c.Text())}, s.signer)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint: %w", err)
	}
	return signed, nil
}

// GenerateKey makes a new signing key for the log named origin (a host and
// path such as "sandik.example.org/2026-genel"), writes it to path, which must
// not exist, readable by its owner only, and returns the verifier key to
// publish.
func GenerateKey(path, origin string) (verifierKey string, err error) {
	return generateKey(rand.Reader, path, origin)
}

func generateKey(random io.Reader, path, origin string) (string, error) {
	if !validOrigin(origin) {
		return "", fmt.Errorf("log origin %q: must be non-empty, without spaces or '+'", origin)
	}
	skey, vkey, err := note.GenerateKey(random, origin)
	if err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	// O_EXCL: an existing key is the only one that can extend its log, so
	// it is never overwritten.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("write ledger key: %w", err)
	}
	_, err = f.WriteString(skey + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("write ledger key %s: %w", path, err)
	}
	return vkey, nil
}

// LoadSigner reads the key GenerateKey wrote. A key file that anyone but its
// owner may read or write is refused: whoever reads it can sign a rewritten
// history, and whoever writes it can swap it for their own.
func LoadSigner(path string) (*Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ledger key: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so the mode checked is that of the
	// bytes read.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("ledger key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("ledger key %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("ledger key %s has mode %04o: group or others may read or write it; run chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, fmt.Errorf("ledger key %s: %w", path, err)
	}
	s, err := NewSigner(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("ledger key %s: %w", path, err)
	}
	return s, nil
}
