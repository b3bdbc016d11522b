package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/anomaly"
)

func TestAnomalies(t *testing.T) {
	e := newEnv(t)
	// box1: verified 153/100/10; YSK published 135 for CHP (digits swapped)
	// and its sums no longer add up.
	e.submit(observer1, sheet("a1", raceIST, box1, 153, 100, 10))
	e.settle(e.submit(volunteer, sheet("a2", raceIST, box1, 153, 100, 10)).Seq)
	e.official(box1, 135, 100, 10)
	var got struct {
		Basis  string               `json:"basis"`
		Boxes  int                  `json:"boxes"`
		Counts map[anomaly.Kind]int `json:"counts"`
		Flags  []flagJSON           `json:"flags"`
		Thresh anomaly.Thresholds   `json:"thresholds"`
	}
	e.do("GET", "/api/v1/races/"+raceIST+"/anomalies/34", observer1, nil).decode(t, http.StatusOK, &got)
	if got.Basis != "official" || got.Boxes != 3 || got.Counts[anomaly.KindTransposed] != 1 {
		t.Fatalf("basis %s boxes %d counts %v flags %+v", got.Basis, got.Boxes, got.Counts, got.Flags)
	}
	var transposed *flagJSON
	for i := range got.Flags {
		if got.Flags[i].Kind == anomaly.KindTransposed {
			transposed = &got.Flags[i]
		}
	}
	if transposed == nil || transposed.Box != box1 || transposed.Name != "Sandık 1001" || !strings.Contains(transposed.Message, "135") {
		t.Errorf("transposed flag %+v", transposed)
	}
	e.do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?kind=transposed_digits&lang=en", observer1, nil).decode(t, http.StatusOK, &got)
	if len(got.Flags) != 1 || !strings.Contains(strings.ToLower(got.Flags[0].Message), "135") {
		t.Errorf("filtered flags %+v", got.Flags)
	}
	// A tuned threshold is used and echoed.
	e.do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?min_group_size=3&turnout_z=4.5", observer1, nil).decode(t, http.StatusOK, &got)
	if got.Thresh.MinGroupSize != 3 || got.Thresh.TurnoutZ != 4.5 {
		t.Errorf("thresholds %+v", got.Thresh)
	}
	for _, bad := range []string{"turnout_z=abc", "min_group_size=2.5", "kind=odd", "lang=de"} {
		e.do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?"+bad, observer1, nil).apiError(t, http.StatusBadRequest)
	}
	e.do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?turnout_z=-1", observer1, nil).apiError(t, http.StatusUnprocessableEntity)
	e.do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?basis=provisional", observer1, nil).apiError(t, http.StatusForbidden)
	e.do("GET", "/api/v1/races/"+raceIST+"/anomalies/34?basis=provisional", coordinator, nil).decode(t, http.StatusOK, &got)
	var th anomaly.Thresholds
	e.do("GET", "/api/v1/anomaly-thresholds", observer1, nil).decode(t, http.StatusOK, &th)
	if th != anomaly.DefaultThresholds() {
		t.Errorf("thresholds %+v", th)
	}
}
