package sandik

import (
	"fmt"
	"time"
)

// PollsCloseHour is when voting ends on election day, İstanbul time
// (Law 298 art. 22: from 08:00 to 17:00).
const PollsCloseHour = 17

// PollsClose is when the polls of e close: 17:00 in İstanbul on its day.
func (e Election) PollsClose() time.Time {
	y, m, d := e.Date.In(Istanbul()).Date()
	return time.Date(y, m, d, PollsCloseHour, 0, 0, 0, Istanbul())
}

// A box is "assigned but silent" when observers are assigned to it and no
// sheet of any race of the election has arrived for it SilentAfter
// minutes after the polls closed. The minutes are set per election.
const (
	DefaultSilentAfter = 30
	MaxSilentAfter     = 24 * 60
)

// CheckSilentAfter reports whether minutes can be an election's
// SilentAfter: 1 to MaxSilentAfter.
func CheckSilentAfter(minutes int) error {
	if minutes < 1 || minutes > MaxSilentAfter {
		return Invalid("invalid minutes", []Problem{{Field: "minutes", Rule: RuleInvalidValue,
			Message: fmt.Sprintf("must be a whole number of minutes from 1 to %d (got %d)", MaxSilentAfter, minutes)}})
	}
	return nil
}
