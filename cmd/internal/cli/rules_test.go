package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/itiraz"
)

// A valid rules file replaces the defaults: here a shortened calendar
// closes the ilçe boards at 17:00 on the day after voting.
func TestReadDeadlineRules(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.json")
	os.WriteFile(path, []byte(`[{"board": "ilce", "trigger": "voting_day", "days": 1, "at": "17:00", "source": "YSK calendar 2023"}]`), 0o600)
	rules, err := ReadDeadlineRules(path)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := itiraz.RuleFor(rules, itiraz.BoardIlce)
	ist := itiraz.Istanbul()
	if !ok || !r.Deadline(time.Date(2023, 5, 14, 0, 0, 0, 0, ist), ist).Equal(time.Date(2023, 5, 15, 17, 0, 0, 0, ist)) {
		t.Errorf("rules %+v", rules)
	}
	if rules, err := ReadDeadlineRules(""); rules != nil || err != nil {
		t.Errorf("no file: %v %v", rules, err)
	}
}
