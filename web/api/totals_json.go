package api

import (
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/handler"
)

// An area's totals are read by every dashboard every few seconds, and
// through the poll-close burst nearly every read finds them changed, so
// each is encoded anew: through encoding/json that was most of the
// handler's time (the country's 81 provinces, four vote arrays each) and
// of what it allocated, on the two cores the night's writes also need.
// appendJSON writes what encodeJSON writes, byte for byte
// (TestTotalsJSONAsEncodingJSON).

func (t *totalsJSON) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"unofficial":`...)
	dst = strconv.AppendBool(dst, t.Unofficial)
	dst = append(dst, `,"notice":`...)
	dst = handler.AppendJSONString(dst, t.Notice)
	dst = append(dst, `,"race":`...)
	dst = handler.AppendJSONString(dst, string(t.Race))
	dst = append(dst, `,"choices":`...)
	dst = appendArray(dst, t.Choices, func(dst []byte, c *sandik.Choice) []byte {
		dst = append(dst, `{"code":`...)
		dst = handler.AppendJSONString(dst, string(c.Code))
		dst = append(dst, `,"name":`...)
		dst = handler.AppendJSONString(dst, c.Name)
		return append(dst, '}')
	})
	dst = append(dst, `,"boxes_verified":`...)
	dst = strconv.AppendInt(dst, int64(t.BoxesVerified), 10)
	dst = append(dst, `,"boxes_expected":`...)
	dst = strconv.AppendInt(dst, int64(t.BoxesExpected), 10)
	dst = append(dst, `,"seq":`...)
	dst = strconv.AppendInt(dst, t.Seq, 10)
	dst = append(dst, `,"totals":`...)
	dst = appendTotals(dst, &t.Totals)
	dst = append(dst, `,"children":`...)
	dst = appendArray(dst, t.Children, appendTotals)
	return append(dst, "}\n"...)
}

// appendArray appends xs as a JSON array, each element by each; a nil
// slice is null, as encoding/json has it.
func appendArray[T any](dst []byte, xs []T, each func([]byte, *T) []byte) []byte {
	if xs == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = each(dst, &xs[i])
	}
	return append(dst, ']')
}

func appendTotals(dst []byte, t *tally.Totals) []byte {
	dst = append(dst, `{"race":`...)
	dst = handler.AppendJSONString(dst, string(t.Race))
	dst = append(dst, `,"area":`...)
	dst = handler.AppendJSONString(dst, string(t.Area))
	dst = append(dst, `,"level":`...)
	dst = handler.AppendJSONString(dst, t.Level.String()) // its MarshalText
	dst = append(dst, `,"name":`...)
	dst = handler.AppendJSONString(dst, t.Name)
	for _, f := range [...]struct {
		key string
		n   int
	}{
		{`,"boxes_expected":`, t.BoxesExpected}, {`,"boxes_reported":`, t.BoxesReported},
		{`,"boxes_pending":`, t.BoxesPending}, {`,"boxes_verified":`, t.BoxesVerified},
		{`,"boxes_conflict":`, t.BoxesConflict}, {`,"boxes_adjudicated":`, t.BoxesAdjudicated},
		{`,"boxes_official":`, t.BoxesOfficial}, {`,"boxes_recounted":`, t.BoxesRecounted},
	} {
		dst = append(dst, f.key...)
		dst = strconv.AppendInt(dst, int64(f.n), 10)
	}
	dst = append(dst, `,"registered":`...)
	dst = strconv.AppendInt(dst, t.Registered, 10)
	dst = append(dst, `,"provisional":`...)
	dst = appendCounts(dst, &t.Provisional)
	dst = append(dst, `,"verified":`...)
	dst = appendCounts(dst, &t.Verified)
	dst = append(dst, `,"official":`...)
	dst = appendCounts(dst, &t.Official)
	dst = append(dst, `,"recounted":`...)
	dst = appendCounts(dst, &t.Recounted)
	return append(dst, '}')
}

func appendCounts(dst []byte, c *tally.Counts) []byte {
	for _, f := range [...]struct {
		key string
		n   int64
	}{
		{`{"registered":`, c.Registered}, {`,"voted_by_law":`, c.VotedByLaw}, {`,"voted":`, c.Voted},
		{`,"valid_without_objection":`, c.ValidWithoutObjection}, {`,"valid_upon_objection":`, c.ValidUponObjection},
		{`,"valid_total":`, c.ValidTotal}, {`,"invalid_total":`, c.Invalid},
	} {
		dst = append(dst, f.key...)
		dst = strconv.AppendInt(dst, f.n, 10)
	}
	dst = append(dst, `,"votes":`...)
	dst = appendArray(dst, c.Votes, func(dst []byte, v *int64) []byte { return strconv.AppendInt(dst, *v, 10) })
	return append(dst, '}')
}

// totalsJSONSize guesses the encoded size of t, so that its buffer is
// allocated once: about 330 bytes a Totals and 12 a vote.
func totalsJSONSize(t *totalsJSON) int {
	n := 600 + 40*len(t.Choices)
	votes := func(x *tally.Totals) int {
		return len(x.Provisional.Votes) + len(x.Verified.Votes) + len(x.Official.Votes) + len(x.Recounted.Votes)
	}
	n += 400 + 12*votes(&t.Totals)
	for i := range t.Children {
		n += 400 + 12*votes(&t.Children[i])
	}
	return n
}
