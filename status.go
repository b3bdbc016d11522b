package sandik

import "fmt"

// BoxStatus is where a box's sheet for one race stands in double entry.
type BoxStatus uint8

const (
	StatusMissing     BoxStatus = iota // no entry yet
	StatusPending                      // entries agree but fewer than the quorum
	StatusVerified                     // a quorum of different people agree
	StatusConflict                     // entries disagree and no majority reaches the quorum
	StatusAdjudicated                  // a coordinator decided, with a reason
)

var statusNames = [...]string{"missing", "pending", "verified", "conflict", "adjudicated"}

func (s BoxStatus) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// MarshalText writes the status's name.
func (s BoxStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseBoxStatus accepts the names String returns.
func ParseBoxStatus(s string) (BoxStatus, error) {
	for i, n := range statusNames {
		if n == s {
			return BoxStatus(i), nil
		}
	}
	return 0, fmt.Errorf("unknown status %q", s)
}

// Resolved reports whether the box's figures are settled (verified or
// adjudicated) and count towards verified totals.
func (s BoxStatus) Resolved() bool { return s == StatusVerified || s == StatusAdjudicated }

// UnmarshalText reads a status's name.
func (s *BoxStatus) UnmarshalText(b []byte) error {
	v, err := ParseBoxStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
