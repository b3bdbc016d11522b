package sandik

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Sister districts (kardeş ilçe): districts paired, or grouped in
// threes, to help each other, with shared goals measured from the data
// and joint activities; and suggested pairs, each explained.

// SisterPairID names a pair (or group of three).
type SisterPairID string

// GoalMetric is what a goal measures.
type GoalMetric string

// The metrics a goal can measure. Coverage and share are percentages of
// the goal's unit at the last election; visits counts the visits the
// unit received; joint_visits the pair's joint visits.
const (
	MetricCoverage    GoalMetric = "coverage"
	MetricShare       GoalMetric = "share"
	MetricVisits      GoalMetric = "visits"
	MetricJointVisits GoalMetric = "joint_visits"
)

// GoalMetrics lists every metric.
func GoalMetrics() []GoalMetric {
	return []GoalMetric{MetricCoverage, MetricShare, MetricVisits, MetricJointVisits}
}

// SisterGoal is a measurable goal: Metric of Unit from From to Target
// by the day By ("observer coverage in Sultanbeyli from 61% to 95% by
// the next election").
type SisterGoal struct {
	Metric GoalMetric `json:"metric"`
	Unit   UnitCode   `json:"unit,omitempty"` // empty for joint_visits
	From   float64    `json:"from"`
	Target float64    `json:"target"`
	By     Date       `json:"by"`
}

// SisterPair is two or three districts paired from Start, with the
// meeting the pairing came from.
type SisterPair struct {
	ID      SisterPairID `json:"id"`
	Units   []UnitCode   `json:"units"`
	Start   Date         `json:"start"`
	End     Date         `json:"end,omitempty"`
	Meeting MeetingID    `json:"meeting,omitempty"`
	Goals   []SisterGoal `json:"goals"`
}

// MaxSisterGoals bounds a pair's goals.
const MaxSisterGoals = 20

// Validate checks p's own fields.
func (p SisterPair) Validate() error {
	var ps problems
	codeProblem(&ps, "id", string(p.ID), true)
	if len(p.Units) < 2 || len(p.Units) > 3 {
		ps.add("units", RuleInvalidValue, "a pair has two or three districts (got %d)", len(p.Units))
	}
	for i, u := range p.Units {
		codeProblem(&ps, fmt.Sprintf("units[%d]", i), string(u), true)
		if slices.Index(p.Units, u) != i {
			ps.add(fmt.Sprintf("units[%d]", i), RuleInvalidValue, "%q is named twice: a district is not its own sister", u)
		}
	}
	if _, err := ParseDate(string(p.Start)); err != nil {
		ps.add("start", RuleInvalidValue, "%v", err)
	}
	if p.End != "" {
		if _, err := ParseDate(string(p.End)); err != nil {
			ps.add("end", RuleInvalidValue, "%v", err)
		} else if p.End < p.Start {
			ps.add("end", RuleInvalidValue, "ends on %s, before it starts on %s", p.End, p.Start)
		}
	}
	codeProblem(&ps, "meeting", string(p.Meeting), false)
	if len(p.Goals) > MaxSisterGoals {
		ps.add("goals", RuleTooLarge, "at most %d goals (got %d)", MaxSisterGoals, len(p.Goals))
	}
	for i, g := range p.Goals {
		f := fmt.Sprintf("goals[%d]", i)
		if !slices.Contains(GoalMetrics(), g.Metric) {
			ps.add(f+".metric", RuleInvalidValue, "unknown metric %q (want one of %s)", g.Metric, joinKinds(GoalMetrics()))
		}
		if g.Metric == MetricJointVisits {
			if g.Unit != "" {
				ps.add(f+".unit", RuleInvalidValue, "joint visits are the pair's, not one district's")
			}
		} else if !slices.Contains(p.Units, g.Unit) {
			ps.add(f+".unit", RuleInvalidValue, "%q is not one of the pair's districts", g.Unit)
		}
		if math.IsNaN(g.From) || math.IsNaN(g.Target) || g.From < 0 || g.Target < 0 || g.Target == g.From {
			ps.add(f+".target", RuleInvalidValue, "a goal moves from one non-negative figure to another")
		}
		if (g.Metric == MetricCoverage || g.Metric == MetricShare) && (g.From > 100 || g.Target > 100) {
			ps.add(f+".target", RuleInvalidValue, "a percentage is at most 100")
		}
		if _, err := ParseDate(string(g.By)); err != nil {
			ps.add(f+".by", RuleInvalidValue, "%v", err)
		}
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid sister pair %q", p.ID), ps)
	}
	return nil
}

