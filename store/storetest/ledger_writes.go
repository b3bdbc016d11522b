package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
)

// testLedgerOtherWrites: objection events, user changes (creation, areas,
// token) and settings are leaves in the transaction of the write, in one
// order with the submissions, also when they race them; the audit then
// recomputes every leaf from the rows and finds nothing.
func testLedgerOtherWrites(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 6, 18, 0, 0, 0, time.UTC)
	if err := s.SaveUsers(ctx, []sandik.NewUser{
		{User: sandik.User{ID: "gul", Name: "Gül", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{Box1}}, TokenHash: [32]byte{7}},
	}, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 4 {
		wg.Go(func() {
			for i := range 5 {
				if _, err := s.Append(ctx, Subs(fmt.Sprintf("w%d-%d", w, i), 2)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for v := 1; v <= 5; v++ {
			e := sandik.CaseEvent{Case: "C-9", Version: v, Kind: sandik.CaseEdited, User: "gul", At: at.Add(time.Duration(v) * time.Minute)}
			if v == 1 {
				e.Kind = sandik.CaseCreated
			}
			if err := s.AppendCaseEvent(ctx, e); err != nil {
				errs <- err
			}
		}
	})
	wg.Go(func() {
		for v := 1; v <= 3; v++ {
			st := sandik.Setting{Key: "anomaly.thresholds", Value: fmt.Appendf(nil, `{"turnout_z": %d}`, v), Version: v, UpdatedBy: "gul", UpdatedAt: at}
			if err := s.PutSetting(ctx, st, v-1); err != nil {
				errs <- err
			}
		}
	})
	wg.Go(func() {
		for i := range 3 {
			if err := s.SetToken(ctx, "gul", [32]byte{byte(10 + i)}); err != nil {
				errs <- err
			}
			if err := s.SaveUsers(ctx, nil, []sandik.User{{ID: "gul", Areas: []sandik.AreaCode{Box1, Box2}[:1+i%2]}}); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := s.LedgerRecords(ctx, 0, int(size))
	if err != nil {
		t.Fatal(err)
	}
	count := map[ledger.Kind]int{}
	for _, r := range recs {
		count[ledger.Kind(r.Kind)]++
	}
	want := map[ledger.Kind]int{ledger.KindSubmission: 40, ledger.KindObjection: 5, ledger.KindThreshold: 3, ledger.KindUser: 1 + 6}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d leaves of kind %s, want %d (all: %v)", count[k], k, n, count)
		}
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit of an honest store: %v", err)
	}
}
