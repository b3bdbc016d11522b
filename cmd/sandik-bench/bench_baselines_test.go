package main

import "testing"

func TestParseBaselines(t *testing.T) {
	for in, want := range map[string]baselines{
		"prototype,field":  {prototype: true, field: true},
		"field, prototype": {prototype: true, field: true},
		"prototype":        {prototype: true},
		"field":            {field: true},
		"none":             {},
	} {
		got, err := parseBaselines(in)
		if err != nil || got != want {
			t.Errorf("parseBaselines(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "proto", "prototype,none", "field,,prototype"} {
		if _, err := parseBaselines(in); err == nil {
			t.Errorf("parseBaselines(%q): no error", in)
		}
	}
}

func TestRatioAndThousands(t *testing.T) {
	for _, tc := range []struct {
		a, b float64
		want string
	}{{7800, 10000, "0.78×"}, {13650, 650, "21×"}, {1, 0, "∞×"}, {10, 1, "10×"}} {
		if got := ratio(tc.a, tc.b); got != tc.want {
			t.Errorf("ratio(%v, %v) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 17550: "17,550", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s, want %s", n, got, want)
		}
	}
}
