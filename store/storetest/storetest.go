// Package storetest is the conformance suite every sandik.Store backend
// runs. It uses only the sandik.Store interface, so SQLite and PostgreSQL
// are held to the same contract by the same tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// Opener opens stores of one backend for the suite.
type Opener interface {
	// Open returns a new, empty store and registers a t.Cleanup that
	// closes it. The suite may close it earlier, so Close must tolerate
	// being called twice.
	Open(t *testing.T) sandik.Store
	// Reopen returns a store over the same storage as s and registers a
	// t.Cleanup that closes it. Everything s acknowledged must be there.
	// s may have been closed, or still be open: then the two are two
	// instances sharing one database.
	Reopen(t *testing.T, s sandik.Store) sandik.Store
}

// Run runs the whole suite against the backend o opens.
func Run(t *testing.T, o Opener) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Registry", registryTests},
		{"Log", logTests},
		{"Users", userTests},
		{"Sessions", sessionTests},
		{"Settings", settingTests},
		{"Concurrency", concurrencyTests},
		{"Groups", groupTests},
		{"Durability", durabilityTests},
		{"Objections", itirazTests},
		{"Instances", instanceTests},
		{"Ledger", ledgerTests},
		{"Org", orgTests},
		{"Municipalities", municipalTests},
		{"Contacts", contactTests},
		{"Rights", rightsTests},
		{"Assignments", assignmentTests},
		{"Meetings", meetingTests},
		{"Congresses", congressTests},
		{"Visits", visitTests},
		{"Feed", feedTests},
		{"Recounts", recountTests},
		{"Keying", keyingTests},
	}
	// The groups run two at a time (go test's -parallel, GOMAXPROCS by
	// default): each test opens stores of its own, and on PostgreSQL a
	// test waits mostly on its schema's creation, its migrations and its
	// commits' flushes.
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) { tc.fn(t, o) })
			}
		})
	}
}

type test struct {
	name string
	fn   func(t *testing.T, o Opener)
}

// Race and Box are the race and boxes the submission fixtures use.
const (
	Race    sandik.RaceCode = "2024-yerel.34.bb"
	Box1    sandik.AreaCode = "34.0135.144920.1001"
	Box2    sandik.AreaCode = "34.0135.144920.1002"
	Entrant sandik.UserID   = "ayse"
)

// Received is the ReceivedAt of fixtures: nanoseconds included, so that
// a backend rounding times is caught.
func Received() time.Time { return time.Date(2024, 3, 31, 17, 42, 5, 123456789, time.UTC) }

// Sub returns a valid submission of Race at box with the given votes, its
// hash set.
func Sub(id string, box sandik.AreaCode, votes ...int64) sandik.Submission {
	var valid int64
	for _, v := range votes {
		valid += v
	}
	s := sandik.Submission{
		ID: sandik.SubmissionID(id), Race: Race, Box: box, User: Entrant,
		Source: sandik.SourceObserver, Kind: sandik.KindEntry,
		ReceivedAt: Received(),
		Sheet: sandik.Tutanak{
			Registered: 350, Voted: valid + 7, ValidWithoutObjection: valid, ValidTotal: valid,
			Invalid: 7, Votes: votes,
		},
	}
	s.Hash = s.ContentHash()
	return s
}

// Subs returns n submissions at Box1 with ids prefix-0, prefix-1, ….
func Subs(prefix string, n int) []sandik.Submission {
	out := make([]sandik.Submission, n)
	for i := range out {
		out[i] = Sub(fmt.Sprintf("%s-%d", prefix, i), Box1, int64(i), 100, 50, 3, int64(i%7))
	}
	return out
}

// All reads the whole log in small pages.
func All(t testing.TB, s sandik.LogReader) []sandik.Submission {
	t.Helper()
	var all []sandik.Submission
	var after int64
	for {
		page, err := s.Since(context.Background(), after, 100)
		if err != nil {
			t.Fatalf("Since(%d, 100): %v", after, err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
}

func mustAppend(t testing.TB, s sandik.LogWriter, subs ...sandik.Submission) []sandik.Receipt {
	t.Helper()
	rs, err := s.Append(context.Background(), subs)
	if err != nil {
		t.Fatalf("Append(%d submissions): %v", len(subs), err)
	}
	if len(rs) != len(subs) {
		t.Fatalf("Append(%d submissions) returned %d receipts", len(subs), len(rs))
	}
	return rs
}

// wantCode fails unless err carries the code.
func wantCode(t testing.TB, err error, code sandik.ErrorCode, what string) {
	t.Helper()
	if got := sandik.CodeOf(err); got != code {
		t.Fatalf("%s: got error %v (code %q), want code %q", what, err, got, code)
	}
	var e *sandik.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v carries no *sandik.Error", what, err)
	}
}

// withSeq returns the submissions as the store should give them back.
func withSeq(subs []sandik.Submission, rs []sandik.Receipt) []sandik.Submission {
	out := make([]sandik.Submission, len(subs))
	for i, s := range subs {
		s.Seq = rs[i].Seq
		out[i] = s
	}
	return out
}
