package anomaly

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/sandik-dev/sandik"
)

// Box is one ballot box's figures to judge.
type Box struct {
	Code sandik.AreaCode
	// Group is the area whose boxes this one is compared with: its
	// neighbourhood (mahalle/köy), or its district when the neighbourhood
	// has too few boxes. "" compares it with nothing.
	Group sandik.AreaCode
	// Sheet is the figures to judge: the official ones, or a verified
	// sheet. A vote of -1 means the choice was not on this box's ballot.
	Sheet sandik.Tutanak
	// Registered is the registry's count of voters; 0 when unknown, and
	// then Sheet.Registered is used.
	Registered int64
	// Other is another entry of the same box (a second typing, or the
	// observers' sheet against the official one), nil when there is none.
	Other *sandik.Tutanak
	// Partial marks a sheet that carries only the votes and their total
	// (observer networks' exports): voters, invalid votes and turnout are
	// unknown, so only the votes' sum and the choices are judged.
	Partial bool
}

// Kind is a stable key of a kind of flag, for filters and translations.
type Kind string

// The kinds of flag, in the order Detect sorts them for one box.
const (
	KindIdentity       Kind = "identity"              // the sheet's own sums disagree
	KindTurnoutOver100 Kind = "turnout_over_100"      // more voted than could have
	KindTurnoutOutlier Kind = "turnout_outlier"       // turnout far from the group's
	KindInvalidOutlier Kind = "invalid_share_outlier" // invalid share far from the group's
	KindZeroChoice     Kind = "zero_choice"           // a strong choice got exactly 0
	KindTransposed     Kind = "transposed_digits"     // a figure differs from the other entry by a digit swap
	KindRoundNumbers   Kind = "round_numbers"         // too many counts end in 0
	// Cross-election flags (sandik.SwingHistory), found only when a
	// previous race is named: a box's swing since then far beyond its
	// neighbourhood's. Value is the box's swing in points, Threshold the
	// bound; Params hold the neighbourhood's swing and the match.
	KindTurnoutSwing Kind = "turnout_swing"
	KindShareSwing   Kind = "share_swing"
)

const (
	roundBaseRate = 0.12   // see RoundMaxProbability and roundTail
	robustScale   = 1.4826 // MAD × this estimates a normal distribution's standard deviation
)

// Kinds lists every kind, in sorting order.
func Kinds() []Kind {
	return []Kind{KindIdentity, KindTurnoutOver100, KindTurnoutOutlier, KindInvalidOutlier, KindZeroChoice, KindTransposed, KindRoundNumbers, KindTurnoutSwing, KindShareSwing}
}

// Flag is one thing about a box a coordinator should look at. It is not a
// verdict: every flag says what was measured and which bound it broke, so
// that the reader can judge, and tune the bound.
type Flag struct {
	Box   sandik.AreaCode `json:"box"`
	Kind  Kind            `json:"kind"`
	Field string          `json:"field"` // "voted", "valid_total", "votes", "votes.<choice>"…
	// Value is what was measured and Threshold the bound it broke; the
	// doc of each kind (see the package doc) says what they are.
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	// Params carries the figures the message quotes.
	Params map[string]any `json:"params,omitempty"`
}

// Detect judges every box and returns the flags sorted by box code, then
// kind (in the order of Kinds), then field; boxes with the same code keep
// their input order. choices names the votes, in ballot order, for fields
// and messages; a vote beyond it is named by its position. Thresholds are
// used as given: call Validate first.
func Detect(boxes []Box, choices []string, th Thresholds) []Flag {
	groups := groupStats(boxes, th)
	var flags []Flag
	for i := range boxes {
		b := &boxes[i]
		flags = append(flags, identityFlags(b, choices)...)
		flags = append(flags, turnoutFlags(b, groups[b.Group], th)...)
		flags = append(flags, zeroChoiceFlags(b, groups[b.Group], choices, th)...)
		flags = append(flags, transposedFlags(b, choices)...)
		flags = append(flags, roundFlags(b, choices, th)...)
	}
	rank := func(k Kind) int { return slices.Index(Kinds(), k) }
	slices.SortStableFunc(flags, func(a, b Flag) int {
		return cmp.Or(cmp.Compare(a.Box, b.Box), cmp.Compare(rank(a.Kind), rank(b.Kind)), cmp.Compare(a.Field, b.Field))
	})
	return flags
}

