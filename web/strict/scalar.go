package strict

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// number checks a JSON number, fractions and exponents allowed, that fits
// a float64, and returns it.
func (d *walker) number() (float64, bool) {
	start := d.pos
	digits := func() int {
		n := 0
		for c := d.peek(); c >= '0' && c <= '9'; c = d.peek() {
			d.pos++
			n++
		}
		return n
	}
	bad := func() (float64, bool) {
		d.pos = start
		return 0, d.fail(RuleType, "expected a number, got %s", d.describe())
	}
	if d.peek() == '-' {
		d.pos++
	}
	intAt := d.pos
	n := digits()
	if n == 0 {
		return bad()
	}
	if d.data[intAt] == '0' && n > 1 {
		d.pos = start
		return 0, d.fail(RuleSyntax, "a number must not start with 0")
	}
	if d.peek() == '.' {
		d.pos++
		if digits() == 0 {
			return 0, d.fail(RuleSyntax, "expected a digit after the decimal point")
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.pos++
		if c := d.peek(); c == '+' || c == '-' {
			d.pos++
		}
		if digits() == 0 {
			return 0, d.fail(RuleSyntax, "expected a digit in the exponent")
		}
	}
	num := string(d.data[start:d.pos])
	f, err := strconv.ParseFloat(num, 64) // as encoding/json parses it
	if err != nil {
		d.pos = start
		return 0, d.fail(RuleType, "number %s is out of range", num)
	}
	return f, true
}

// integer checks a JSON number that fits an int64 without fraction or
// exponent, as encoding/json requires for integer fields, and returns it.
func (d *walker) integer() (int64, bool) {
	start := d.pos
	if d.peek() == '-' {
		d.pos++
	}
	digits := d.pos
	for c := d.peek(); c >= '0' && c <= '9'; c = d.peek() {
		d.pos++
	}
	if d.pos == digits {
		d.pos = start
		return 0, d.fail(RuleType, "expected a whole number, got %s", d.describe())
	}
	if d.data[digits] == '0' && d.pos-digits > 1 {
		d.pos = start
		return 0, d.fail(RuleSyntax, "a number must not start with 0")
	}
	if c := d.peek(); c == '.' || c == 'e' || c == 'E' {
		end := d.pos
		for end < len(d.data) && strings.IndexByte("0123456789.eE+-", d.data[end]) >= 0 {
			end++
		}
		num := string(d.data[start:end])
		d.pos = start
		return 0, d.fail(RuleType, "expected a whole number, got %s", num)
	}
	if d.pos-digits > 18 { // may not fit: let strconv decide
		n, err := strconv.ParseInt(string(d.data[start:d.pos]), 10, 64)
		if err != nil {
			num := string(d.data[start:d.pos])
			d.pos = start
			return 0, d.fail(RuleType, "number %s is out of range", num)
		}
		return n, true
	}
	// Up to 18 digits cannot overflow an int64.
	var n int64
	for _, c := range d.data[digits:d.pos] {
		n = 10*n + int64(c-'0')
	}
	if digits > start {
		n = -n
	}
	return n, true
}

// str checks a string at the current position and returns its value;
// without escapes the value aliases the input.
func (d *walker) str() ([]byte, bool) {
	start := d.pos
	d.pos++ // '"'
	escaped := false
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			raw := d.data[start:d.pos]
			if !escaped {
				return raw[1 : len(raw)-1], true
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				d.pos = start
				return nil, d.fail(RuleSyntax, "invalid string: %v", err)
			}
			return []byte(s), true
		case c == '\\':
			escaped = true
			if d.pos+1 >= len(d.data) {
				d.pos++
				return nil, d.fail(RuleSyntax, "unterminated string")
			}
			switch d.data[d.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.pos += 2
			case 'u':
				if d.pos+6 > len(d.data) || !isHex4(d.data[d.pos+2:d.pos+6]) {
					return nil, d.fail(RuleSyntax, "invalid \\u escape in string")
				}
				d.pos += 6
			default:
				return nil, d.fail(RuleSyntax, "invalid escape \\%c in string", d.data[d.pos+1])
			}
		case c < 0x20:
			return nil, d.fail(RuleSyntax, "control character 0x%02x in string; escape it", c)
		case c < utf8.RuneSelf:
			d.pos++
		default:
			r, n := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && n == 1 {
				return nil, d.fail(RuleSyntax, "invalid UTF-8 in string")
			}
			d.pos += n
		}
	}
	return nil, d.fail(RuleSyntax, "unterminated string")
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
