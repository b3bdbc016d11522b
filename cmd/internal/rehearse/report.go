package rehearse

import (
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Report is a rehearsal's outcome, printed as text or JSON (-json).
type Report struct {
	Machine   string  `json:"machine"`
	Store     string  `json:"store"`
	Instances int     `json:"instances"`
	Scale     float64 `json:"scale"`
	Seed      uint64  `json:"seed"`

	Provinces     int     `json:"provinces"`
	Districts     int     `json:"districts"`
	Boxes         int     `json:"boxes"`
	Races         int     `json:"races"`
	Sheets        int     `json:"sheets"`  // boxes × races
	Entries       int     `json:"entries"` // sheets × 2
	DisagreeShare float64 `json:"disagree_share"`

	IntendedRate float64 `json:"intended_rate"`      // entries/s on average
	IntendedPeak int     `json:"intended_peak_rate"` // entries in the busiest second
	NightSeconds float64 `json:"night_seconds"`

	Submissions Submissions `json:"submissions"`
	Readers     Reads       `json:"readers"`
	Live        Live        `json:"live"`
	Feed        *Feed       `json:"official_feed,omitempty"`
	// Origin is the servers' own time to answer an area's totals, from
	// their request histograms.
	Origin *Origin       `json:"origin_totals,omitempty"`
	Soak   *Soak         `json:"soak,omitempty"`
	Faults []FaultResult `json:"faults,omitempty"`

	// ServerRSSPeakMiB is each started server's peak resident memory;
	// empty for servers started by hand.
	ServerRSSPeakMiB []float64 `json:"server_rss_peak_mib"`
	// ServerCPUSeconds is each started server's CPU time (user and
	// system) over the whole rehearsal; GeneratorCPUSeconds the
	// rehearsal's own from the night's start until the servers stop
	// (sending, reading, the feed), so that a shared machine's share of
	// each shows.
	ServerCPUSeconds    []float64 `json:"server_cpu_seconds"`
	GeneratorCPUSeconds float64   `json:"generator_cpu_seconds"`
	// GeneratorNice is the priority the rehearsal ran at (Config.Nice);
	// 0 when it kept the servers'.
	GeneratorNice int `json:"generator_nice,omitempty"`
	// FullVerificationSeconds runs from the last acknowledgement until
	// every instance's tally had applied every acknowledged entry.
	FullVerificationSeconds float64 `json:"full_verification_seconds"`

	Verification Verification `json:"verification"`
	SetupSeconds float64      `json:"setup_seconds"`
	TotalSeconds float64      `json:"total_seconds"`
	OK           bool         `json:"ok"`
	Problems     []string     `json:"problems"`
}

// Submissions are the entries' figures; latency runs from each entry's
// intended send time to its acknowledgement, retries included.
type Submissions struct {
	Sent         int64            `json:"sent"`
	Acknowledged int64            `json:"acknowledged"`
	Retried      int64            `json:"retried"`
	Failed       int64            `json:"failed"` // never acknowledged after every try
	Errors       map[string]int64 `json:"errors_by_status"`
	Seconds      float64          `json:"seconds"`
	PerSecond    float64          `json:"per_second"`
	Latency      Latency          `json:"latency_ms"`
}

// Latency is in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func latencyOf(sorted []time.Duration) Latency {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return Latency{ms(pct(sorted, 0.5)), ms(pct(sorted, 0.9)), ms(pct(sorted, 0.99)), ms(pct(sorted, 1))}
}

// Reads are the dashboards' figures.
type Reads struct {
	Readers  int              `json:"readers"`
	EveryMS  float64          `json:"every_ms"`
	Answered int              `json:"answered"`
	Errors   map[string]int64 `json:"errors_by_status"`
	Latency  Latency          `json:"latency_ms"`
}

