package anomaly

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestIdentity(t *testing.T) {
	good := sheet(300, 250, 10, 140, 100)
	for _, tc := range []struct {
		name  string
		edit  func(*sandik.Tutanak)
		field string
		got   int64
		want  int64
	}{
		{"clean", func(*sandik.Tutanak) {}, "", 0, 0},
		{"without+upon", func(s *sandik.Tutanak) { s.ValidUponObjection = 3 }, "valid_total", 243, 240},
		{"votes", func(s *sandik.Tutanak) { s.Votes[1] = 88 }, "votes", 228, 240},
		{"voted", func(s *sandik.Tutanak) { s.Invalid = 12 }, "voted", 252, 250},
		{"not on ballot ignored", func(s *sandik.Tutanak) { s.Votes = append(s.Votes, -1) }, "", 0, 0},
		{"off by one", func(s *sandik.Tutanak) { s.Votes[0] = 141 }, "votes", 241, 240},
		{"no choices at all", func(s *sandik.Tutanak) { s.Votes = []int64{-1, -1} }, "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := good.Clone()
			tc.edit(&s)
			flags := Detect([]Box{{Code: "b", Sheet: s}}, []string{"A", "B"}, DefaultThresholds())
			if tc.field == "" {
				if len(flags) > 0 {
					t.Fatalf("false flags %+v", flags)
				}
				return
			}
			f := mustOne(t, flags, KindIdentity, "b", tc.field)
			if f.Value != float64(tc.got) || f.Threshold != float64(tc.want) || f.Params["diff"] != tc.got-tc.want {
				t.Fatalf("%+v", f)
			}
		})
	}
}

func TestTurnoutOver100(t *testing.T) {
	for _, tc := range []struct {
		name               string
		registry, voted    int64
		byLaw              int64
		flagged            bool
		registeredInParams int64
	}{
		{"below", 0, 299, 0, false, 300},
		{"at", 0, 300, 0, false, 300},
		{"above", 0, 301, 0, true, 300},
		{"by law allowed", 0, 302, 2, false, 300},
		{"by law above", 0, 303, 2, true, 300},
		{"registry wins", 290, 295, 0, true, 290},
		{"registry wins the other way", 310, 305, 0, false, 310},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sheet(300, tc.voted, 5, tc.voted-5)
			s.VotedByLaw = tc.byLaw
			flags := only(Detect([]Box{{Code: "b", Sheet: s, Registered: tc.registry}}, nil, DefaultThresholds()), KindTurnoutOver100)
			if (len(flags) == 1) != tc.flagged || len(flags) > 1 {
				t.Fatalf("flags %+v", flags)
			}
			if tc.flagged {
				f := flags[0]
				want := 100 * float64(tc.voted) / float64(tc.registeredInParams+tc.byLaw)
				if f.Field != "voted" || f.Value != want || f.Threshold != 100 || f.Params["registered"] != tc.registeredInParams {
					t.Fatalf("%+v", f)
				}
			}
		})
	}
	// No list size: no turnout at all.
	if flags := Detect([]Box{{Code: "b", Sheet: sheet(0, 10, 0, 10)}}, nil, DefaultThresholds()); len(flags) > 0 {
		t.Fatalf("%+v", flags)
	}
}

// group of ten boxes at 80 % turnout (MAD 0, so only the minimum distance
// of 10 points counts) and the box under test.
func turnoutGroup(voted int64, size int) []Box {
	var boxes []Box
	for i := range size {
		boxes = append(boxes, turnoutBox(fmt.Sprintf("g.%02d", i), "g", 80))
	}
	return append(boxes, turnoutBox("g.x", "g", voted))
}

