package demo

import (
	"strings"
	"testing"
)

func TestPeopleAreSyntheticAndValid(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ch := People(reg, "2024-01-01")
	if err := ch.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(ch.People) != 5 || len(ch.Positions) != 5 {
		t.Fatalf("People = %+v", ch)
	}
	for _, p := range ch.People {
		if !strings.Contains(p.Name, "sentetik") || !strings.HasPrefix(p.Phones[0], "+90555000") {
			t.Errorf("%+v is not marked synthetic", p)
		}
	}
}
