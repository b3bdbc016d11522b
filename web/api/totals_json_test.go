package api

import (
	"bytes"
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// TestTotalsJSONAsEncodingJSON: the totals' own encoder writes what
// encodeJSON writes, for any totals, names and choices (Turkish, HTML's
// characters, invalid UTF-8), null or empty slices, any level.
func TestTotalsJSONAsEncodingJSON(t *testing.T) {
	text := rapid.OneOf(rapid.String(), rapid.SampledFrom([]string{"", "Şanlıurfa", "İSTANBUL <&>", "bad\xffutf8", "\u2028", "a\"b\\c\n"}))
	votes := rapid.Custom(func(t *rapid.T) []int64 {
		if rapid.IntRange(0, 4).Draw(t, "nil votes") == 0 {
			return nil
		}
		return rapid.SliceOfN(rapid.Int64(), 0, 25).Draw(t, "votes")
	})
	counts := rapid.Custom(func(t *rapid.T) tally.Counts {
		return tally.Counts{Registered: rapid.Int64().Draw(t, "registered"), VotedByLaw: rapid.Int64().Draw(t, "by law"),
			Voted: rapid.Int64().Draw(t, "voted"), ValidWithoutObjection: rapid.Int64().Draw(t, "without"),
			ValidUponObjection: rapid.Int64().Draw(t, "upon"), ValidTotal: rapid.Int64().Draw(t, "valid"),
			Invalid: rapid.Int64().Draw(t, "invalid"), Votes: votes.Draw(t, "votes")}
	})
	num := rapid.IntRange(-1, 1<<40)
	totals := rapid.Custom(func(t *rapid.T) tally.Totals {
		return tally.Totals{Race: sandik.RaceCode(text.Draw(t, "race")), Area: sandik.AreaCode(text.Draw(t, "area")),
			Level: sandik.AreaLevel(rapid.Uint8Range(0, 9).Draw(t, "level")), Name: text.Draw(t, "name"),
			BoxesExpected: num.Draw(t, "expected"), BoxesReported: num.Draw(t, "reported"), BoxesPending: num.Draw(t, "pending"),
			BoxesVerified: num.Draw(t, "verified"), BoxesConflict: num.Draw(t, "conflict"), BoxesAdjudicated: num.Draw(t, "adjudicated"),
			BoxesOfficial: num.Draw(t, "official"), BoxesRecounted: num.Draw(t, "recounted"), Registered: rapid.Int64().Draw(t, "reg"),
			Provisional: counts.Draw(t, "provisional"), Verified: counts.Draw(t, "verified c"), Official: counts.Draw(t, "official c"),
			Recounted: counts.Draw(t, "recounted c")}
	})
	rapid.Check(t, func(t *rapid.T) {
		out := totalsJSON{Unofficial: rapid.Bool().Draw(t, "unofficial"), Notice: text.Draw(t, "notice"),
			Race: sandik.RaceCode(text.Draw(t, "race")), BoxesVerified: num.Draw(t, "bv"), BoxesExpected: num.Draw(t, "be"),
			AreaTotals: tally.AreaTotals{Seq: rapid.Int64().Draw(t, "seq"), Totals: totals.Draw(t, "totals")}}
		if rapid.Bool().Draw(t, "choices") {
			for range rapid.IntRange(0, 5).Draw(t, "n choices") {
				out.Choices = append(out.Choices, sandik.Choice{Code: sandik.ChoiceCode(text.Draw(t, "code")), Name: text.Draw(t, "cname")})
			}
			if out.Choices == nil {
				out.Choices = []sandik.Choice{}
			}
		}
		if rapid.Bool().Draw(t, "children") {
			out.Children = rapid.SliceOfN(totals, 0, 4).Draw(t, "children list")
		}
		want, err := encodeJSON(out)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("encoded\n%s\nencoding/json\n%s", got, want)
		}
	})
}

// The encoder writes every field: a field added to the totals must be
// added to it (and to sameAreaTotals, TestSameTotalsSeesEveryField).
func TestTotalsJSONKnowsEveryField(t *testing.T) {
	fields := func(rt reflect.Type) []string {
		var out []string
		for i := range rt.NumField() {
			out = append(out, rt.Field(i).Name+" "+rt.Field(i).Tag.Get("json"))
		}
		return out
	}
	for rt, want := range map[reflect.Type][]string{
		reflect.TypeFor[totalsJSON](): {"Unofficial unofficial", "Notice notice", "Race race", "Choices choices",
			"BoxesVerified boxes_verified", "BoxesExpected boxes_expected", "AreaTotals "},
		reflect.TypeFor[tally.AreaTotals](): {"Seq seq", "Totals totals", "Children children"},
		reflect.TypeFor[sandik.Choice]():    {"Code code", "Name name"},
		reflect.TypeFor[tally.Totals](): {"Race race", "Area area", "Level level", "Name name", "BoxesExpected boxes_expected",
			"BoxesReported boxes_reported", "BoxesPending boxes_pending", "BoxesVerified boxes_verified",
			"BoxesConflict boxes_conflict", "BoxesAdjudicated boxes_adjudicated", "BoxesOfficial boxes_official",
			"BoxesRecounted boxes_recounted", "Registered registered", "Provisional provisional", "Verified verified",
			"Official official", "Recounted recounted"},
		reflect.TypeFor[tally.Counts](): {"Registered registered", "VotedByLaw voted_by_law", "Voted voted",
			"ValidWithoutObjection valid_without_objection", "ValidUponObjection valid_upon_objection",
			"ValidTotal valid_total", "Invalid invalid_total", "Votes votes"},
	} {
		if got := fields(rt); !slices.Equal(got, want) {
			t.Errorf("%s's fields %q, the encoder writes %q: change appendJSON with them", rt, got, want)
		}
	}
}
