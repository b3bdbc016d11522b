package strict

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Shape is the JSON shape of a Go type. Make one per request type, once,
// with ShapeOf.
type Shape struct {
	kind     shapeKind
	nullable bool
	required bool              // kindObject: every field must be given
	fields   map[string]*Shape // kindObject: JSON name → shape
	index    map[string]int    // kindObject: JSON name → the field's index in typ
	elem     *Shape            // kindMap value, kindArray element
	// typ is the Go type described, pointers taken off: Decode fills a
	// value of it as it walks.
	typ reflect.Type
	// keyText says that a kindMap's keys are encoding.TextUnmarshalers,
	// which encoding/json (and so Decode) asks to parse each key.
	keyText bool
}

type shapeKind uint8

const (
	kindObject shapeKind = iota
	kindMap
	kindArray
	kindInt
	kindFloat
	kindString
	kindBool
	kindUnmarshaler // a json.Unmarshaler such as time.Time
	kindText        // an encoding.TextUnmarshaler, written as a string
)

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// ShapeOf describes t. It panics on a type it cannot describe: the
// request types are fixed, so a test catches that at once.
func ShapeOf(t reflect.Type) *Shape {
	if t.Kind() == reflect.Pointer {
		s := *ShapeOf(t.Elem())
		s.nullable = true
		return &s
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return &Shape{kind: kindUnmarshaler, typ: t}
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return &Shape{kind: kindText, typ: t}
	}
	switch t.Kind() {
	case reflect.Struct:
		s := &Shape{kind: kindObject, fields: map[string]*Shape{}, index: map[string]int{}, typ: t}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if f.Anonymous || name == "" {
				panic(fmt.Sprintf("strict: field %s.%s needs a json name", t, f.Name))
			}
			s.fields[name] = ShapeOf(f.Type)
			s.index[name] = f.Index[0]
		}
		return s
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("strict: map key of %s is not a string", t))
		}
		return &Shape{kind: kindMap, nullable: true, elem: ShapeOf(t.Elem()), typ: t,
			keyText: reflect.PointerTo(t.Key()).Implements(textUnmarshalerType)}
	case reflect.Slice:
		return &Shape{kind: kindArray, nullable: true, elem: ShapeOf(t.Elem()), typ: t}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &Shape{kind: kindInt, typ: t}
	case reflect.Float32, reflect.Float64:
		return &Shape{kind: kindFloat, typ: t}
	case reflect.String:
		return &Shape{kind: kindString, typ: t}
	case reflect.Bool:
		return &Shape{kind: kindBool, typ: t}
	}
	panic(fmt.Sprintf("strict: cannot decode %s", t))
}

// RequireAll makes every field of sh's objects required, at any depth:
// for a body that replaces a whole set, where a field left out must not
// silently become 0.
func RequireAll(sh *Shape) *Shape {
	if sh.kind == kindObject {
		sh.required = true
		for _, f := range sh.fields {
			RequireAll(f)
		}
	}
	return sh
}