func TestTurnoutOutlier(t *testing.T) {
	for _, tc := range []struct {
		name      string
		voted     int64
		size      int
		threshold float64 // 0: not flagged
	}{
		{"just below above", 89, 10, 0},
		{"at above", 90, 10, 0},
		{"above", 91, 10, 90},
		{"just below below", 71, 10, 0},
		{"at below", 70, 10, 0},
		{"below", 69, 10, 70},
		{"group too small", 99, 6, 0}, // 7 boxes with the tested one; minimum 8
		{"group just big enough", 99, 7, 90},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flags := only(Detect(turnoutGroup(tc.voted, tc.size), nil, DefaultThresholds()), KindTurnoutOutlier)
			if tc.threshold == 0 {
				if len(flags) > 0 {
					t.Fatalf("%+v", flags)
				}
				return
			}
			if len(flags) != 1 || flags[0].Box != "g.x" || flags[0].Threshold != tc.threshold || flags[0].Value != float64(tc.voted) ||
				flags[0].Params["median"] != 80.0 || flags[0].Params["group_size"] != tc.size+1 {
				t.Fatalf("%+v", flags)
			}
		})
	}
	t.Run("spread group uses the MAD", func(t *testing.T) {
		// 76 78 80 80 80 80 80 82 84 and x: median 80, MAD 1 (for x > 84),
		// so 5 robust deviations reach 7.413 points.
		th := DefaultThresholds()
		th.TurnoutMinPoints = 0
		for voted, flagged := range map[int64]bool{87: false, 88: true} {
			var boxes []Box
			for i, v := range []int64{76, 78, 80, 80, 80, 80, 80, 82, 84, voted} {
				boxes = append(boxes, turnoutBox(fmt.Sprintf("g.%02d", i), "g", v))
			}
			flags := only(Detect(boxes, nil, th), KindTurnoutOutlier)
			if (len(flags) == 1) != flagged {
				t.Fatalf("voted %d: %+v", voted, flags)
			}
			if flagged && (flags[0].Box != "g.09" || math.Abs(flags[0].Threshold-(80+5*robustScale)) > 1e-9 || flags[0].Params["mad"] != 1.0) {
				t.Fatalf("%+v", flags[0])
			}
		}
	})
	t.Run("no group", func(t *testing.T) {
		boxes := turnoutGroup(99, 10)
		for i := range boxes {
			boxes[i].Group = ""
		}
		if flags := Detect(boxes, nil, DefaultThresholds()); len(flags) > 0 {
			t.Fatalf("%+v", flags)
		}
	})
}

func TestInvalidShareOutlier(t *testing.T) {
	for invalid, threshold := range map[int64]float64{4: 0, 5: 0, 6: 5} {
		var boxes []Box
		for i := range 10 {
			boxes = append(boxes, Box{Code: sandik.AreaCode(fmt.Sprint("b", i)), Group: "g", Sheet: sheet(12000, 10000, 200, 6000, 3800)})
		}
		boxes = append(boxes, Box{Code: "x", Group: "g", Sheet: sheet(12000, 10000, invalid*100, 6000, 4000-invalid*100)})
		flags := Detect(boxes, nil, DefaultThresholds())
		if threshold == 0 {
			if len(flags) > 0 {
				t.Fatalf("invalid %d: %+v", invalid, flags)
			}
			continue
		}
		f := mustOne(t, flags, KindInvalidOutlier, "x", "invalid_total")
		if f.Value != float64(invalid) || f.Threshold != threshold || f.Params["median"] != 2.0 || f.Params["invalid"] != invalid*100 {
			t.Fatalf("%+v", f)
		}
	}
}

func TestZeroChoice(t *testing.T) {
	group := func(a, valid int64) []Box {
		var boxes []Box
		for i := range 10 {
			boxes = append(boxes, Box{Code: sandik.AreaCode(fmt.Sprint("b", i)), Group: "g", Sheet: sheet(1200, 1010, 10, a, 1000-a)})
		}
		return boxes
	}
	for _, tc := range []struct {
		name    string
		share   int64 // A's votes of 1000 in the other boxes
		a       int64 // A's votes in the tested box
		valid   int64 // valid votes of the tested box
		flagged bool
	}{
		{"just below median", 149, 0, 100, false},
		{"at median", 150, 0, 100, true},
		{"above median", 400, 0, 100, true},
		{"one vote is not zero", 400, 1, 100, false},
		{"not on ballot", 400, -1, 100, false},
		{"small box", 400, 0, 49, false},
		{"box at minimum", 400, 0, 50, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			boxes := append(group(tc.share, 1000), Box{Code: "x", Group: "g", Sheet: sheet(200, tc.valid+1, 1, tc.a, tc.valid-max(tc.a, 0))})
			flags := only(Detect(boxes, []string{"A", "B"}, DefaultThresholds()), KindZeroChoice)
			if (len(flags) == 1) != tc.flagged || len(flags) > 1 {
				t.Fatalf("%+v", flags)
			}
			if tc.flagged {
				f := flags[0]
				if f.Box != "x" || f.Field != "votes.A" || f.Value != float64(tc.share)/10 || f.Threshold != 15 || f.Params["choice"] != "A" {
					t.Fatalf("%+v", f)
				}
			}
		})
	}
}

func TestTransposedFlags(t *testing.T) {
	this := sheet(300, 254, 10, 12, 232)
	other := sheet(300, 245, 10, 21, 232)
	other.Invalid = 10
	flags := Detect([]Box{{Code: "b", Sheet: this, Other: &other}}, []string{"CHP"}, DefaultThresholds())
	ts := only(flags, KindTransposed)
	if len(ts) != 2 || ts[1].Field != "votes.CHP" || ts[1].Value != 12 || ts[1].Threshold != 21 ||
		ts[0].Field != "voted" || ts[0].Value != 254 || ts[0].Threshold != 245 {
		t.Fatalf("%+v", ts)
	}
	// A difference that is not a swap, and a vote beyond the choices.
	other = sheet(300, 283, 10, 12, 230, 31)
	this = sheet(300, 267, 10, 12, 232, 13)
	ts = only(Detect([]Box{{Code: "b", Sheet: this, Other: &other}}, []string{"CHP"}, DefaultThresholds()), KindTransposed)
	if len(ts) != 1 || ts[0].Field != "votes.3" {
		t.Fatalf("%+v", ts)
	}
}

