package demo

import (
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

func TestWorkshopValid(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.01, Seed: 1, Day: LiveDay(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	ch := WorkshopOrg(reg, "2020-01-01")
	mayors := 0
	for _, p := range ch.Positions {
		if p.Kind == "belediye_baskani" {
			mayors++
		}
	}
	if mayors != min(WorkshopMayors, len(reg.Children("34"))) || mayors == 0 {
		t.Errorf("%d mayors", mayors)
	}
	// The mayors join the units of Organisation, stored together.
	whole := Organisation(reg)
	whole.People = append(whole.People, ch.People...)
	whole.Positions = append(whole.Positions, ch.Positions...)
	if err := whole.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := Workshop(time.Now()).Validate(); err != nil {
		t.Fatal(err)
	}
	s := WorkshopSurvey()
	s.K = sandik.DefaultK
	for i := range s.Questions {
		s.Questions[i].State = sandik.QuestionDraft
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2} {
		for i := range 10 {
			if _, err := s.Questions[n-1].Value(WorkshopAnswer(i, n)); err != nil {
				t.Errorf("answer %d to %d: %v", i, n, err)
			}
		}
	}
	for _, p := range ch.People {
		if len(p.Name) < len("(sentetik)") || p.Name[len(p.Name)-len("(sentetik)"):] != "(sentetik)" {
			t.Errorf("%q is not marked synthetic", p.Name)
		}
	}
}