// choiceField names vote i as Tutanak.Check does: "votes.<choice>".
func choiceField(choices []string, i int) string {
	return "votes." + choiceName(choices, i)
}

func choiceName(choices []string, i int) string {
	if i < len(choices) && choices[i] != "" {
		return choices[i]
	}
	return strconv.Itoa(i + 1)
}

func identityFlags(b *Box, choices []string) []Flag {
	t := &b.Sheet
	var out []Flag
	add := func(field string, got, want int64, params map[string]any) {
		params["got"], params["want"], params["diff"] = got, want, got-want
		out = append(out, Flag{Box: b.Code, Kind: KindIdentity, Field: field, Value: float64(got), Threshold: float64(want), Params: params})
	}
	if got := t.ValidWithoutObjection + t.ValidUponObjection; got != t.ValidTotal {
		add("valid_total", got, t.ValidTotal, map[string]any{
			"rule": sandik.RuleValidSum, "without": t.ValidWithoutObjection, "upon": t.ValidUponObjection})
	}
	var sum int64
	counted := 0
	for _, v := range t.Votes {
		if v >= 0 {
			sum += v
			counted++
		}
	}
	if counted > 0 && sum != t.ValidTotal {
		add("votes", sum, t.ValidTotal, map[string]any{"rule": sandik.RuleChoicesSum})
	}
	if got := t.ValidTotal + t.Invalid; got != t.Voted && !b.Partial {
		add("voted", got, t.Voted, map[string]any{"rule": sandik.RuleVotedSum, "valid": t.ValidTotal, "invalid": t.Invalid})
	}
	return out
}

// registered is the box's list size: the registry's when known.
func (b *Box) registered() int64 {
	if b.Registered > 0 {
		return b.Registered
	}
	return b.Sheet.Registered
}

// turnout is voted over registered plus voted by law, in percent; ok is
// false when the box has no list size.
func (b *Box) turnout() (float64, bool) {
	den := b.registered() + max(b.Sheet.VotedByLaw, 0)
	if den <= 0 || b.Sheet.Voted < 0 || b.Partial {
		return 0, false
	}
	return 100 * float64(b.Sheet.Voted) / float64(den), true
}

// invalidShare is invalid over voted, in percent.
func (b *Box) invalidShare() (float64, bool) {
	if b.Partial || b.Sheet.Voted <= 0 || b.Sheet.Invalid < 0 || b.Sheet.Invalid > b.Sheet.Voted {
		return 0, false
	}
	return 100 * float64(b.Sheet.Invalid) / float64(b.Sheet.Voted), true
}

// share is vote i over the valid total, in percent.
func (b *Box) share(i int) (float64, bool) {
	t := &b.Sheet
	if i >= len(t.Votes) || t.Votes[i] < 0 || t.ValidTotal <= 0 || t.Votes[i] > t.ValidTotal {
		return 0, false
	}
	return 100 * float64(t.Votes[i]) / float64(t.ValidTotal), true
}

func turnoutFlags(b *Box, g *group, th Thresholds) []Flag {
	var out []Flag
	var turnout, invalid *distribution
	if g != nil {
		turnout, invalid = g.turnout, g.invalid
	}
	if v, ok := b.turnout(); ok {
		if v > th.TurnoutMaxPercent {
			out = append(out, Flag{Box: b.Code, Kind: KindTurnoutOver100, Field: "voted", Value: v, Threshold: th.TurnoutMaxPercent,
				Params: map[string]any{"voted": b.Sheet.Voted, "registered": b.registered(), "voted_by_law": b.Sheet.VotedByLaw}})
		}
		if f, ok := turnout.outlier(v, b.registered()+max(b.Sheet.VotedByLaw, 0), th.TurnoutZ, th.TurnoutMinPoints, th.MinGroupSize); ok {
			f.Box, f.Kind, f.Field = b.Code, KindTurnoutOutlier, "voted"
			out = append(out, f)
		}
	}
	if v, ok := b.invalidShare(); ok {
		if f, ok := invalid.outlier(v, b.Sheet.Voted, th.InvalidZ, th.InvalidMinPoints, th.MinGroupSize); ok {
			f.Box, f.Kind, f.Field = b.Code, KindInvalidOutlier, "invalid_total"
			f.Params["invalid"], f.Params["voted"] = b.Sheet.Invalid, b.Sheet.Voted
			out = append(out, f)
		}
	}
	return out
}

