package cdf_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// schema is the part of JSON Schema draft-04 the NIST CDF schema uses:
// $ref into definitions, type, required, properties with
// additionalProperties false, items with minItems, enum, oneOf, pattern,
// maxLength and the formats date, date-time and uri. A keyword it does
// not know fails the check, so a schema using more cannot pass by being
// half read.
type schema struct {
	root map[string]any
}

var knownKeywords = []string{"$ref", "$schema", "definitions", "type", "required", "properties", "additionalProperties", "items",
	"minItems", "enum", "oneOf", "pattern", "maxLength", "format", "refTypes"}

func (s *schema) validate(doc any) []string {
	var errs []string
	s.check(s.root, doc, "$", &errs)
	return errs
}

func (s *schema) resolve(ref string) (map[string]any, error) {
	name, ok := strings.CutPrefix(ref, "#/definitions/")
	if !ok {
		return nil, fmt.Errorf("unsupported $ref %q", ref)
	}
	defs, _ := s.root["definitions"].(map[string]any)
	d, ok := defs[name].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("no definition %q", name)
	}
	return d, nil
}

func (s *schema) check(sc map[string]any, v any, path string, errs *[]string) {
	fail := func(format string, args ...any) { *errs = append(*errs, path+": "+fmt.Sprintf(format, args...)) }
	for k := range sc {
		if !slices.Contains(knownKeywords, k) {
			fail("schema keyword %q is not supported by this check", k)
		}
	}
	if ref, ok := sc["$ref"].(string); ok {
		d, err := s.resolve(ref)
		if err != nil {
			fail("%v", err)
			return
		}
		s.check(d, v, path, errs)
		return
	}
	if alts, ok := sc["oneOf"].([]any); ok {
		matched := 0
		var why []string
		for _, a := range alts {
			var sub []string
			s.check(a.(map[string]any), v, path, &sub)
			if len(sub) == 0 {
				matched++
			} else {
				why = append(why, sub[0])
			}
		}
		if matched != 1 {
			fail("matches %d of the oneOf alternatives, want exactly 1 (%s)", matched, strings.Join(why, "; "))
		}
	}
	if t, ok := sc["type"].(string); ok && !hasType(v, t) {
		fail("is %T, want %s", v, t)
		return
	}
	if en, ok := sc["enum"].([]any); ok && !slices.Contains(en, v) {
		fail("%v is not one of %v", v, en)
	}
	if str, ok := v.(string); ok {
		if p, ok := sc["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
		if n, ok := sc["maxLength"].(float64); ok && len([]rune(str)) > int(n) {
			fail("longer than %v", n)
		}
		switch sc["format"] {
		case "date":
			if _, err := time.Parse(time.DateOnly, str); err != nil {
				fail("%q is not a date", str)
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				fail("%q is not a date-time", str)
			}
		case "uri":
			if !strings.Contains(str, ":") {
				fail("%q is not a URI", str)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := sc["properties"].(map[string]any)
		if req, ok := sc["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					fail("required %q is missing", r)
				}
			}
		}
		for k, x := range obj {
			p, ok := props[k].(map[string]any)
			if !ok {
				if ap, ok := sc["additionalProperties"].(bool); ok && !ap {
					fail("property %q is not allowed", k)
				}
				continue
			}
			s.check(p, x, path+"."+k, errs)
		}
	}
	if arr, ok := v.([]any); ok {
		if n, ok := sc["minItems"].(float64); ok && len(arr) < int(n) {
			fail("has %d items, want at least %v", len(arr), n)
		}
		if it, ok := sc["items"].(map[string]any); ok {
			for i, x := range arr {
				s.check(it, x, fmt.Sprintf("%s[%d]", path, i), errs)
			}
		}
	}
}

func hasType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	}
	return false
}