// Live are the event streams' figures.
type Live struct {
	Clients int `json:"clients"`
	Opened  int `json:"opened"`
	Failed  int `json:"failed"`
	Cut     int `json:"cut"` // ended by the server during the night, then reopened
	// ReopenFailed counts reopenings the server refused.
	ReopenFailed int    `json:"reopen_failed"`
	Events       int64  `json:"events"`
	Error        string `json:"first_error,omitempty"`
}

// Feed is what the fake official feed published and the servers showed.
type Feed struct {
	Boxes    int     `json:"boxes"`  // the council race's, all published by the last page
	Differ   int     `json:"differ"` // published with other figures than the sheet
	Interval float64 `json:"follow_interval_seconds"`
	Seen     []int   `json:"official_boxes_seen"` // by instance
	// LastPageToAllSeconds runs from the last page's publication until
	// every instance counted all its boxes as official.
	LastPageToAllSeconds float64 `json:"last_page_to_all_seconds"`
}

// Verification compares the log and the totals with what was sent.
type Verification struct {
	ContentCompared bool `json:"content_compared"` // figures, not only presence
	Lost            int  `json:"lost"`             // acknowledged, missing from the log
	Changed         int  `json:"changed"`          // logged with other figures
	Duplicates      int  `json:"duplicates"`
	// Corrections are the soak's and the faults' entries: how many were
	// acknowledged, how many of those are missing (also in Lost), and
	// how many refused for load or cut off half-way are in the log.
	Corrections      int `json:"corrections_acknowledged"`
	CorrectionsLost  int `json:"corrections_lost"`
	RefusedYetLogged int `json:"refused_yet_logged"`
	// AgreeingSheets is how many sheets' two entries agree (the
	// generator's count); ExpectedVerified how many of them the log holds
	// both entries of; Verified what the servers' totals say (the least
	// over instances).
	AgreeingSheets    int  `json:"agreeing_sheets"`
	ExpectedVerified  int  `json:"expected_verified"`
	Verified          int  `json:"verified"`
	ExpectedConflicts int  `json:"expected_conflicts"`
	Conflicts         int  `json:"conflicts"`
	VotesMatch        bool `json:"verified_votes_match"`
}

func statusKey(code int) string {
	if code == -1 {
		return "no answer"
	}
	return strconv.Itoa(code)
}

func (r *Report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *Report) fillLoad(l loadResult, st *loadStats) {
	s := &r.Submissions
	s.Sent, s.Acknowledged, s.Retried, s.Failed = st.sent.Load(), st.acked.Load(), st.retried.Load(), st.failed.Load()
	s.Errors = map[string]int64{}
	for code, v := range l.errors {
		s.Errors[statusKey(code)] += v
	}
	// Throughput over the time the acknowledgements took: from the
	// night's start to the last one.
	if last := st.lastAck.Load(); last > 0 {
		s.Seconds = time.Unix(0, last).Sub(l.start).Seconds()
		s.PerSecond = float64(s.Acknowledged) / s.Seconds
	}
	s.Latency = latencyOf(l.lat)
	if s.Failed > 0 {
		r.problem("%d entries were never acknowledged (errors by status: %v)", s.Failed, s.Errors)
	}
}

func (r *Report) fillReads(rd readResult, lv sseResult, cfg Config) {
	r.Readers = Reads{Readers: cfg.Readers, EveryMS: float64(cfg.ReadEvery.Microseconds()) / 1000, Answered: len(rd.lat),
		Errors: map[string]int64{}, Latency: latencyOf(rd.lat)}
	for code, v := range rd.errors {
		r.Readers.Errors[statusKey(code)] += v
	}
	r.Live = Live{Clients: cfg.SSE, Opened: lv.opened, Failed: lv.failed, Cut: lv.cut, ReopenFailed: lv.reopenFailed, Events: lv.events}
	if lv.firstErr != nil {
		r.Live.Error = lv.firstErr.Error()
	}
	if lv.failed > 0 {
		r.problem("%d of %d live streams failed to open: %v", lv.failed, cfg.SSE, lv.firstErr)
	}
	if lv.reopenFailed > 0 {
		r.problem("%d reopenings of cut live streams failed: %v", lv.reopenFailed, lv.firstErr)
	}
}

