package demo

import (
	"math/rand/v2"
	"strconv"

	"github.com/sandik-dev/sandik"
)

// typo returns the sheet as a tired volunteer might type it: one choice's
// votes with one digit changed, or two neighbouring digits swapped — and
// the valid total, valid-without-objection and voted figures moved by the
// same amount, as happens when the totals are typed from the same wrong
// reading. Such a sheet passes every check of the tutanak; only a second
// entry shows it. ok is false when no choice has votes to mistype.
func typo(rng *rand.Rand, t sandik.Tutanak) (sandik.Tutanak, bool) {
	start := rng.IntN(len(t.Votes) + 1)
	for k := range len(t.Votes) {
		i := (start + k) % len(t.Votes)
		v := t.Votes[i]
		if v < 10 {
			continue // a one-digit count is hard to get wrong
		}
		var wrong int64
		if rng.IntN(2) == 0 {
			wrong = changeDigit(rng, v)
		} else if w, ok := swapDigits(rng, v); ok {
			wrong = w
		} else {
			wrong = changeDigit(rng, v)
		}
		d := wrong - v
		out := t.Clone()
		out.Votes[i] = wrong
		out.ValidTotal += d
		out.ValidWithoutObjection += d
		out.Voted += d
		if out.ValidWithoutObjection < 0 || out.Voted > sandik.MaxSheetNumber || len(out.Check("", make([]sandik.Choice, len(out.Votes)))) > 0 {
			continue
		}
		return out, true
	}
	return t, false
}

// changeDigit replaces one decimal digit of v (v ≥ 10) by another, keeping
// the leading digit non-zero.
func changeDigit(rng *rand.Rand, v int64) int64 {
	s := []byte(strconv.FormatInt(v, 10))
	pos := rng.IntN(len(s))
	for {
		d := byte('0' + rng.IntN(10))
		if d != s[pos] && !(pos == 0 && d == '0') {
			s[pos] = d
			break
		}
	}
	n, _ := strconv.ParseInt(string(s), 10, 64)
	return n
}

// swapDigits swaps two different neighbouring digits of v, if it has any
// and the result has no leading zero.
func swapDigits(rng *rand.Rand, v int64) (int64, bool) {
	s := []byte(strconv.FormatInt(v, 10))
	var cands []int
	for i := 0; i+1 < len(s); i++ {
		if s[i] != s[i+1] && !(i == 0 && s[1] == '0') {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return v, false
	}
	i := cands[rng.IntN(len(cands))]
	s[i], s[i+1] = s[i+1], s[i]
	n, _ := strconv.ParseInt(string(s), 10, 64)
	return n, true
}
