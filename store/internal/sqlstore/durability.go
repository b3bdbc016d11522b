package sqlstore

import (
	"fmt"
	"log/slog"
	"strings"
)

// Durability decides on opening a database whose settings could lose
// acknowledged writes: with problems it refuses, unless unsafe is set,
// and then the shortfall is logged instead. name is the engine, for the
// log.
func Durability(name string, problems []string, unsafe bool, log *slog.Logger) error {
	if len(problems) == 0 {
		return nil
	}
	msg := strings.Join(problems, "; ")
	if unsafe {
		log.Warn("opening "+name+" without the required durability settings; acknowledged writes may be lost", "problems", msg)
		return nil
	}
	return fmt.Errorf("unsafe durability settings (%s); refusing to open without the unsafe option", msg)
}
