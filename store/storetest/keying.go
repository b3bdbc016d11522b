package storetest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

var keyingTests = []test{
	{"SheetPhotos", testSheetPhotos},
	{"Leases", testLeases},
	{"CustodyChain", testCustodyChain},
	{"SheetPhotoReferences", testSheetPhotoRefs},
	{"SheetPhotoBatch", testSheetPhotoBatch},
}

// testSheetPhotoBatch: a batch stores what is new, returns only that,
// and a batch over the bound is refused with nothing stored.
func testSheetPhotoBatch(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	ref := func(box sandik.AreaCode, n int) sandik.SheetPhoto {
		u := "https://example.org/ovo/" + strings.Repeat("x", n) + ".jpg"
		return sandik.SheetPhoto{Race: Race, Box: box, Sum: sandik.RefSum(u), By: "ovo", At: Received(), URL: u}
	}
	if _, _, err := s.AddSheetPhoto(ctx, ref(Box1, 1)); err != nil {
		t.Fatal(err)
	}
	got, err := s.AddSheetPhotos(ctx, []sandik.SheetPhoto{ref(Box1, 1), ref(Box1, 2), ref(Box2, 1)})
	if err != nil || len(got) != 2 || got[0].URL != ref(Box1, 2).URL || got[1].Box != Box2 || got[0].Seq == 0 {
		t.Fatalf("batch: %+v %v", got, err)
	}
	var big []sandik.SheetPhoto
	for i := range sandik.MaxPhotoBatch + 1 {
		big = append(big, ref(Box2, 10+i))
	}
	if _, err := s.AddSheetPhotos(ctx, big); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("a batch over the bound: %v", err)
	}
	all, err := s.SheetPhotos(ctx, sandik.SheetPhotoFilter{})
	if err != nil || len(all) != 3 {
		t.Errorf("%d photos stored, want 3: %v", len(all), err)
	}
}

// testSheetPhotoRefs: a photo kept elsewhere is recorded with its
// address and read back with it, beside photos whose bytes are here.
func testSheetPhotoRefs(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	u := "https://api-secim.oyveotesi.org/image/secim-images.oyveotesi.org/oyveotesi/raw/server/1881_bulk_a_b.jpg"
	ref := sandik.SheetPhoto{Race: Race, Box: Box1, Sum: sandik.RefSum(u), By: "ovo", At: Received(), URL: u}
	got, created, err := s.AddSheetPhoto(ctx, ref)
	if err != nil || !created || got.URL != u || got.Bytes != 0 {
		t.Fatalf("reference: %+v %v %v", got, created, err)
	}
	if _, created, err := s.AddSheetPhoto(ctx, ref); err != nil || created {
		t.Errorf("the same reference again: %v %v", created, err)
	}
	own := sandik.SheetPhoto{Race: Race, Box: Box1, Sum: strings.Repeat("ef", 32), By: "ayse", At: Received(), Bytes: 10, Width: 1, Height: 1}
	if _, _, err := s.AddSheetPhoto(ctx, own); err != nil {
		t.Fatal(err)
	}
	all, err := s.SheetPhotos(ctx, sandik.SheetPhotoFilter{Box: Box1})
	if err != nil || len(all) != 2 || all[0].URL != u || all[1].URL != "" {
		t.Errorf("the box's photos: %+v %v", all, err)
	}
}

func testSheetPhotos(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	sum := strings.Repeat("ab", 32)
	p := sandik.SheetPhoto{Race: Race, Box: Box1, Sum: sum, By: "ayse", At: Received(), Bytes: 1234, Width: 40, Height: 30}
	first, created, err := s.AddSheetPhoto(ctx, p)
	if err != nil || !created || first.Seq == 0 || !first.At.Equal(p.At) || first.Bytes != 1234 {
		t.Fatalf("first: %+v %v %v", first, created, err)
	}
	again := p
	again.By, again.At = "mehmet", Received().Add(time.Hour)
	got, created, err := s.AddSheetPhoto(ctx, again)
	if err != nil || created || got.By != "ayse" || got.Seq != first.Seq {
		t.Errorf("the same photo again: %+v %v %v", got, created, err)
	}
	// The same bytes for another box are another record.
	other := p
	other.Box = Box2
	if _, created, err := s.AddSheetPhoto(ctx, other); err != nil || !created {
		t.Errorf("another box: %v %v", created, err)
	}
	all, err := s.SheetPhotos(ctx, sandik.SheetPhotoFilter{Sum: sum})
	if err != nil || len(all) != 2 || all[0].Box != Box1 || all[1].Box != Box2 {
		t.Errorf("by sum: %+v %v", all, err)
	}
	after, err := s.SheetPhotos(ctx, sandik.SheetPhotoFilter{After: first.Seq})
	if err != nil || len(after) != 1 || after[0].Box != Box2 {
		t.Errorf("after the first: %+v %v", after, err)
	}
}

