package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/sandik-dev/sandik"
)

var groupTests = []test{
	{"ConflictDoesNotFailOthers", testConflictAmongMany},
	{"LargeCallIsOneUnit", testLargeCall},
}

// testConflictAmongMany appends from many callers at once, one of them
// reusing an id for other content. Callers are grouped into shared
// commits, but each is answered for itself: the conflicting one gets
// EConflict and writes nothing, every other one is written.
func testConflictAmongMany(t *testing.T, o Opener) {
	s := o.Open(t)
	taken := Sub("taken", Box1, 1, 2)
	mustAppend(t, s, taken)
	const callers = 24
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			subs := Subs(fmt.Sprintf("many%d", i), 2)
			if i == callers/2 {
				subs = append(subs, Sub("taken", Box1, 2, 1))
			}
			_, errs[i] = s.Append(context.Background(), subs)
		})
	}
	wg.Wait()
	for i, err := range errs {
		switch {
		case i == callers/2:
			wantCode(t, err, sandik.EConflict, "the caller reusing an id")
		case err != nil:
			t.Errorf("caller %d failed beside a conflicting one: %v", i, err)
		}
	}
	all := All(t, s)
	if len(all) != 1+2*(callers-1) {
		t.Fatalf("log holds %d submissions, want %d", len(all), 1+2*(callers-1))
	}
	for _, sub := range all {
		if sub.ID == sandik.SubmissionID(fmt.Sprintf("many%d-0", callers/2)) {
			t.Fatalf("the refused caller's %q was written", sub.ID)
		}
	}
}

// testLargeCall appends one call larger than any group a backend gathers
// (an import): written whole, in order, with rising numbers.
func testLargeCall(t *testing.T, o Opener) {
	s := o.Open(t)
	subs := Subs("large", 5000)
	rs := mustAppend(t, s, subs...)
	for i := 1; i < len(rs); i++ {
		if rs[i].Seq <= rs[i-1].Seq {
			t.Fatalf("receipt %d: seq %d after %d", i, rs[i].Seq, rs[i-1].Seq)
		}
	}
	if d := sameSubs(withSeq(subs, rs), All(t, s)); d != "" {
		t.Fatalf("log differs (-want +got):\n%s", d)
	}
}
