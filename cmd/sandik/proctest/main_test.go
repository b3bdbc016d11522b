package proctest

import (
	"testing"

	"github.com/sandik-dev/sandik/cmd/internal/proctest"
)

// The tests share one build of the binary.
func TestMain(m *testing.M) { proctest.Main(m) }