// check compares the log and every instance's final totals with what was
// sent, and sets OK.
func (r *Report) check(n *Night, lc *logCheck, final [][]nationalTotals) {
	v := &r.Verification
	v.ContentCompared, v.Lost, v.Changed, v.Duplicates = lc.contentRead, lc.lost, lc.changed, lc.duplicates
	if lc.lost > 0 {
		r.problem("%d acknowledged entries are missing from the log", lc.lost)
	}
	if lc.changed > 0 {
		r.problem("%d entries are in the log with other figures than were sent", lc.changed)
	}
	v.Corrections, v.CorrectionsLost, v.RefusedYetLogged = lc.corrAcked, lc.corrLost, lc.refusedLogged
	if lc.refusedLogged > 0 {
		r.problem("%d entries refused for load or cut off half-way are in the log", lc.refusedLogged)
	}
	if lc.duplicates > 0 {
		r.problem("%d client ids are in the log twice", lc.duplicates)
	}
	for _, e := range n.Expect() {
		v.AgreeingSheets += e.Verified
	}
	want := expectFromLog(n, lc)
	for _, e := range want {
		v.ExpectedVerified += e.Verified
		v.ExpectedConflicts += e.Conflict
	}
	v.VotesMatch = final != nil
	v.Verified, v.Conflicts = -1, -1
	for i, inst := range final {
		verified, conflicts := 0, 0
		for j, t := range inst {
			e := want[j]
			verified += t.Totals.BoxesVerified
			conflicts += t.Totals.BoxesConflict
			if !slices.Equal(t.Totals.Verified.Votes, e.Votes) {
				v.VotesMatch = false
				r.problem("instance %d, %s: verified votes %v, the log implies %v", i+1, e.Race, t.Totals.Verified.Votes, e.Votes)
			}
			if t.Totals.BoxesVerified != e.Verified || t.Totals.BoxesConflict != e.Conflict {
				r.problem("instance %d, %s: %d verified and %d in conflict, the log implies %d and %d",
					i+1, e.Race, t.Totals.BoxesVerified, t.Totals.BoxesConflict, e.Verified, e.Conflict)
			}
		}
		if v.Verified < 0 || verified < v.Verified {
			v.Verified = verified
		}
		if v.Conflicts < 0 || conflicts > v.Conflicts {
			v.Conflicts = conflicts
		}
	}
	if r.Submissions.Failed == 0 && v.ExpectedVerified != v.AgreeingSheets {
		r.problem("every entry was acknowledged, yet the log holds both entries of only %d of the %d agreeing sheets", v.ExpectedVerified, v.AgreeingSheets)
	}
	r.OK = len(r.Problems) == 0
}

