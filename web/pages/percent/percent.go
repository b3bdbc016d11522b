// Package percent writes shares of a count with as many decimals as the
// reader needs to tell them apart: a close race never reads "%0,0", and
// two candidates with different votes never show the same share.
package percent

import (
	"strconv"
	"strings"
)

// Decimals is the fewest decimals, 1 to 3, at which counts that differ
// show different shares of total: %48,5 and %48,4 become %48,55 and
// %48,39 when they are that close.
func Decimals(counts []int64, total int64) int {
	for dec := 1; dec < 3; dec++ {
		seen := map[string]int64{}
		distinct := true
		for _, n := range counts {
			s := strconv.FormatFloat(float64(n)*100/float64(total), 'f', dec, 64)
			if o, ok := seen[s]; ok && o != n {
				distinct = false
				break
			}
			seen[s] = n
		}
		if distinct {
			return dec
		}
	}
	return 3
}

// MarginDecimals gives a margin under a point two significant digits
// (%0,16, %0,015), up to three decimals; a wider one needs one.
func MarginDecimals(gap, total int64) int {
	switch pct := float64(gap) * 100 / float64(total); {
	case gap == 0 || pct >= 1:
		return 1
	case pct >= 0.1:
		return 2
	}
	return 3
}

// Format writes part/whole as a percentage with dec decimals: "%12,5" in
// Turkish (the sign first, a decimal comma), "12.5%" in English; "–"
// without a whole.
func Format(part, whole int64, dec int, english bool) string {
	if whole <= 0 {
		return "–"
	}
	v := strconv.FormatFloat(float64(part)*100/float64(whole), 'f', dec, 64)
	if english {
		return v + "%"
	}
	return "%" + strings.Replace(v, ".", ",", 1)
}
