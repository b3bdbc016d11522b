package jsonkind

import "testing"

func TestOf(t *testing.T) {
	for raw, want := range map[string]string{`{"a":1}`: "an object", `[1]`: "an array", `"x"`: "a string", `null`: "null",
		`true`: "a boolean", `false`: "a boolean", `-1.5`: "a number", `12`: "a number", ``: "empty"} {
		if got := Of([]byte(raw)); got != want {
			t.Errorf("Of(%q) = %q, want %q", raw, got, want)
		}
	}
}
