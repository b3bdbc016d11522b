package sandik

// Rules of a çarşaf sheet, as stable keys for translation.
const (
	RuleAboveBallots = "above_ballots" // one choice has more marks than valid ballots
	RuleMarksSum     = "marks_sum"     // Σ marks > marks per ballot × valid ballots
)

// CheckMarks checks the sheet of a ballot that takes up to marks choices
// (a congress's çarşaf): every identity of Check except that votes add
// up to the valid total, which cannot hold when a ballot carries several
// marks. Instead no choice has more marks than there are valid ballots,
// and all marks together are at most marks × valid ballots; each refusal
// names its field.
func (t *Tutanak) CheckMarks(prefix string, choices []Choice, marks int) []Problem {
	var ps problems
	for _, p := range t.Check(prefix, choices) {
		if p.Rule != RuleChoicesSum {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return ps
	}
	var sum int64
	for i, v := range t.Votes {
		if v > t.ValidTotal {
			ps.addSum(prefix+"votes."+string(choices[i].Code), RuleAboveBallots, t.ValidTotal, v,
				"%s has %d marks, more than the %d valid ballots", choices[i].Name, v, t.ValidTotal)
		}
		sum += v
	}
	if limit := int64(marks) * t.ValidTotal; sum > limit {
		ps.addSum(prefix+"votes", RuleMarksSum, limit, sum,
			"marks add up to %d, more than %d ballots × %d marks = %d", sum, t.ValidTotal, marks, limit)
	}
	return ps
}
