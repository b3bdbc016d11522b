package itiraz

import (
	"github.com/sandik-dev/sandik"
)

// Margins are a race's margin of choice A over B as counted and as it
// would stand under the cases.
type Margins struct {
	A sandik.ChoiceCode `json:"a"`
	B sandik.ChoiceCode `json:"b"`
	// Counted is the margin of the figures the cases contest (the official
	// ones when published).
	Counted int64 `json:"counted"`
	// AsRecounted is the counted margin with every settled recount
	// (yeniden sayım) in place of its box's figures; equal to Counted
	// while no box of the race has one. Recounts settle outside the
	// cases: AsDecided still adds grants to Counted.
	AsRecounted int64 `json:"as_recounted"`
	// BoxesRecounted counts the race's boxes with a settled recount.
	BoxesRecounted int `json:"boxes_recounted"`
	// IfOpenUpheld adds every open case's claim (drafts, filed, appealed);
	// IfFiledUpheld only filed and appealed ones; AsDecided adds what the
	// decisions granted (an appealed case's lower decision included).
	IfOpenUpheld  int64 `json:"if_open_upheld"`
	IfFiledUpheld int64 `json:"if_filed_upheld"`
	AsDecided     int64 `json:"as_decided"`
	// Cases counts the cases of the race per status.
	Cases map[Status]int `json:"cases"`
}

// ComputeMargins works out the margins of choices a and b (indexes) from
// the counted votes per choice and the race's cases. Withdrawn cases count
// for nothing.
func ComputeMargins(rc *sandik.Race, counted []int64, a, b int, cases []*Case) Margins {
	m := Margins{Cases: map[Status]int{}}
	for _, s := range Statuses {
		m.Cases[s] = 0
	}
	if a < 0 || b < 0 || a >= len(counted) || b >= len(counted) {
		return m
	}
	m.A, m.B = rc.Choices[a].Code, rc.Choices[b].Code
	m.Counted = counted[a] - counted[b]
	m.AsRecounted = m.Counted
	effect := func(v []int64) int64 {
		if len(v) <= max(a, b) {
			return 0
		}
		return v[a] - v[b]
	}
	m.IfOpenUpheld, m.IfFiledUpheld, m.AsDecided = m.Counted, m.Counted, m.Counted
	for _, c := range cases {
		if c.Race != rc.Code {
			continue
		}
		m.Cases[c.Status]++
		switch {
		case c.Status == StatusDraft:
			m.IfOpenUpheld += effect(c.Claim)
		case c.Status == StatusFiled || c.Status == StatusAppealed:
			m.IfOpenUpheld += effect(c.Claim)
			m.IfFiledUpheld += effect(c.Claim)
			m.AsDecided += effect(c.Granted) // a lower board's grant, when appealed
		case c.Status.Decided():
			m.AsDecided += effect(c.Granted)
		}
	}
	return m
}
