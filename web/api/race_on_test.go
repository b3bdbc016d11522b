//go:build race

package api

// raceDetector: the tests run under -race, at several times the cost of
// each step; a test may make its crowd smaller there.
const raceDetector = true