func zeroChoiceFlags(b *Box, g *group, choices []string, th Thresholds) []Flag {
	if g == nil || b.Sheet.ValidTotal < max(th.ZeroChoiceMinValid, 1) {
		return nil
	}
	var out []Flag
	for i, v := range b.Sheet.Votes {
		if v != 0 || i >= len(g.shares) || len(g.shares[i].sorted) < th.MinGroupSize {
			continue
		}
		med := g.shares[i].median
		if med >= th.ZeroChoiceMinMedianPercent {
			out = append(out, Flag{Box: b.Code, Kind: KindZeroChoice, Field: choiceField(choices, i), Value: med,
				Threshold: th.ZeroChoiceMinMedianPercent,
				Params: map[string]any{"choice": choiceName(choices, i), "median": med, "group": string(b.Group),
					"group_size": len(g.shares[i].sorted), "valid_total": b.Sheet.ValidTotal}})
		}
	}
	return out
}

func transposedFlags(b *Box, choices []string) []Flag {
	if b.Other == nil {
		return nil
	}
	var out []Flag
	add := func(field string, a, o int64) {
		if Transposed(a, o) {
			out = append(out, Flag{Box: b.Code, Kind: KindTransposed, Field: field, Value: float64(a), Threshold: float64(o),
				Params: map[string]any{"this": a, "other": o}})
		}
	}
	for _, f := range sandik.SheetFields {
		add(f.Name, f.Get(&b.Sheet), f.Get(b.Other))
	}
	for i := range min(len(b.Sheet.Votes), len(b.Other.Votes)) {
		add(choiceField(choices, i), b.Sheet.Votes[i], b.Other.Votes[i])
	}
	return out
}

// Transposed reports whether a and b, written in decimal, differ only by a
// swap of two adjacent digits (1234 and 1324): the commonest typing error
// after a wrong key. Numbers of different lengths never are (10 and 01 = 1
// would need a leading zero), nor are negative numbers or equal ones.
func Transposed(a, b int64) bool {
	if a < 0 || b < 0 || a == b {
		return false
	}
	s, t := strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)
	if len(s) != len(t) {
		return false
	}
	i := 0
	for s[i] == t[i] {
		i++
	}
	return i+1 < len(s) && s[i] == t[i+1] && s[i+1] == t[i] && s[i+2:] == t[i+2:]
}

func roundFlags(b *Box, choices []string, th Thresholds) []Flag {
	n, k := 0, 0
	for _, v := range b.Sheet.Votes {
		if v >= 10 {
			n++
			if v%10 == 0 {
				k++
			}
		}
	}
	if n < th.RoundMinCounts || k == 0 {
		return nil
	}
	p := roundTail(n, k)
	if p > th.RoundMaxProbability {
		return nil
	}
	return []Flag{{Box: b.Code, Kind: KindRoundNumbers, Field: "votes", Value: p, Threshold: th.RoundMaxProbability,
		Params: map[string]any{"counts": n, "round": k, "probability": p}}}
}

// roundTail is the chance that at least k of n counts end in 0 when each
// does with probability roundBaseRate: the upper tail of a binomial. The
// last digit of a count of 10 or more is close to uniform; for two-digit
// counts Benford's law gives 0 a little more often (11.97 %), so 12 % is
// used, which errs towards fewer flags.
func roundTail(n, k int) float64 {
	var p float64
	for j := k; j <= n; j++ {
		p += binomial(n, j) * math.Pow(roundBaseRate, float64(j)) * math.Pow(1-roundBaseRate, float64(n-j))
	}
	return min(p, 1)
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
