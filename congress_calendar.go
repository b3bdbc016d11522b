package sandik

import (
	"slices"
	"time"
)

// PeriodRule is a period of a congress's calendar, set by days relative
// to its day: the list's announcement (ilan) and the objections to it
// (itiraz) before, like the objection deadlines of election night, as
// rules — the source names where the party's lawyers take them from.
type PeriodRule struct {
	Name   string `json:"name"`
	From   int    `json:"from"` // days relative to the congress day, negative before
	To     int    `json:"to"`
	Source string `json:"source"`
}

// DefaultCalendar is the periods of every congress unless configured:
// the list of delegates hung 15 days before the day for 3 days, and
// objections to the list in the 2 days after it comes down (the
// judge's supervision of the list, Law 2820 art. 21).
func DefaultCalendar() []PeriodRule {
	src := "2820 s. Siyasi Partiler Kanunu md. 21 (yargı gözetimi); süreler parti tüzüğünden, yapılandırılabilir"
	return []PeriodRule{
		{Name: "ilan", From: -15, To: -13, Source: src},
		{Name: "itiraz", From: -12, To: -11, Source: src},
	}
}

// Period is a rule laid on one congress: its first and last day.
type Period struct {
	Congress CongressID    `json:"congress"`
	Level    CongressLevel `json:"level"`
	Name     string        `json:"name"`
	From     Date          `json:"from"`
	To       Date          `json:"to"`
	Source   string        `json:"source"`
}

// Calendar lays rules on the congresses, ordered by level (mahalle →
// ilçe → il → kurultay), then by day: the deadline board of a term.
func Calendar(cs []Congress, rules []PeriodRule) []Period {
	var out []Period
	for _, c := range cs {
		d, err := time.Parse(time.DateOnly, string(c.Date))
		if err != nil {
			continue
		}
		for _, r := range rules {
			out = append(out, Period{Congress: c.ID, Level: c.Level, Name: r.Name,
				From: Date(d.AddDate(0, 0, r.From).Format(time.DateOnly)), To: Date(d.AddDate(0, 0, r.To).Format(time.DateOnly)), Source: r.Source})
		}
	}
	levels := CongressLevels()
	slices.SortStableFunc(out, func(a, b Period) int {
		if x, y := slices.Index(levels, a.Level), slices.Index(levels, b.Level); x != y {
			return x - y
		}
		if a.From != b.From {
			if a.From < b.From {
				return -1
			}
			return 1
		}
		return 0
	})
	return out
}