// Current reports whether the pair holds on day d.
func (p SisterPair) Current(d Date) bool { return p.Start <= d && (p.End == "" || d <= p.End) }

// Has reports whether u is one of the pair's districts.
func (p SisterPair) Has(u UnitCode) bool { return slices.Contains(p.Units, u) }

// JointVisits returns the visits of the pair since its start: made from
// one of its districts to another, or by visitors whose home units
// (homes) include two of its districts.
func (p SisterPair) JointVisits(visits []Visit, homes map[PersonID]UnitCode) []Visit {
	var out []Visit
	for _, v := range visits {
		if DateOf(v.At) < p.Start || (p.End != "" && DateOf(v.At) > p.End) {
			continue
		}
		in := map[UnitCode]bool{}
		if p.Has(v.FromUnit) {
			in[v.FromUnit] = true
		}
		if p.Has(v.Target.Unit) {
			in[v.Target.Unit] = true
		}
		for _, who := range v.Visitors {
			if h := homes[who]; p.Has(h) {
				in[h] = true
			}
		}
		if len(in) >= 2 {
			out = append(out, v)
		}
	}
	return out
}

// GoalProgress is where a goal stands: the figure now, the share of
// the way from From to Target covered (0–100, clamped) and whether it is
// met.
type GoalProgress struct {
	Goal    SisterGoal `json:"goal"`
	Current float64    `json:"current"`
	Percent float64    `json:"percent"`
	Met     bool       `json:"met"`
}

// Progress recomputes every goal of p from the districts' scorecards
// and the pair's joint visits count; nothing of it is stored.
func (p SisterPair) Progress(cards map[UnitCode]Scorecard, joint int) []GoalProgress {
	out := make([]GoalProgress, 0, len(p.Goals))
	for _, g := range p.Goals {
		var cur float64
		switch g.Metric {
		case MetricCoverage:
			cur = cards[g.Unit].Coverage
		case MetricShare:
			cur = cards[g.Unit].Share
		case MetricVisits:
			cur = float64(cards[g.Unit].Visits)
		case MetricJointVisits:
			cur = float64(joint)
		}
		pct := 100 * (cur - g.From) / (g.Target - g.From)
		pct = math.Max(0, math.Min(100, pct))
		met := (g.Target > g.From && cur >= g.Target) || (g.Target < g.From && cur <= g.Target)
		out = append(out, GoalProgress{Goal: g, Current: cur, Percent: pct, Met: met})
	}
	return out
}

// SuggestOptions tune suggestions. A district is weak in coverage below
// WeakCoverage, and weak in share when its share is below the median of
// the districts given; a partner is strong where the other is weak by
// at least Lead points. MaxKM limits distance (0: none), PerDistrict the
// suggestions per weak district; CrossProvince allows partners in other
// provinces.
type SuggestOptions struct {
	WeakCoverage  float64
	Lead          float64
	MaxKM         float64
	PerDistrict   int
	CrossProvince bool
}

// DefaultSuggestOptions are the options used when none are given.
func DefaultSuggestOptions() SuggestOptions {
	return SuggestOptions{WeakCoverage: 80, Lead: 10, MaxKM: 0, PerDistrict: 3}
}

// SuggestPlace is where a district is for suggestions: its centroid
// and province.
type SuggestPlace struct {
	At       Point
	Province AreaCode
}

// Suggestion is a suggested pair: a weak district, a partner strong
// where it is weak, the distance, and the sentence explaining it, in
// Turkish and English.
type Suggestion struct {
	Weak       UnitCode `json:"weak"`
	Partner    UnitCode `json:"partner"`
	KM         float64  `json:"km"`
	Why        []string `json:"why"` // "coverage", "share"
	Sentence   string   `json:"sentence"`
	SentenceEN string   `json:"sentence_en"`
}

