package httpapi

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestSeriesRacesBookingsOfOneSlot: 64 learners book one slot while a mentorship's series is
// scheduled with its first occurrence at that very time: exactly one of the 65 holds it (a
// learner's 201 or the series' occurrence, never both), every other learner gets 409, the
// series books the rest of its occurrences and reports the lost one with its reason, and the
// table's invariants hold (no overlapping holds for the expert or a learner, locks, counters).
func TestSeriesRacesBookingsOfOneSlot(t *testing.T) {
	f := newMentorFixture(t)
	m := f.mentorship(t, bobLearner, "POST", "/v1/mentorships", fmt.Sprintf(`{"expertId":"u-alice","agreement":%s}`, mentorAgreement), 201)
	base := "/v1/mentorships/" + m.ID
	f.mentorship(t, aliceExpert, "POST", base+"/accept", "", 200)
	const slot = "2027-09-14T14:00:00Z" // the series' first occurrence: Tuesday 15:00 London
	const n = 64
	statuses := make([]int, n)
	var (
		wg       sync.WaitGroup
		schedule response
		start    = make(chan struct{})
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = f.book(learner(i), fmt.Sprintf("series-race-%03d", i), bookBody(slot, "intro")).Status
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		schedule = f.requests.do("POST", base+"/schedule", `{"from":"2027-09-14","time":"15:00"}`, bobLearner)
	}()
	close(start)
	wg.Wait()
	if schedule.Status != 200 {
		t.Fatalf("schedule: %d %s", schedule.Status, schedule.Body)
	}
	var s scheduledJSON
	schedule.decode(t, &s)
	count := map[int]int{}
	for _, st := range statuses {
		count[st]++
	}
	seriesHolds := len(s.Mentorship.Occurrences) > 0 && s.Mentorship.Occurrences[0].State == tandem.OccurrenceBooked
	holders := count[201]
	if seriesHolds {
		holders++
	}
	if holders != 1 || count[201]+count[409] != n {
		t.Fatalf("learners %v, series holds the slot: %v; want exactly one holder and every other learner 409", count, seriesHolds)
	}
	booked := 0
	for _, o := range s.Mentorship.Occurrences {
		if o.State == tandem.OccurrenceBooked {
			booked++
		}
	}
	if want := 5; seriesHolds {
		if booked != 6 || len(s.Failed) != 0 {
			t.Errorf("the series holds its first slot but booked %d of 6 (failed %+v)", booked, s.Failed)
		}
	} else if booked != want || len(s.Failed) != 1 || s.Failed[0].Index != 0 || s.Failed[0].Reason != "expert_busy" {
		t.Errorf("a learner holds the slot: series booked %d, failed %+v; want 5 and occurrence 0 refused as expert_busy", booked, s.Failed)
	}
	t.Logf("learners %v; the series holds the slot: %v", count, seriesHolds)
	checkBookingInvariants(t, dynamotest.Items(t, f.cfg), f.clock())
}

// TestSeriesScheduledAtOnce: both parties schedule the series at the same moment, each at a
// different time of the window: one plan is fixed (the first stored), every occurrence is
// booked once at its time, and no booking of the series holds time its mentorship does not
// know of.
func TestSeriesScheduledAtOnce(t *testing.T) {
	f := newMentorFixture(t)
	m := f.mentorship(t, bobLearner, "POST", "/v1/mentorships", fmt.Sprintf(`{"expertId":"u-alice","agreement":%s}`, mentorAgreement), 201)
	base := "/v1/mentorships/" + m.ID
	f.mentorship(t, aliceExpert, "POST", base+"/accept", "", 200)
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]response, 6)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c := []*tandem.Caller{bobLearner, aliceExpert}[i%2]
			results[i] = f.requests.do("POST", base+"/schedule", fmt.Sprintf(`{"from":"2027-09-14","time":"%d:00"}`, 14+i%3), c)
		}()
	}
	close(start)
	wg.Wait()
	for i, r := range results {
		if r.Status != 200 {
			t.Errorf("schedule %d: %d %s", i, r.Status, r.Body)
		}
	}
	got, err := f.store.GetMentorship(t.Context(), "acme", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range got.Occurrences {
		if o.State != tandem.OccurrenceBooked || !o.Start.Equal(got.Occurrences[0].Start.AddDate(0, 0, 14*o.Index)) && o.Start.Sub(got.Occurrences[0].Start.AddDate(0, 0, 14*o.Index)).Abs() > time.Hour {
			t.Errorf("occurrence %+v, want every one booked on the one plan", o)
		}
	}
	live := 0
	for _, it := range dynamotest.Items(t, f.cfg) {
		if it["type"] != "booking" || !tandem.BookingStatus(it["status"].(string)).Live() {
			continue
		}
		live++
		if !slices.ContainsFunc(got.Occurrences, func(o tandem.Occurrence) bool { return o.BookingID == it["id"] }) {
			t.Errorf("booking %v at %v holds time; the mentorship's occurrences are %+v", it["id"], it["start"], got.Occurrences)
		}
	}
	if live != len(got.Occurrences) {
		t.Errorf("%d live bookings for %d occurrences", live, len(got.Occurrences))
	}
}
