// Package jsonkind names the kind of a JSON value for the messages that
// refuse it ("is an array, want an object"), from the value's first byte.
package jsonkind

// Of names the kind of the JSON value that raw starts with, "empty" when
// raw is.
func Of(raw []byte) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}