func TestRoundNumbers(t *testing.T) {
	all := roundTail(5, 5)
	if math.Abs(all-math.Pow(0.12, 5)) > 1e-15 || math.Abs(roundTail(5, 0)-1) > 1e-12 {
		t.Fatalf("tail %g %g", all, roundTail(5, 0))
	}
	for _, tc := range []struct {
		name    string
		votes   []int64
		maxP    float64
		flagged bool
	}{
		{"all round", []int64{10, 20, 30, 40, 50}, 1e-4, true},
		{"all round, default bound", []int64{10, 20, 30, 40, 50}, DefaultThresholds().RoundMaxProbability, false},
		{"six round, default bound", []int64{10, 20, 30, 40, 50, 60}, DefaultThresholds().RoundMaxProbability, true},
		{"four of five", []int64{10, 20, 30, 40, 51}, 1e-4, false},
		{"at the bound", []int64{10, 20, 30, 40, 50}, all, true},
		{"just under the bound", []int64{10, 20, 30, 40, 50}, all * 0.999, false},
		{"too few counts of 10 or more", []int64{0, 0, 9, 10, 20, 30, 40}, 0.5, false},
		{"none round", []int64{11, 21, 31, 41, 51}, 0.99, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			th := DefaultThresholds()
			th.RoundMaxProbability = tc.maxP
			var sum int64
			for _, v := range tc.votes {
				sum += v
			}
			flags := Detect([]Box{{Code: "b", Sheet: sheet(400, sum, 0, tc.votes...)}}, nil, th)
			if (len(flags) == 1) != tc.flagged || len(flags) > 1 {
				t.Fatalf("%+v", flags)
			}
			n := len(tc.votes)
			if tc.flagged && (flags[0].Kind != KindRoundNumbers || flags[0].Params["round"] != n || flags[0].Params["counts"] != n || flags[0].Value != roundTail(n, n)) {
				t.Fatalf("%+v", flags[0])
			}
		})
	}
}

// Flags come sorted by box, then kind in the order of Kinds, then field,
// whatever the input order.
func TestDetectOrder(t *testing.T) {
	bad := sheet(100, 210, 0, 10, 20, 30, 40, 50, 60) // round, over 100 %
	bad.ValidUponObjection = 1                        // identity valid_total
	bad.Invalid = 1                                   // identity voted
	other := bad.Clone()
	other.Votes[0] = 1 // not a swap
	boxes := []Box{{Code: "c", Sheet: bad}, {Code: "a", Sheet: bad, Other: &other}, {Code: "b", Sheet: sheet(10, 5, 0, 5)}}
	flags := Detect(boxes, nil, DefaultThresholds())
	var got []string
	for _, f := range flags {
		got = append(got, fmt.Sprintf("%s/%s/%s", f.Box, f.Kind, f.Field))
	}
	want := []string{
		"a/identity/valid_total", "a/identity/voted", "a/turnout_over_100/voted", "a/round_numbers/votes",
		"c/identity/valid_total", "c/identity/voted", "c/turnout_over_100/voted", "c/round_numbers/votes",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("order\n got %q\nwant %q", got, want)
	}
}

// A partial sheet (votes and their total only) is judged on its votes: no
// flag for the voters it does not carry, one when the votes do not add up.
func TestPartialSheets(t *testing.T) {
	ok := sandik.Tutanak{ValidWithoutObjection: 290, ValidTotal: 290, Votes: []int64{150, 140}}
	bad := sandik.Tutanak{ValidWithoutObjection: 290, ValidTotal: 290, Votes: []int64{150, 139}}
	flags := Detect([]Box{{Code: "a", Sheet: ok, Partial: true}, {Code: "b", Sheet: bad, Partial: true}}, []string{"A", "B"}, DefaultThresholds())
	if len(flags) != 1 || flags[0].Box != "b" || flags[0].Field != "votes" {
		t.Fatalf("flags %+v", flags)
	}
	if full := Detect([]Box{{Code: "a", Sheet: ok}}, []string{"A", "B"}, DefaultThresholds()); len(full) != 1 || full[0].Field != "voted" {
		t.Fatalf("the same sheet judged as complete: %+v", full)
	}
}