// Suggest proposes partners for every weak district of cards: the
// nearest districts strong where it is weak, never itself, and never in
// another province unless opts allow it. The result depends on the
// input alone: districts are taken in code order, partners by distance
// then code.
func Suggest(cards []Scorecard, places map[UnitCode]SuggestPlace, opts SuggestOptions) []Suggestion {
	if opts.PerDistrict <= 0 {
		opts.PerDistrict = 3
	}
	cs := slices.Clone(cards)
	slices.SortFunc(cs, func(a, b Scorecard) int { return cmp.Compare(a.Unit, b.Unit) })
	shares := make([]float64, 0, len(cs))
	for _, c := range cs {
		shares = append(shares, c.Share)
	}
	slices.Sort(shares)
	median := 0.0
	if n := len(shares); n > 0 {
		median = (shares[(n-1)/2] + shares[n/2]) / 2
	}
	var out []Suggestion
	for _, w := range cs {
		wp, ok := places[w.Unit]
		if !ok {
			continue
		}
		weakCov := w.Boxes > 0 && w.Coverage < opts.WeakCoverage
		weakShare := w.Share < median
		if !weakCov && !weakShare {
			continue
		}
		type cand struct {
			s   Suggestion
			key float64
		}
		var cands []cand
		for _, p := range cs {
			pp, ok := places[p.Unit]
			if !ok || p.Unit == w.Unit || (!opts.CrossProvince && pp.Province != wp.Province) {
				continue
			}
			var why []string
			if weakCov && p.Coverage >= w.Coverage+opts.Lead {
				why = append(why, "coverage")
			}
			if weakShare && p.Share >= w.Share+opts.Lead {
				why = append(why, "share")
			}
			if len(why) == 0 {
				continue
			}
			km := KM(wp.At, pp.At)
			if opts.MaxKM > 0 && km > opts.MaxKM {
				continue
			}
			cands = append(cands, cand{Suggestion{Weak: w.Unit, Partner: p.Unit, KM: km, Why: why,
				Sentence:   explain(p, w, km, "kapsama", "oy"),
				SentenceEN: explain(p, w, km, "coverage", "share")}, km})
		}
		slices.SortFunc(cands, func(a, b cand) int {
			if c := cmp.Compare(math.Round(a.key*10), math.Round(b.key*10)); c != 0 {
				return c
			}
			return cmp.Compare(a.s.Partner, b.s.Partner)
		})
		for i := 0; i < len(cands) && i < opts.PerDistrict; i++ {
			out = append(out, cands[i].s)
		}
	}
	return out
}

// explain writes "Kartal: coverage 98%, share 51%; Sultanbeyli:
// coverage 61%, share 22%; 9 km".
func explain(strong, weak Scorecard, km float64, cov, share string) string {
	one := func(s Scorecard) string {
		return fmt.Sprintf("%s: %s %%%s, %s %%%s", s.Name, cov, pct(s.Coverage), share, pct(s.Share))
	}
	out := one(strong) + "; " + one(weak) + fmt.Sprintf("; %d km", int(math.Round(km)))
	if cov == "coverage" {
		out = strings.NewReplacer("coverage %", "coverage ", "share %", "share ").Replace(out)
		out = percentAfter(out)
	}
	return out
}

// pct rounds a percentage to a whole number.
func pct(f float64) string { return fmt.Sprintf("%d", int(math.Round(f))) }

// percentAfter moves the per cent sign after the figure in English
// ("coverage 98%"); Turkish writes it before ("%98").
func percentAfter(s string) string {
	var b strings.Builder
	fields := strings.Split(s, " ")
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(' ')
		}
		if (i > 0 && (fields[i-1] == "coverage" || fields[i-1] == "share")) && f != "" {
			num := strings.TrimRight(f, ",;")
			b.WriteString(num + "%" + f[len(num):])
			continue
		}
		b.WriteString(f)
	}
	return b.String()
}
