package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
)

// VerifyLedger audits st's ledger with the key at keyPath (or the
// verifier key vkey) and the checkpoint file beside it, printing progress
// with progress and the outcome to out.
func VerifyLedger(ctx context.Context, st audit.Store, keyPath, vkey string, progress func(string, ...any), out io.Writer) error {
	if vkey == "" {
		s, err := ledger.LoadSigner(keyPath)
		if err != nil {
			return err
		}
		vkey = s.VerifierKey()
	}
	var cps [][]byte
	file := center.CheckpointFile(keyPath)
	switch b, err := os.ReadFile(file); {
	case err == nil:
		cps = append(cps, b)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	start := time.Now()
	last := start
	err := audit.Run(ctx, st, vkey, audit.Options{Checkpoints: cps, Progress: func(done, total int64) {
		if time.Since(last) >= time.Second {
			last = time.Now()
			progress("verified %d of %d records\n", done, total)
		}
	}})
	if err != nil {
		return err
	}
	size, err := st.LedgerSize(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "ledger verifies: %d records, checked against %d checkpoint(s), in %v\n", size, 1+len(cps), time.Since(start).Round(time.Millisecond))
	return nil
}

// verifyAtStart audits the ledger before the server serves it. A log
// that does not verify is refused unless the operator gave a reason to
// serve it anyway, which is logged with the fault.
func verifyAtStart(ctx context.Context, st sandik.Store, sf *StoreFlags, log *slog.Logger) error {
	key := sf.LedgerKeyPath()
	var err error
	if _, serr := os.Stat(key); errors.Is(serr, fs.ErrNotExist) {
		// A first start: the key is made next. Commands that do not serve
		// (imports) may have written leaves, unsigned: they are checked
		// against the stored hashes. A checkpoint signed before means the
		// key that signed it is lost, and nothing can be checked.
		if _, cerr := st.LatestCheckpoint(ctx); cerr == nil {
			err = fmt.Errorf("the ledger has signed checkpoints but its key %s is missing", key)
		} else if sandik.CodeOf(cerr) != sandik.ENotFound {
			err = cerr
		} else {
			err = audit.Run(ctx, st, "", audit.Options{})
		}
	} else {
		err = VerifyLedger(ctx, st, key, "", func(format string, args ...any) {
			log.Info("verifying the ledger", "progress", fmt.Sprintf(format, args...))
		}, io.Discard)
	}
	switch {
	case err == nil:
		log.Info("ledger verified", "key", key)
		return nil
	case sf.Unverified != "":
		log.Error("serving a ledger that does not verify, as -serve-unverified-log asks", "reason", sf.Unverified, "err", err)
		return nil
	}
	return fmt.Errorf("%w; the server will not serve it (a database from before the ledger needs `sandik log adopt -reason TEXT` once; to serve it anyway, give -serve-unverified-log with your reason)", err)
}
