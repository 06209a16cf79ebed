package httpapi

import (
	"testing"
	"time"
)

// TestProgramRoundTrips pins the sequential round trips of the programs use cases: the
// reads each needs are made in parallel.
func TestProgramRoundTrips(t *testing.T) {
	f := newFixture(t)
	p := f.createProgram(t, programBody)
	f.enrollN(t, p.ID, 0, 8)
	f.counter.SetLatency(20 * time.Millisecond) // a network round trip: parallel calls overlap
	tests := []struct {
		name, method, path, body string
		rounds                   int
	}{
		{"list", "GET", "/v1/programs", "", 1},                                        // programs ‖ the caller's enrollments
		{"get", "GET", "/v1/programs/" + p.ID, "", 1},                                 // program ‖ enrolled?
		{"build", "POST", "/v1/programs/" + p.ID + "/cohorts/build", `{"seed":1}`, 3}, // program ‖ enrollees ‖ plan; met; write
		{"cohorts", "GET", "/v1/programs/" + p.ID + "/cohorts", "", 1},                // plan ‖ enrollees
		{"archive", "POST", "/v1/programs/" + p.ID + "/archive", "", 2},               // read; conditional write
	}
	for _, tt := range tests {
		f.counter.Reset()
		if res := f.requests.do(tt.method, tt.path, tt.body, hrUser); res.Status != 200 {
			t.Fatalf("%s: %d %s", tt.name, res.Status, res.Body)
		}
		if n := f.counter.Rounds(); n != tt.rounds {
			t.Errorf("%s: %d round trips %v, want %d", tt.name, n, f.counter.Calls(), tt.rounds)
		}
	}
}