// WriteText writes the report for a person.
func (r *Report) WriteText(w io.Writer) {
	s := &r.Submissions
	fmt.Fprintf(w, "machine: %s\nstore: %s; %d instance(s)\n", r.Machine, r.Store, r.Instances)
	fmt.Fprintf(w, "night: %d il, %d ilçe, %d boxes (scale %g) × %d races = %d sheets, %d entries; %.1f%% of second entries disagree\n",
		r.Provinces, r.Districts, r.Boxes, r.Scale, r.Races, r.Sheets, r.Entries, 100*r.DisagreeShare)
	fmt.Fprintf(w, "intended: %.0f entries/s on average, %d/s in the busiest second (poll close), over %.0f s (open model)\n",
		r.IntendedRate, r.IntendedPeak, r.NightSeconds)
	fmt.Fprintf(w, "submissions: %d acknowledged of %d in %.1f s = %.0f/s; retried %d, failed %d; errors by status %s\n",
		s.Acknowledged, r.Entries, s.Seconds, s.PerSecond, s.Retried, s.Failed, errorsText(s.Errors))
	fmt.Fprintf(w, "submit latency from the intended send time: p50 %s  p90 %s  p99 %s  max %s\n",
		msText(s.Latency.P50), msText(s.Latency.P90), msText(s.Latency.P99), msText(s.Latency.Max))
	fmt.Fprintf(w, "dashboards: %d readers of an area's totals every %s: %d answered; p50 %s  p90 %s  p99 %s  max %s; errors %s\n",
		r.Readers.Readers, msText(r.Readers.EveryMS), r.Readers.Answered, msText(r.Readers.Latency.P50), msText(r.Readers.Latency.P90),
		msText(r.Readers.Latency.P99), msText(r.Readers.Latency.Max), errorsText(r.Readers.Errors))
	if o := r.Origin; o != nil {
		var parts []string
		for _, t := range []string{o.Peak.text("poll-close peak"), o.Night.text("whole night"), o.Soak.text("soak")} {
			if t != "" {
				parts = append(parts, t)
			}
		}
		fmt.Fprintf(w, "origin's own time to answer an area's totals (its request histogram): %s\n", strings.Join(parts, "; "))
	}
	fmt.Fprintf(w, "live pages: %d event streams, %d opened, %d failed; cut by the server %d times and reopened (%d reopenings failed); %d events received\n",
		r.Live.Clients, r.Live.Opened, r.Live.Failed, r.Live.Cut, r.Live.ReopenFailed, r.Live.Events)
	if f := r.Feed; f != nil {
		fmt.Fprintf(w, "official feed: %d council boxes published in %d pages (%d differing from their sheet), followed every %.0f s; seen as official %v; last page to every instance %.1f s\n",
			f.Boxes, feedSteps, f.Differ, f.Interval, f.Seen, f.LastPageToAllSeconds)
	}
	if len(r.ServerRSSPeakMiB) > 0 {
		parts := make([]string, len(r.ServerRSSPeakMiB))
		for i, m := range r.ServerRSSPeakMiB {
			parts[i] = fmt.Sprintf("%.0f MiB", m)
		}
		fmt.Fprintf(w, "server peak RSS: %s\n", strings.Join(parts, ", "))
		cpu := make([]string, len(r.ServerCPUSeconds))
		for i, c := range r.ServerCPUSeconds {
			cpu[i] = fmt.Sprintf("%.1f s", c)
		}
		nice := ""
		if r.GeneratorNice > 0 {
			nice = fmt.Sprintf(" at nice %d", r.GeneratorNice)
		}
		fmt.Fprintf(w, "CPU used: servers %s; the rehearsal itself (load, readers, feed%s) %.1f s; over %.1f s of night on %d CPUs\n",
			strings.Join(cpu, ", "), nice, r.GeneratorCPUSeconds, r.Submissions.Seconds, runtime.NumCPU())
	}
	if sk := r.Soak; sk != nil {
		ss := &sk.Submissions
		fmt.Fprintf(w, "soak: %.0f s at %.0f corrections/s: %d acknowledged of %d, retried %d, failed %d; errors %s; latency p50 %s p99 %s max %s\n",
			sk.Seconds, sk.Rate, ss.Acknowledged, ss.Sent, ss.Retried, ss.Failed, errorsText(ss.Errors), msText(ss.Latency.P50), msText(ss.Latency.P99), msText(ss.Latency.Max))
		for i, sv := range sk.Servers {
			fmt.Fprintf(w, "  server %d (%d samples): heap in use first %.0f, last %.0f, max %.0f MiB, slope %+.2f MiB/min; heap goal (next GC) first %.0f, last %.0f, max %.0f MiB, slope %+.2f MiB/min; goroutines first %.0f, last %.0f, max %.0f, slope %+.1f/min; at rest %.0f before the night, %.0f after\n",
				i+1, sv.Samples, sv.HeapMiB.First, sv.HeapMiB.Last, sv.HeapMiB.Max, sv.HeapSlopeMiBPerMin,
				sv.HeapGoalMiB.First, sv.HeapGoalMiB.Last, sv.HeapGoalMiB.Max, sv.HeapGoalSlopeMiBPerMin,
				sv.Goroutines.First, sv.Goroutines.Last, sv.Goroutines.Max, sv.GoroutineSlopePerMin, sv.GoroutinesAtRestBefore, sv.GoroutinesAtRestAfter)
			fmt.Fprintf(w, "    bounded caches first %.1f, last %.1f, max %.1f MiB, slope %+.2f MiB/min; heap goal slope less theirs %+.2f MiB/min; heap goal per entry %.0f bytes, less the caches' %.0f\n",
				sv.CachesMiB.First, sv.CachesMiB.Last, sv.CachesMiB.Max, sv.CachesSlopeMiBPerMin, sv.UnexplainedHeapGoalSlopeMiBPerMin,
				sv.HeapGoalBytesPerEntry, sv.UnexplainedHeapGoalBytesPerEntry)
		}
		fmt.Fprintf(w, "  verdict: %s (flat: over the second half the heap goal grows < %g MiB/min, and the goroutines come back to within 10 of their count at rest; bounded: it grows faster only by the bounded caches filling; judged when that half lasts %s or more)\n",
			sk.Verdict, FlatHeapMiBPerMin, minJudged)
	}
	for _, f := range r.Faults {
		fmt.Fprintf(w, "fault %s at %.0f s for %.1f s: %s\n  the load meanwhile: %d acknowledged, p99 %s (before %s); failed tries %s",
			f.Name, f.At, f.Seconds, f.Summary, f.AckedDuring, msText(f.During.P99), msText(f.Before.P99), errorsText(f.ErrorsDuring))
		if f.FirstAckSeconds >= 0 {
			fmt.Fprintf(w, "; first acknowledgement %.2f s after the fault", f.FirstAckSeconds)
		}
		if f.FailingSeconds > 0 {
			fmt.Fprintf(w, ", last failed try %.2f s after it", f.FailingSeconds)
		}
		fmt.Fprintln(w)
		if f.Problem != "" {
			fmt.Fprintf(w, "  PROBLEM: %s\n", f.Problem)
		}
	}
	fmt.Fprintf(w, "last acknowledgement to full verification (every instance's tally at the last acknowledged entry): %.2f s\n", r.FullVerificationSeconds)
	v := &r.Verification
	how := "figures compared"
	if !v.ContentCompared {
		how = "presence only, over HTTP"
	}
	fmt.Fprintf(w, "read back (%s): lost %d, changed %d, duplicated %d", how, v.Lost, v.Changed, v.Duplicates)
	if v.Corrections > 0 || v.RefusedYetLogged > 0 {
		fmt.Fprintf(w, "; of them corrections: %d acknowledged, %d lost; refused or cut off yet logged %d", v.Corrections, v.CorrectionsLost, v.RefusedYetLogged)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "verified sheets: %d (expected %d; %d agree in all), in conflict %d (expected %d); verified votes match: %t\n",
		v.Verified, v.ExpectedVerified, v.AgreeingSheets, v.Conflicts, v.ExpectedConflicts, v.VotesMatch)
	fmt.Fprintf(w, "setup %.1f s, whole rehearsal %.1f s\n", r.SetupSeconds, r.TotalSeconds)
	if r.OK {
		fmt.Fprintln(w, "result: ok")
		return
	}
	fmt.Fprintln(w, "result: FAILED")
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
}

func msText(ms float64) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.2f s", ms/1000)
	}
	return fmt.Sprintf("%.1f ms", ms)
}

func errorsText(m map[string]int64) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
