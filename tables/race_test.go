//go:build race

package tables

// raceEnabled skips the tests that parse tens of megabytes, which the race detector
// slows twentyfold; they run without -race.
const raceEnabled = true
