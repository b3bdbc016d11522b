package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
)

func cmdLog(e *cli.Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "verify":
			return logVerify(e, args[1:])
		case "verify-receipt":
			return logVerifyReceipt(e, args[1:])
		case "adopt":
			return logAdopt(e, args[1:])
		}
	}
	fmt.Fprintln(e.Stderr, "Usage: sandik log verify|verify-receipt|adopt [flags]")
	return cli.ErrUsage
}

// logVerify recomputes every leaf of the ledger from the database and
// checks the stored hashes and the signed checkpoints against them.
func logVerify(e *cli.Env, args []string) error {
	fs := e.Flags("log verify", "log verify [-db DB] [-ledger-key FILE | -verifier-key KEY]")
	var sf cli.StoreFlags
	sf.Register(fs)
	sf.RegisterLedger(fs)
	vkey := fs.String("verifier-key", "", "the log's verifier key, for an auditor without the signing key (default: derived from -ledger-key)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	st, err := cli.OpenStore(e.Ctx, sf.DB, sf.Unsafe, log)
	if err != nil {
		return err
	}
	defer st.Close()
	return cli.VerifyLedger(e.Ctx, st, sf.LedgerKeyPath(), *vkey, func(format string, args ...any) {
		fmt.Fprintf(e.Stderr, format, args...)
	}, e.Stdout)
}

// logAdopt appends leaves for the writes the ledger lacks — a database
// from before the ledger, a copy made by COPY — after the operator has
// said why, and lists them. Run it with the server stopped.
func logAdopt(e *cli.Env, args []string) error {
	fs := e.Flags("log adopt", "log adopt -reason TEXT [-db DB] [-dry-run]")
	var sf cli.StoreFlags
	sf.Register(fs)
	reason := fs.String("reason", "", "why these writes are trusted as they stand (required; logged)")
	dry := fs.Bool("dry-run", false, "list what would be adopted and write nothing")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || (strings.TrimSpace(*reason) == "" && !*dry) {
		fmt.Fprintln(e.Stderr, "sandik log adopt: -reason is required: adopting writes vouches for them as they stand")
		return cli.ErrUsage
	}
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	st, err := cli.OpenStore(e.Ctx, sf.DB, sf.Unsafe, log)
	if err != nil {
		return err
	}
	defer st.Close()
	var recs []ledger.Record
	if *dry {
		recs, err = audit.Unlogged(e.Ctx, st)
	} else {
		recs, err = audit.Adopt(e.Ctx, st)
	}
	counts := map[ledger.Kind]int{}
	for _, r := range recs {
		counts[r.Kind]++
		if len(recs) <= 50 {
			fmt.Fprintf(e.Stdout, "  %s\n", r)
		}
	}
	verb := "adopted"
	if *dry {
		verb = "would adopt"
	}
	fmt.Fprintf(e.Stdout, "%s %d records: %d submissions, %d objection events, %d users, %d settings\n", verb, len(recs),
		counts[ledger.KindSubmission]+counts[ledger.KindAdjudication]+counts[ledger.KindImport],
		counts[ledger.KindObjection], counts[ledger.KindUser], counts[ledger.KindThreshold])
	if err != nil {
		return err
	}
	if !*dry && len(recs) > 0 {
		log.Warn("ledger records adopted", "records", len(recs), "reason", *reason)
	}
	return nil
}

// logVerifyReceipt checks a receipt offline: against its own checkpoint,
// and given a later checkpoint and the consistency proof to it, against
// that one too.
func logVerifyReceipt(e *cli.Env, args []string) error {
	fs := e.Flags("log verify-receipt", "log verify-receipt -verifier-key KEY [-checkpoint FILE_OR_URL -proof FILE_OR_URL] RECEIPT.json")
	vkey := fs.String("verifier-key", "", "the log's published verifier key (required)")
	later := fs.String("checkpoint", "", "a later signed checkpoint: the note, or the JSON of /api/v1/log/checkpoint")
	proofArg := fs.String("proof", "", "the consistency proof to the later checkpoint: the JSON of /api/v1/log/proof?from=N&to=M")
	token := fs.String("token", "", "API token for a URL given to -checkpoint or -proof")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *vkey == "" || (*later == "") != (*proofArg == "") {
		fs.Usage()
		return cli.ErrUsage
	}
	data, err := fetch(e.Ctx, fs.Arg(0), *token)
	if err != nil {
		return err
	}
	r, err := ledger.ParseReceiptOrAnswer(data)
	if err != nil {
		return err
	}
	c, err := ledger.VerifyReceipt(r, *vkey)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "receipt verifies: leaf %d is in the tree of %d leaves that %s signed\n", r.LeafIndex, c.Size, c.Origin)
	if *later == "" {
		return nil
	}
	cpData, err := fetch(e.Ctx, *later, *token)
	if err != nil {
		return err
	}
	var published struct {
		Checkpoint string `json:"checkpoint"`
	}
	if json.Unmarshal(cpData, &published) == nil && published.Checkpoint != "" {
		cpData = []byte(published.Checkpoint)
	}
	pData, err := fetch(e.Ctx, *proofArg, *token)
	if err != nil {
		return err
	}
	var p ledger.ConsistencyProof
	if err := json.Unmarshal(pData, &p); err != nil {
		return fmt.Errorf("-proof: %w", err)
	}
	if err := ledger.VerifyAgainstLater(r, cpData, p.Proof, *vkey); err != nil {
		return err
	}
	lc, _ := ledger.OpenCheckpoint(cpData, *vkey)
	fmt.Fprintf(e.Stdout, "the later checkpoint of %d leaves extends it: leaf %d is still where the receipt put it\n", lc.Size, r.LeafIndex)
	return nil
}

// fetch reads a file, or GETs an http(s) URL with the bearer token.
func fetch(ctx context.Context, src, token string) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		return os.ReadFile(src)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %.200s", src, resp.Status, b)
	}
	return b, nil
}
