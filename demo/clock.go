package demo

import (
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
)

// pollsCloseAt is when the polls close on election day, İstanbul time.
const pollsCloseAt = 17

// LiveDay is the election day that makes a demo started at now live: the
// latest day whose polls closed (17:00 İstanbul) at or before now. The
// night's sheets arrive from the start, a few hours at most after the
// close, and the district boards' objection deadline (the second day
// after voting day, 15:00) lies 22 to 46 hours ahead, so the deadline
// board counts down while the demo runs.
func LiveDay(now time.Time) time.Time {
	t := now.In(sandik.Istanbul()).Add(-pollsCloseAt * time.Hour)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, sandik.Istanbul())
}

var monthsTR = [...]string{"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"}

// electionOn is the demo's election held on day; zero is 31 March 2019,
// the night the demo's shape comes from. Only the date and the name move
// with day: the code, and so every box and sheet, stay the same.
func electionOn(day time.Time) sandik.Election {
	if day.IsZero() {
		return sandik.Election{Code: ElectionCode, Name: "31 Mart 2019 Mahalli İdareler Seçimi",
			Date: time.Date(2019, 3, 31, 0, 0, 0, 0, sandik.Istanbul()), Quorum: 2}
	}
	y, m, d := day.In(sandik.Istanbul()).Date()
	return sandik.Election{Code: ElectionCode,
		Name: fmt.Sprintf("%d %s %d Mahalli İdareler Seçimi (deneme)", d, monthsTR[m-1], y),
		Date: time.Date(y, m, d, 0, 0, 0, 0, sandik.Istanbul()), Quorum: 2}
}
