package web

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/sandik-dev/sandik"
)

// shape is the JSON shape of a Go type.
type shape struct {
	kind     shapeKind
	nullable bool
	required bool              // kindObject: every field must be given
	fields   map[string]*shape // kindObject: JSON name → shape
	elem     *shape            // kindMap value, kindArray element
	typ      reflect.Type      // kindUnmarshaler, kindText
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

// shapeOf describes t. It panics on a type it cannot describe: the
// request types are fixed, so a test catches that at once.
func shapeOf(t reflect.Type) *shape {
	if t.Kind() == reflect.Pointer {
		s := *shapeOf(t.Elem())
		s.nullable = true
		return &s
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return &shape{kind: kindUnmarshaler, typ: t}
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return &shape{kind: kindText, typ: t}
	}
	switch t.Kind() {
	case reflect.Struct:
		s := &shape{kind: kindObject, fields: map[string]*shape{}}
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if f.Anonymous || name == "" {
				panic(fmt.Sprintf("web: field %s.%s needs a json name", t, f.Name))
			}
			s.fields[name] = shapeOf(f.Type)
		}
		return s
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic(fmt.Sprintf("web: map key of %s is not a string", t))
		}
		return &shape{kind: kindMap, nullable: true, elem: shapeOf(t.Elem())}
	case reflect.Slice:
		return &shape{kind: kindArray, nullable: true, elem: shapeOf(t.Elem())}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &shape{kind: kindInt}
	case reflect.Float32, reflect.Float64:
		return &shape{kind: kindFloat}
	case reflect.String:
		return &shape{kind: kindString}
	case reflect.Bool:
		return &shape{kind: kindBool}
	}
	panic(fmt.Sprintf("web: cannot decode %s", t))
}

// requireAll makes every field of sh's objects required, at any depth:
// for a body that replaces a whole set, where a field left out must not
// silently become 0.
func requireAll(sh *shape) *shape {
	if sh.kind == kindObject {
		sh.required = true
		for _, f := range sh.fields {
			requireAll(f)
		}
	}
	return sh
}

// Shapes of the request bodies.
var (
	sheetShape = shapeOf(reflect.TypeFor[sandik.SheetInput]())
	batchShape = shapeOf(reflect.TypeFor[batchInput]())
)

// batchInput is the body of a batch submission.
type batchInput struct {
	Items []sandik.SheetInput `json:"items"`
}
