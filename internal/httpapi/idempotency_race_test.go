package httpapi

import (
	"sync"
	"testing"
)

// Concurrent retries with one Idempotency-Key (issue #15 item 8): a client that fires the same
// request many times at once (a retrying proxy, a double-clicking user on a flaky network)
// makes exactly one booking, and every answer is that booking's stored response — the same
// status and the same bytes, replays marked Idempotent-Replayed — never a 409 because a copy
// saw the first one's booking before its idempotency record.

// idemRacers copies of one booking race; a seat, which every copy tries to take in a
// transaction (joining a circle passes the engine check), races with as many copies as the
// 64-way booking race, to spare DynamoDB Local's lock table.
const idemRacers, idemSeatRacers = 300, 64

// raceOneKey sends n copies of one request at once (released together by a gate).
func (f *fixture) raceOneKey(c func() response, n int) []response {
	var (
		wg   sync.WaitGroup
		gate = make(chan struct{})
		out  = make([]response, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			out[i] = c()
		}()
	}
	close(gate)
	wg.Wait()
	return out
}

// expectOneStoredResponse checks that every answer is the one stored response, exactly one of
// them the original (not replayed), and that the table holds exactly one booking.
func expectOneStoredResponse(t *testing.T, f *fixture, results []response, wantStatus int) {
	t.Helper()
	originals, statuses := 0, map[int]int{}
	var first response
	for i, res := range results {
		statuses[res.Status]++
		if res.Status != wantStatus {
			if statuses[res.Status] <= 3 {
				t.Errorf("request %d: %d %s", i, res.Status, res.Body)
			}
			continue
		}
		if res.Headers["Idempotent-Replayed"] != "true" {
			originals++
		}
		if first.Body == "" {
			first = res
		} else if res.Body != first.Body {
			t.Errorf("request %d: body %s differs from %s", i, res.Body, first.Body)
		}
	}
	if statuses[wantStatus] != len(results) || originals != 1 {
		t.Errorf("statuses %v, %d answered as the original; want all %d × %d and exactly one original", statuses, originals, len(results), wantStatus)
	}
	bookings := 0
	for _, it := range itemsOf(t, f) {
		if it["type"] == "booking" {
			bookings++
		}
	}
	if bookings != 1 {
		t.Errorf("%d bookings in the table, want exactly 1", bookings)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

func TestIdempotentRetriesRaceOneKey(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	body := bookBody(wed0900, "intro")
	results := f.raceOneKey(func() response { return f.book(bobLearner, "same-key-race-0001", body) }, idemRacers)
	expectOneStoredResponse(t, f, results, 201)
	// Later retries still get the same bytes.
	if again := f.book(bobLearner, "same-key-race-0001", body); again.Status != 201 || again.Body != results[0].Body ||
		again.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("later retry: %d %s", again.Status, again.Body)
	}
}

func TestIdempotentRetriesRaceOneKeySeat(t *testing.T) {
	f := newCircleFixture(t)
	body := seatBody(wed0900, false)
	results := f.raceOneKey(func() response { return f.book(bobLearner, "same-key-seat-0001", body) }, idemSeatRacers)
	expectOneStoredResponse(t, f, results, 201)
	c := f.circle(t, circleIDFor(wed0900), aliceExpert)
	if c.Taken != 1 || len(c.Roster) != 1 {
		t.Errorf("circle after the retries: taken %d, roster %d; want one seat", c.Taken, len(c.Roster))
	}
}
