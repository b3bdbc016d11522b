package sqlstore

import (
	"context"
	"fmt"
	"reflect"
)

// fakeDB answers each statement with the rows given for it, as a driver
// would, and counts what it was asked and what was closed.
type fakeDB struct {
	rows   map[string][][]any
	fail   map[string]error
	args   map[string][]any
	open   int // result sets not yet closed
	called int
}

func newFake() *fakeDB {
	return &fakeDB{rows: map[string][][]any{}, fail: map[string]error{}, args: map[string][]any{}}
}

func (f *fakeDB) db() DB { return DB{Name: "fake", Query: f.query} }

func (f *fakeDB) query(_ context.Context, query string, args ...any) (Rows, error) {
	f.called++
	f.args[query] = args
	if err := f.fail[query]; err != nil {
		return nil, err
	}
	f.open++
	return &fakeRows{f: f, rows: f.rows[query]}, nil
}

type fakeRows struct {
	f    *fakeDB
	rows [][]any
	i    int
}

func (r *fakeRows) Next() bool { r.i++; return r.i <= len(r.rows) }
func (r *fakeRows) Err() error { return nil }
func (r *fakeRows) Close()     { r.f.open-- }

// Scan converts each value to its destination's type, as drivers convert
// integers and text to named types.
func (r *fakeRows) Scan(dest ...any) error {
	row := r.rows[r.i-1]
	if len(row) != len(dest) {
		return fmt.Errorf("%d columns scanned into %d", len(row), len(dest))
	}
	for i, d := range dest {
		dv := reflect.ValueOf(d).Elem()
		dv.Set(reflect.ValueOf(row[i]).Convert(dv.Type()))
	}
	return nil
}
