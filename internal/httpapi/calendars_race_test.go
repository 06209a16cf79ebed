package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/calsource"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestCalendarLimitUnderRace: ten connections added at once by one user: exactly five are
// created (the cap is a condition on the user's connection counter, in the same transaction
// as each connection), the other five are refused with limit_exceeded, none with a 5xx.
// Deleting one frees its place for exactly one more.
func TestCalendarLimitUnderRace(t *testing.T) {
	base, _, stop, err := calsource.StartFixtureServer(0)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	nine := time.Date(2027, 3, 2, 14, 0, 0, 0, time.UTC)
	req, _ := http.NewRequest("PUT", base+"/ics/custom/race.ics", bytes.NewReader(event("r1@example.com", "UTC", nine, nine.Add(time.Hour))))
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode >= 300 {
		t.Fatalf("storing the fixture: %v %v", r, err)
	}
	f := newFixture(t)
	add := func(i int) response {
		return f.bookings.do("POST", "/v1/me/calendars", connectBody("ics", fmt.Sprintf("Calendar %d", i), base+"/ics/custom/race.ics", "", "", false), aliceExpert)
	}
	const n = 10
	results := make([]response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = add(i)
		}()
	}
	close(start)
	wg.Wait()
	created, refused := 0, 0
	var ids []string
	for _, r := range results {
		switch {
		case r.Status == 201:
			created++
			ids = append(ids, decodeConn(t, r).ID)
		case r.problem(t).Code == tandem.ELimitExceeded && r.problem(t).Extra["limit"] == "calendars":
			refused++
		default:
			t.Errorf("add: %d %s", r.Status, r.Body)
		}
	}
	if created != 5 || refused != 5 {
		t.Fatalf("%d created and %d refused, want 5 and 5", created, refused)
	}
	listed := func() int {
		res := f.bookings.do("GET", "/v1/me/calendars", "", aliceExpert)
		var page struct{ Items []connectionJSON }
		res.decode(t, &page)
		return len(page.Items)
	}
	if got := listed(); got != 5 {
		t.Errorf("%d connections listed, want 5", got)
	}
	if res := f.bookings.do("DELETE", "/v1/me/calendars/"+ids[0], "", aliceExpert); res.Status != 204 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	if res := add(11); res.Status != 201 {
		t.Errorf("after a delete, an add: %d %s, want 201", res.Status, res.Body)
	}
	if res := add(12); res.Status == 201 {
		t.Errorf("a sixth connection was created")
	}
	if got := listed(); got != 5 {
		t.Errorf("%d connections listed at the end, want 5", got)
	}
}
