package percent

import "testing"

func TestDecimals(t *testing.T) {
	for _, c := range []struct {
		counts []int64
		total  int64
		want   int
	}{
		{[]int64{600, 300, 100}, 1000, 1},
		{[]int64{485, 484, 31}, 1000, 1},                 // 48,5 and 48,4 already differ
		{[]int64{48550, 48540, 2910}, 100000, 2},         // 48,55 and 48,54
		{[]int64{4000000, 3999990, 1000000}, 8999990, 3}, // differ only at the third
		{[]int64{5, 5, 0}, 10, 1},                        // equal counts may share a share
		{[]int64{1, 2}, 3_000_000_000, 3},                // never more than three
	} {
		if got := Decimals(c.counts, c.total); got != c.want {
			t.Errorf("Decimals(%v, %d) = %d, want %d", c.counts, c.total, got, c.want)
		}
	}
	for _, c := range []struct {
		gap, total int64
		want       int
	}{{0, 100, 1}, {5, 100, 1}, {1, 100, 1}, {16, 10000, 2}, {15, 100000, 3}, {1, 10_000_000, 3}} {
		if got := MarginDecimals(c.gap, c.total); got != c.want {
			t.Errorf("MarginDecimals(%d, %d) = %d, want %d", c.gap, c.total, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		part, whole int64
		dec         int
		en          bool
		want        string
	}{
		{1, 8, 1, false, "%12,5"}, {1, 8, 1, true, "12.5%"}, {1337, 8998663, 3, false, "%0,015"},
		{5, 0, 1, false, "–"}, {0, 10, 2, true, "0.00%"},
	} {
		if got := Format(c.part, c.whole, c.dec, c.en); got != c.want {
			t.Errorf("Format(%d, %d, %d, %v) = %q, want %q", c.part, c.whole, c.dec, c.en, got, c.want)
		}
	}
}