func testLeases(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	l := sandik.KeyingLease{ID: "l-1", Race: Race, Box: Box1, Photo: strings.Repeat("cd", 32), User: "mehmet", Leased: Received(), Expires: Received().Add(10 * time.Minute)}
	if err := s.SaveLease(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveLease(ctx, l); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("the same id again: %v", err)
	}
	if _, err := s.Lease(ctx, "l-none"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("no lease: %v", err)
	}
	done := Received().Add(time.Minute)
	// Of two finishing at once exactly one ends it.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { errs[i] = s.FinishLease(ctx, "l-1", done, sandik.LeaseTyped, "k-l-1", "") })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || sandik.CodeOf(firstErr(errs)) != sandik.EConflict {
		t.Errorf("two finishing at once: %v", errs)
	}
	got, err := s.Lease(ctx, "l-1")
	if err != nil || got.Outcome != sandik.LeaseTyped || !got.Done.Equal(done) || got.Submission != "k-l-1" || !got.Leased.Equal(l.Leased) {
		t.Errorf("finished: %+v %v", got, err)
	}
	if err := s.FinishLease(ctx, "l-none", done, sandik.LeaseReported, "", sandik.ReportUnreadable); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("finish no lease: %v", err)
	}
	l2 := l
	l2.ID, l2.User = "l-2", "zeynep"
	if err := s.SaveLease(ctx, l2); err != nil {
		t.Fatal(err)
	}
	ls, err := s.Leases(ctx, sandik.LeaseFilter{User: "zeynep"})
	if err != nil || len(ls) != 1 || ls[0].ID != "l-2" || ls[0].Outcome != "" {
		t.Errorf("zeynep's: %+v %v", ls, err)
	}
	ls, err = s.Leases(ctx, sandik.LeaseFilter{Outcome: sandik.LeaseTyped})
	if err != nil || len(ls) != 1 || ls[0].ID != "l-1" {
		t.Errorf("typed: %+v %v", ls, err)
	}
}

// firstErr returns the first non-nil error.
func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func testCustodyChain(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	e := sandik.CustodyEvent{Box: Box1, Race: Race, Copy: "Müşahit nüshası", Holder: "Ayşe Yılmaz", Place: sandik.CustodyObserver,
		At: Received(), By: "ayse", Recorded: Received().Add(time.Minute)}
	// Appends at once are numbered one after another, none lost.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := s.AppendCustody(ctx, e); err != nil && sandik.CodeOf(err) != sandik.EConflict {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	chain, err := s.Custody(ctx, Box1)
	if err != nil || len(chain) == 0 {
		t.Fatalf("chain: %v %v", chain, err)
	}
	seqs := []int{}
	for _, c := range chain {
		seqs = append(seqs, c.Seq)
		if c.Holder != e.Holder || !c.At.Equal(e.At) || !c.Recorded.Equal(e.Recorded) || c.Place != e.Place || c.Race != Race {
			t.Errorf("event %+v", c)
		}
	}
	for i, n := range seqs {
		if n != i+1 {
			t.Errorf("numbers %v, want 1…%d", seqs, len(seqs))
			break
		}
	}
	if other, err := s.Custody(ctx, Box2); err != nil || len(other) != 0 {
		t.Errorf("another box: %v %v", other, err)
	}
	// Every box's chains at once, by box, for a copy of the database.
	e2 := e
	e2.Box = Box2
	if _, err := s.AppendCustody(ctx, e2); err != nil {
		t.Fatal(err)
	}
	all, err := s.Custody(ctx, "")
	if err != nil || len(all) != len(chain)+1 || all[len(all)-1].Box != Box2 && all[0].Box != Box2 {
		t.Errorf("every chain: %d events, %v; want %d with box 2's", len(all), err, len(chain)+1)
	}
	if !slices.IsSorted(seqs) {
		t.Errorf("out of order: %v", seqs)
	}
}
