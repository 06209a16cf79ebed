package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/dynamo"
)

// testSealer seals connected calendars' secrets in tests (a fixed test key).
var testSealer = func() connections.Sealer {
	s, err := connections.NewLocalSealer([]byte("tandem-test-key-0123456789abcdef"))
	if err != nil {
		panic(err)
	}
	return s
}()

// storeCalendar gives user a connection whose stored busy ranges are ranges (as a sync would).
func (f *fixture) storeCalendar(t *testing.T, userID, id string, ranges ...dynamo.BusyRange) *dynamo.CalendarConnection {
	t.Helper()
	ctx := context.Background()
	now := f.clock()
	c := &dynamo.CalendarConnection{OrgID: "acme", UserID: userID, ID: id, Kind: "ics", Name: "Work", Host: "cal.example",
		Sealed: "x", CreatedAt: now, NextSyncAt: now.Add(10 * time.Minute)}
	if err := f.store.CreateCalendarConnection(ctx, c, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.SaveCalendarSync(ctx, c, ranges); err != nil {
		t.Fatal(err)
	}
	return c
}

func slotStarts(t *testing.T, res response) []string {
	t.Helper()
	var l slotList
	res.decode(t, &l)
	var out []string
	for _, s := range l.Slots {
		out = append(out, s.Start)
	}
	return out
}

// A connected calendar's range blocks the expert's slots through the same engine, and
// booking that time is refused with expert_calendar_busy; the learner's own connected busy
// time is hidden from the slots they see (but does not stop the booking check).
func TestCalendarBusyBlocksSlotsAndBooking(t *testing.T) {
	f := newFixture(t)
	f.putExpertWithSchedule(t)
	q := "/v1/experts/u-alice/slots?tz=UTC&from=2027-03-02T00:00:00Z&to=2027-03-03T00:00:00Z"
	before := slotStarts(t, f.api.do("GET", q, "", bobLearner))
	want := []string{"2027-03-02T14:00:00Z", "2027-03-02T15:00:00Z", "2027-03-02T16:00:00Z"}
	if len(before) != 3 || before[0] != want[0] || before[2] != want[2] {
		t.Fatalf("slots before = %v, want %v", before, want)
	}
	// 10:00-11:00 in New York (EST) is 15:00-16:00 UTC.
	ten := time.Date(2027, 3, 2, 15, 0, 0, 0, time.UTC)
	f.storeCalendar(t, "u-alice", "c1", dynamo.BusyRange{Start: ten, End: ten.Add(time.Hour)})
	after := slotStarts(t, f.api.do("GET", q, "", bobLearner))
	if len(after) != 2 || after[0] != want[0] || after[1] != want[2] {
		t.Errorf("slots after the calendar range = %v, want %v and %v", after, want[0], want[2])
	}
	res := f.book(bobLearner, "key-cal-1", bookBody("2027-03-02T15:00:00Z", "intro"))
	p := res.problem(t)
	if res.Status != 409 || p.Code != "expert_calendar_busy" || p.Detail == "" {
		t.Errorf("booking a calendar-busy time = %d %+v, want 409 expert_calendar_busy", res.Status, p)
	}
	if res := f.book(bobLearner, "key-ok-01", bookBody("2027-03-02T14:00:00Z", "intro")); res.Status != 201 {
		t.Errorf("booking a free time = %d %s", res.Status, res.Body)
	}

	// Bob's own calendar has 16:00-16:30 UTC: he no longer sees 16:00; Alice's view of her
	// own slots is unaffected by it.
	f.storeCalendar(t, "u-bob", "c2", dynamo.BusyRange{Start: ten.Add(time.Hour), End: ten.Add(90 * time.Minute)})
	if got := slotStarts(t, f.api.do("GET", q, "", bobLearner)); len(got) != 0 {
		t.Errorf("bob's slots = %v, want none (14:00 booked, 15:00 Alice's calendar, 16:00 his own)", got)
	}
	if got := slotStarts(t, f.api.do("GET", q, "", aliceExpert)); len(got) != 1 || got[0] != want[2] {
		t.Errorf("alice's own slots = %v, want only %s", got, want[2])
	}
}

// An unchanged calendar writes no range; a changed one writes only the difference.
func TestCalendarSyncWritesOnlyTheDifference(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	base := time.Date(2027, 3, 2, 15, 0, 0, 0, time.UTC)
	var ranges []dynamo.BusyRange
	for i := range 40 {
		s := base.Add(time.Duration(i) * 24 * time.Hour)
		ranges = append(ranges, dynamo.BusyRange{Start: s, End: s.Add(time.Hour)})
	}
	c := f.storeCalendar(t, "u-alice", "c1", ranges...)
	w, err := f.store.SaveCalendarSync(ctx, c, ranges)
	if err != nil || w.Put != 0 || w.Deleted != 0 || w.Calls != 1 {
		t.Errorf("same ranges again: %+v %v, want no range written (one call: the connection's state)", w, err)
	}
	moved := append([]dynamo.BusyRange{}, ranges[1:]...)
	moved = append(moved, dynamo.BusyRange{Start: base.Add(-time.Hour), End: base})
	if w, err = f.store.SaveCalendarSync(ctx, c, moved); err != nil || w.Put != 1 || w.Deleted != 1 {
		t.Errorf("one range moved: %+v %v, want 1 put and 1 delete", w, err)
	}
	busy, err := f.store.CalendarBusy(ctx, "acme", "u-alice", base, base.Add(60*24*time.Hour))
	if err != nil || len(busy) != 40 {
		t.Errorf("stored ranges = %d %v, want 40", len(busy), err)
	}
	if err := f.store.DeleteCalendarConnection(ctx, "acme", "u-alice", "c1"); err != nil {
		t.Fatal(err)
	}
	if busy, _ := f.store.CalendarBusy(ctx, "acme", "u-alice", base, base.Add(60*24*time.Hour)); len(busy) != 0 {
		t.Errorf("after delete: %d ranges left", len(busy))
	}
}
