package limits

import (
	"fmt"
	"testing"
	"time"
)

func TestRateFlag(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Rate
		str  string
	}{
		{"10/s,50", Rate{10, 50}, "10/s,50"},
		{"10/m,30", Rate{10.0 / 60, 30}, "10/m,30"},
		{"off", Rate{}, "off"},
	} {
		var r Rate
		if err := r.Set(c.in); err != nil || r != c.want || r.String() != c.str {
			t.Errorf("Set(%q) = %+v %v, String %q", c.in, r, err, r.String())
		}
	}
	for _, bad := range []string{"10", "10/h,5", "-1/s,5", "10/s,0", "x/s,1", "10/s"} {
		var r Rate
		if err := r.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

func TestBuckets(t *testing.T) {
	now := time.Unix(0, 0)
	b := NewBuckets(Rate{PerSecond: 2, Burst: 3}, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := b.Allow("a"); !ok {
			t.Fatalf("token %d refused", i)
		}
	}
	ok, wait := b.Allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("empty bucket: %v, wait %v", ok, wait)
	}
	if ok, _ := b.Allow("b"); !ok {
		t.Fatal("another key is refused")
	}
	if ok, _ := b.Check("a"); ok {
		t.Fatal("Check passes an empty bucket")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := b.Check("a"); !ok {
		t.Fatal("refilled bucket refused by Check")
	}
	if ok, _ := b.Allow("a"); !ok {
		t.Fatal("refilled bucket refused")
	}
	if ok, _ := b.Allow("a"); ok {
		t.Fatal("Check spent nothing, Allow one: the bucket should be empty")
	}
}

// Keys from many addresses are forgotten once their buckets refill.
func TestBucketsForget(t *testing.T) {
	now := time.Unix(0, 0)
	b := NewBuckets(Rate{PerSecond: 1, Burst: 1}, func() time.Time { return now })
	for i := range 5000 {
		b.Allow(fmt.Sprint(i))
		if i%1000 == 999 {
			now = now.Add(time.Second)
		}
	}
	if n := b.Len(); n > 2100 {
		t.Fatalf("%d keys remembered", n)
	}
	var off *Buckets
	if ok, _ := off.Allow("x"); !ok {
		t.Fatal("nil buckets refuse")
	}
}

func TestCounts(t *testing.T) {
	c := NewCounts(2)
	for i, want := range []bool{true, true, false} {
		if got := c.Acquire("a"); got != want {
			t.Fatalf("acquire %d of a cap of 2: %v, want %v", i+1, got, want)
		}
	}
	if !c.Acquire("b") {
		t.Fatal("another key refused")
	}
	c.Release("a")
	if !c.Acquire("a") {
		t.Fatal("released slot not reusable")
	}
	c.Release("a")
	c.Release("a")
	c.Release("b")
	if len(c.m) != 0 {
		t.Fatalf("keys holding nothing are kept: %v", c.m)
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(10, 15)
	if b.Reserve("a", 8) != Within || b.Reserve("a", 3) != OverKey {
		t.Fatal("per-key cap not kept")
	}
	if b.Reserve("b", 7) != Within || b.Reserve("c", 1) != OverTotal {
		t.Fatal("total cap not kept")
	}
	b.Release("a", 8)
	if k, all := b.Used("a"); k != 0 || all != 7 {
		t.Fatalf("after release: %d, %d", k, all)
	}
	if b.Reserve("c", 8) != Within {
		t.Fatal("released bytes not reusable")
	}
}
