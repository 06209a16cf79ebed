package httpapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest/faithful"
	"github.com/tandemhq/tandem/internal/scheduler"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Alice runs a one-hour "Go circle" with four seats next to her one-to-one sessions.
var circleProfile = strings.Replace(fmt.Sprintf(bookingProfile, "approval", 3),
	`{"id":"intro","name":"Intro","durationMin":30,"bufferAfterMin":10},`,
	`{"id":"intro","name":"Intro","durationMin":30,"bufferAfterMin":10},
	 {"id":"circle","name":"Go circle","durationMin":60,"bufferAfterMin":15,"seats":4},`, 1)

func newCircleFixture(t *testing.T) *fixture {
	t.Helper()
	return withCircleExpert(t, newFixture(t))
}

// withCircleExpert gives f's Alice the circle profile and the booking tests' schedule.
func withCircleExpert(t *testing.T, f *fixture) *fixture {
	t.Helper()
	if res := f.api.do("PUT", "/v1/experts/me", circleProfile, aliceExpert); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", bookingSchedule, aliceExpert); res.Status != 200 {
		t.Fatalf("availability: %d %s", res.Status, res.Body)
	}
	return f
}

func seatBody(start string, waitlist bool) string {
	return fmt.Sprintf(`{"expertId":"u-alice","sessionType":"circle","start":"%s","waitlist":%t}`, start, waitlist)
}

func (f *fixture) circle(t *testing.T, id string, c *tandem.Caller) circleJSON {
	t.Helper()
	res := f.bookings.do("GET", "/v1/circles/"+id, "", c)
	if res.Status != 200 {
		t.Fatalf("GET circle: %d %s", res.Status, res.Body)
	}
	var out circleJSON
	res.decode(t, &out)
	return out
}

// TestCircleRaceSeatsWaitlistAndPromotion: more learners than seats book at once. Exactly
// the seats are confirmed and the rest are waitlisted in the order they arrived; freed seats
// are then offered to the waitlist first come first served, an offer can be taken, turned
// down or left to lapse, and a learner who cannot take the seat is skipped. The table's
// invariants hold after every step.
func TestCircleRaceSeatsWaitlistAndPromotion(t *testing.T) {
	f := newCircleFixture(t)
	const racers = 14
	var (
		wg      sync.WaitGroup
		results = make([]response, racers)
		gate    = make(chan struct{})
	)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			results[i] = f.book(learner(i), fmt.Sprintf("circle-race-%02d", i), seatBody(wed0900, true))
		}()
	}
	close(gate)
	wg.Wait()
	var seated, waitlisted []int
	circleID := ""
	for i, res := range results {
		switch res.Status {
		case 201:
			var b bookingJSON
			res.decode(t, &b)
			if b.Status != tandem.StatusConfirmed || b.CircleID == "" {
				t.Errorf("seat %d: %+v, want a confirmed seat of a circle", i, b)
			}
			circleID = b.CircleID
			seated = append(seated, i)
		case 202:
			var w waitlistedJSON
			res.decode(t, &w)
			if w.Status != "waitlisted" {
				t.Errorf("waitlisted %d: %+v", i, w)
			}
			waitlisted = append(waitlisted, i)
		default:
			t.Errorf("learner %d: %d %s", i, res.Status, res.Body)
		}
	}
	if len(seated) != 4 || len(waitlisted) != racers-4 {
		t.Fatalf("%d seated, %d waitlisted; want 4 and %d", len(seated), len(waitlisted), racers-4)
	}
	c := f.circle(t, circleID, aliceExpert)
	if c.Taken != 4 || c.Waiting != racers-4 || c.SeatsLeft != 0 || len(c.Roster) != 4 || len(c.Waitlist) != racers-4 {
		t.Fatalf("circle after the race: taken %d waiting %d left %d roster %d waitlist %d", c.Taken, c.Waiting, c.SeatsLeft, len(c.Roster), len(c.Waitlist))
	}
	// Arrival order: the waitlist is in the order the places were stamped on arrival, and
	// each learner's own position agrees with the expert's list.
	order := make([]string, len(c.Waitlist))
	for i, w := range c.Waitlist {
		order[i] = w.Learner.ID
		if w.Position != i+1 {
			t.Errorf("waitlist entry %d has position %d", i, w.Position)
		}
		if i > 0 && w.JoinedAt.Before(c.Waitlist[i-1].JoinedAt) {
			t.Errorf("waitlist out of arrival order at %d", i)
		}
	}
	for i, id := range order {
		var n int
		fmt.Sscanf(id, "u-learner-%02d", &n)
		me := f.circle(t, circleID, learner(n)).Me
		if me == nil || me.State != tandem.MemberWaiting || me.Position != i+1 {
			t.Errorf("learner %s sees %+v, want waiting at %d", id, me, i+1)
		}
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())

	// The slot stays listed, full, for its waitlist; the time is closed for one-to-one sessions.
	slots := f.slotsOf(t, "from=2027-03-03&to=2027-03-03&sessionType=circle")
	if s := findSlot(slots, wed0900); s == nil || s.SeatsLeft == nil || *s.SeatsLeft != 0 || s.CircleID != circleID || s.Waiting != racers-4 {
		t.Errorf("full circle's slot: %+v", s)
	}
	if slices.Contains(f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType=intro"), wed0900) {
		t.Error("the circle's time is still offered for one-to-one sessions")
	}
	// Without the waitlist flag, a full circle says so.
	if p := f.book(learner(20), "circle-full-01", seatBody(wed0900, false)).problem(t); p.Status != 409 || p.Extra["conflict"] != "circle_full" {
		t.Errorf("full circle without waitlist: %+v", p)
	}

	// First in line cannot take a seat when it frees: they booked another session at that
	// time meanwhile (with another expert), so they are skipped and the second is offered it.
	first, second, third, fourth := waiterN(order[0]), waiterN(order[1]), waiterN(order[2]), waiterN(order[3])
	other := &tandem.Caller{UserID: "u-e2", OrgID: "acme", Name: "Expert Two", Department: "Ops", Roles: []tandem.Role{tandem.RoleExpert}}
	if res := f.api.do("PUT", "/v1/experts/me", strings.Replace(fmt.Sprintf(bookingProfile, "instant", 3), "NY coach", "Other", 1), other); res.Status != 200 {
		t.Fatal(res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", bookingSchedule, other); res.Status != 200 {
		t.Fatal(res.Body)
	}
	body := strings.Replace(bookBody(wed0900, "intro"), "u-alice", "u-e2", 1)
	if res := f.book(learner(first), "first-elsewhere", body); res.Status != 201 {
		t.Fatalf("first waiter books elsewhere: %d %s", res.Status, res.Body)
	}
	seat0 := f.seatOf(t, circleID, learner(seated[0]))
	expectState(t, f.act(learner(seated[0]), seat0, "cancel", `{"reason":"conflict"}`), 200, tandem.StatusCancelled)
	if me := f.circle(t, circleID, learner(first)).Me; me.State != tandem.MemberSkipped || me.SkipReason != "busy" {
		t.Errorf("first in line: %+v, want skipped (busy)", me)
	}
	me2 := f.circle(t, circleID, learner(second)).Me
	if me2.State != tandem.MemberOffered || me2.HoldUntil == nil || !me2.HoldUntil.Equal(f.clock().Add(tandem.OfferHold)) {
		t.Fatalf("second in line: %+v, want an offer held for %v", me2, tandem.OfferHold)
	}
	// The offer is the learner's to answer, not the expert's.
	if p := f.act(aliceExpert, me2.BookingID, "confirm", "").problem(t); p.Status != 403 {
		t.Errorf("expert confirming a waitlist offer: %d", p.Status)
	}
	expectState(t, f.act(learner(second), me2.BookingID, "confirm", ""), 200, tandem.StatusConfirmed)
	if me := f.circle(t, circleID, learner(third)).Me; me.State != tandem.MemberWaiting || me.Position != 1 {
		t.Errorf("third in line moved up to %+v, want waiting at 1", me)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())

	// Two seats free at once: the next two in line get offers; one declines, which passes its
	// seat on; the other lets the hold lapse and the scheduler passes that one on too.
	for _, i := range seated[1:3] {
		expectState(t, f.act(learner(i), f.seatOf(t, circleID, learner(i)), "cancel", ""), 200, tandem.StatusCancelled)
	}
	me3, me4 := f.circle(t, circleID, learner(third)).Me, f.circle(t, circleID, learner(fourth)).Me
	if me3.State != tandem.MemberOffered || me4.State != tandem.MemberOffered {
		t.Fatalf("after two cancels: third %+v, fourth %+v; want both offered", me3, me4)
	}
	expectState(t, f.act(learner(third), me3.BookingID, "decline", `{"reason":"cannot make it"}`), 200, tandem.StatusDeclined)
	fifth, sixth := waiterN(order[4]), waiterN(order[5])
	if me := f.circle(t, circleID, learner(fifth)).Me; me.State != tandem.MemberOffered {
		t.Errorf("fifth after a decline: %+v, want offered", me)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
	f.setNow(f.clock().Add(tandem.OfferHold + time.Minute))
	if got := f.bookings.do("GET", "/v1/bookings/"+me4.BookingID, "", learner(fourth)); !strings.Contains(string(got.Body), `"expired"`) {
		t.Errorf("lapsed offer at read: %s", got.Body)
	}
	res, err := scheduler.Run(context.Background(), f.store, f.clock())
	if err != nil {
		t.Fatal(err)
	}
	if res.Promoted < 1 {
		t.Errorf("scheduler: %+v, want the lapsed offers passed on", res)
	}
	if me := f.circle(t, circleID, learner(sixth)).Me; me.State != tandem.MemberOffered {
		t.Errorf("sixth after the fourth's offer lapsed: %+v, want offered", me)
	}
	c = f.circle(t, circleID, aliceExpert)
	if c.Taken != 4 {
		t.Errorf("taken %d after the promotions, want 4 (every freed seat passed on)", c.Taken)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

// TestCircleListingJoinAndDissolve: a group session is listed with its seats, joined, and
// dissolved (the expert's time freed) when its last seat is given up with nobody waiting.
func TestCircleListingJoinAndDissolve(t *testing.T) {
	f := newCircleFixture(t)
	slots := f.slotsOf(t, "from=2027-03-03&to=2027-03-03&sessionType=circle")
	if s := findSlot(slots, wed0900); s == nil || s.SeatsLeft == nil || *s.SeatsLeft != 4 || s.CircleID != "" {
		t.Fatalf("fresh group slot: %+v", s)
	}
	var first bookingJSON
	f.book(bobLearner, "circle-bob-01", seatBody(wed0900, false)).decode(t, &first)
	if first.CircleID == "" || first.Status != tandem.StatusConfirmed {
		t.Fatalf("first seat (instant even for an approval-mode expert): %+v", first)
	}
	slots = f.slotsOf(t, "from=2027-03-03&to=2027-03-03&sessionType=circle")
	if s := findSlot(slots, wed0900); s == nil || *s.SeatsLeft != 3 || s.CircleID != first.CircleID {
		t.Errorf("after one seat: %+v", s)
	}
	// A second circle may not overlap the first (the expert's time is the first's).
	if p := f.book(learner(1), "circle-overlap", seatBody("2027-03-03T14:30:00Z", false)).problem(t); p.Status != 409 {
		t.Errorf("overlapping circle: %+v", p)
	}
	// The same learner cannot take a second seat; a replay returns the first.
	if p := f.book(bobLearner, "circle-bob-02", seatBody(wed0900, false)).problem(t); p.Status != 409 || p.Extra["conflict"] != "learner_busy" {
		t.Errorf("second seat for the same learner: %+v", p)
	}
	if res := f.book(bobLearner, "circle-bob-01", seatBody(wed0900, false)); res.Status != 201 || res.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("replay: %d %v", res.Status, res.Headers)
	}
	// A seat cannot be moved.
	if p := f.act(bobLearner, first.ID, "reschedule", `{"start":"2027-03-03T18:00:00Z"}`).problem(t); p.Status != 409 {
		t.Errorf("rescheduling a seat: %+v", p)
	}
	var second bookingJSON
	f.book(learner(1), "circle-l1-01", seatBody(wed0900, false)).decode(t, &second)
	if second.CircleID != first.CircleID {
		t.Fatalf("second seat joined %q, want %q", second.CircleID, first.CircleID)
	}
	// Learners see counts and their own standing, never who else is in it.
	if c := f.circle(t, first.CircleID, learner(2)); c.Taken != 2 || c.Me.State != tandem.MemberNone || c.Roster != nil || c.Waitlist != nil {
		t.Errorf("an outsider's view: %+v", c)
	}
	if res := f.bookings.do("GET", "/v1/circles/"+first.CircleID, "", oscarOtherOrg); res.Status != 404 {
		t.Errorf("another org sees the circle: %d", res.Status)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
	expectState(t, f.act(bobLearner, first.ID, "cancel", ""), 200, tandem.StatusCancelled)
	expectState(t, f.act(learner(1), second.ID, "cancel", ""), 200, tandem.StatusCancelled)
	if res := f.bookings.do("GET", "/v1/circles/"+first.CircleID, "", bobLearner); res.Status != 404 {
		t.Errorf("an empty circle should dissolve: %d %s", res.Status, res.Body)
	}
	if !slices.Contains(f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType=intro"), wed0900) {
		t.Error("the dissolved circle's time is not free for one-to-one sessions again")
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

// TestWaitlistSequentialOrderAndLeaving: places are kept in arrival order, a learner can
// leave, and leaving twice is harmless.
func TestWaitlistSequentialOrderAndLeaving(t *testing.T) {
	f := newCircleFixture(t)
	circleID := f.fillCircle(t, "seq")
	for i := 10; i < 14; i++ {
		if res := f.book(learner(i), fmt.Sprintf("seq-wait-%02d", i), seatBody(wed0900, true)); res.Status != 202 {
			t.Fatalf("waitlist %d: %d %s", i, res.Status, res.Body)
		}
	}
	if p := f.book(learner(10), "seq-wait-again", seatBody(wed0900, true)).problem(t); p.Status != 409 || p.Extra["conflict"] != "already_waiting" {
		t.Errorf("joining twice: %+v", p)
	}
	for want, i := range []int{10, 11, 12, 13} {
		if me := f.circle(t, circleID, learner(i)).Me; me.Position != want+1 {
			t.Errorf("learner %d at %d, want %d", i, me.Position, want+1)
		}
	}
	for range 2 {
		if res := f.bookings.do("DELETE", "/v1/circles/"+circleID+"/waitlist", "", learner(11)); res.Status != 204 {
			t.Errorf("leave: %d %s", res.Status, res.Body)
		}
	}
	if me := f.circle(t, circleID, learner(12)).Me; me.Position != 2 {
		t.Errorf("after 11 left, 12 is at %d", me.Position)
	}
	expectState(t, f.act(learner(0), f.seatOf(t, circleID, learner(0)), "cancel", ""), 200, tandem.StatusCancelled)
	if me := f.circle(t, circleID, learner(10)).Me; me.State != tandem.MemberOffered {
		t.Errorf("first in line after a cancel: %+v", me)
	}
	if c := f.circle(t, circleID, aliceExpert); c.Waiting != 2 || c.Taken != 4 || len(c.Waitlist) != 2 || c.Waitlist[0].Learner.ID != learner(12).UserID {
		t.Errorf("expert's view: %+v", c)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())

	// Only the expert can call the circle off; doing so cancels every seat and the open
	// offer, empties the waitlist and frees the expert's time.
	if res := f.bookings.do("POST", "/v1/circles/"+circleID+"/cancel", `{"reason":"ill"}`, learner(1)); res.Status != 403 {
		t.Errorf("a learner calling off the circle: %d", res.Status)
	}
	res := f.bookings.do("POST", "/v1/circles/"+circleID+"/cancel", `{"reason":"ill"}`, aliceExpert)
	if res.Status != 200 || !strings.Contains(string(res.Body), `"cancelledSeats":4`) {
		t.Fatalf("calling off: %d %s", res.Status, res.Body)
	}
	if res := f.bookings.do("GET", "/v1/circles/"+circleID, "", learner(12)); res.Status != 404 {
		t.Errorf("a called-off circle: %d", res.Status)
	}
	var seat bookingJSON
	f.bookings.do("GET", "/v1/bookings/"+f.firstSeatOf(t, learner(1)), "", learner(1)).decode(t, &seat)
	if seat.Status != tandem.StatusCancelled || seat.CancelledBy != "expert" || seat.CancelReason != "ill" {
		t.Errorf("a seat after the circle was called off: %+v", seat)
	}
	if !slices.Contains(f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType=intro"), wed0900) {
		t.Error("the called-off circle's time is not free again")
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
	items := itemsOf(t, f)
	for _, it := range items {
		if it["type"] == "waitlist" || (it["type"] == "waiter" && it["state"] == tandem.MemberWaiting) {
			t.Errorf("left on the waitlist of a called-off circle: %v", it)
		}
	}
}

// firstSeatOf is the id of the learner's first booking (any status).
func (f *fixture) firstSeatOf(t *testing.T, c *tandem.Caller) string {
	t.Helper()
	var page struct {
		Items []bookingJSON `json:"items"`
	}
	f.bookings.do("GET", "/v1/bookings?as=learner&when=upcoming", "", c).decode(t, &page)
	if len(page.Items) == 0 {
		t.Fatalf("%s has no bookings", c.UserID)
	}
	return page.Items[0].ID
}

func waiterN(id string) int {
	var n int
	fmt.Sscanf(id, "u-learner-%02d", &n)
	return n
}

// seatOf is the caller's live seat booking in the circle.
func (f *fixture) seatOf(t *testing.T, circleID string, c *tandem.Caller) string {
	t.Helper()
	me := f.circle(t, circleID, c).Me
	if me == nil || me.BookingID == "" {
		t.Fatalf("%s holds no seat in %s: %+v", c.UserID, circleID, me)
	}
	return me.BookingID
}

func (f *fixture) slotsOf(t *testing.T, query string) []slotJSON {
	t.Helper()
	res := f.api.do("GET", "/v1/experts/u-alice/slots?tz=UTC&"+query, "", bobLearner)
	if res.Status != 200 {
		t.Fatalf("slots: %d %s", res.Status, res.Body)
	}
	var got slotsJSON
	res.decode(t, &got)
	return got.Slots
}

func findSlot(slots []slotJSON, start string) *slotJSON {
	for i := range slots {
		if at, err := time.Parse(time.RFC3339, slots[i].Start); err == nil && at.UTC().Format(time.RFC3339) == start {
			return &slots[i]
		}
	}
	return nil
}

// checkCircleInvariants checks every circle in the table: its counters equal what the items
// say (taken = seats held by live or lapsed-but-unreleased seat bookings; waiting = places on
// the list, each with its learner's standing), it is never over capacity, its facts exist, and
// a seat is free while learners wait only if a promotion is due.
func checkCircleInvariants(t *testing.T, items []map[string]any, circles []map[string]any) {
	t.Helper()
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	n := func(m map[string]any, k string) int { v, _ := m[k].(float64); return int(v) }
	held, waits, queued, facts, promote := map[string]int{}, map[string]int{}, map[string]int{}, map[string]bool{}, map[string]bool{}
	standing := map[string]string{} // circle PK + learner → key of a waiting standing
	for _, it := range items {
		switch str(it, "type") {
		case "booking":
			if c := str(it, "circleId"); c != "" && tandem.BookingStatus(str(it, "status")).Live() {
				held[c]++
			}
		case "waitlist":
			waits[str(it, "PK")]++
			learner, _ := it["learner"].(map[string]any)
			if standing[str(it, "PK")+"|"+str(learner, "ID")] != "" {
				t.Errorf("learner %s waits twice in %s", str(learner, "ID"), str(it, "PK"))
			}
			standing[str(it, "PK")+"|"+str(learner, "ID")] = str(it, "key")
		case "waitQueue": // a place not yet counted: every request counts its own before answering
			queued[strings.Replace(str(it, "PK"), "#CIRCLEQ#", "#CIRCLE#", 1)]++
			t.Errorf("waitlist place %s in %s was never counted", str(it, "SK"), str(it, "PK"))
		case "circle":
			facts[str(it, "id")] = true
		case "due":
			if strings.HasSuffix(str(it, "SK"), "#PROMOTE") {
				promote[str(it, "bookingId")] = true
			}
		}
	}
	for _, it := range items {
		if str(it, "type") == "waiter" && str(it, "state") == tandem.MemberWaiting {
			learner := strings.TrimPrefix(str(it, "SK"), "WAITER#")
			if standing[str(it, "PK")+"|"+learner] != str(it, "key") {
				t.Errorf("standing of %s in %s has no matching place", learner, str(it, "PK"))
			}
		}
	}
	ids := make([]string, 0, len(circles))
	for _, c := range circles {
		id := str(c, "circleId")
		ids = append(ids, id)
		pk := "ORG#acme#CIRCLE#" + id
		if n(c, "taken") != held[id] {
			t.Errorf("circle %s: taken %d, but %d live seat bookings", id, n(c, "taken"), held[id])
		}
		if n(c, "taken") > n(c, "seats") {
			t.Errorf("circle %s over capacity: %d of %d", id, n(c, "taken"), n(c, "seats"))
		}
		if n(c, "waiting") != waits[pk]-queued[pk] {
			t.Errorf("circle %s: waiting %d, but %d places (%d queued)", id, n(c, "waiting"), waits[pk], queued[pk])
		}
		if !facts[id] {
			t.Errorf("circle %s has no facts item", id)
		}
		if n(c, "waiting") > 0 && n(c, "taken") < n(c, "seats") && !promote[id] {
			t.Errorf("circle %s has a free seat and %d waiting but no promotion due", id, n(c, "waiting"))
		}
		delete(facts, id)
	}
	for id := range facts {
		t.Errorf("facts of circle %s without its busy entry", id)
	}
	sort.Strings(ids)
	if len(ids) > 0 {
		t.Logf("circles checked: %v", ids)
	}
}

// TestRandomizedCircleInvariants runs a few hundred concurrent seat bookings (some asking
// for the waitlist), cancellations, offer answers and waitlist departures on three
// overlapping group-session times, then lets the scheduler pass on what is due, and checks
// the whole table: counters equal the items, nobody is over capacity or double booked, no
// seat stays free while someone waits.
func TestRandomizedCircleInvariants(t *testing.T) {
	f := newCircleFixture(t)
	starts := []string{wed0900, "2027-03-03T14:30:00Z", "2027-03-03T17:00:00Z"}
	type op struct {
		learner int
		kind    int
		start   string
	}
	var (
		mu     sync.Mutex
		counts = map[string]int{}
	)
	tally := func(k string) { mu.Lock(); counts[k]++; mu.Unlock() }
	jobs := make(chan op)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				c := learner(o.learner)
				switch o.kind {
				case 0, 1, 2: // book a seat (two in three ask for the waitlist when full)
					res := f.book(c, fmt.Sprintf("rnd-%02d-%s-%d", o.learner, o.start, time.Now().UnixNano()), seatBody(o.start, o.kind > 0))
					tally(fmt.Sprint("book ", res.Status))
				default: // act on whatever the learner holds in that circle
					id := circleIDFor(o.start)
					res := f.bookings.do("GET", "/v1/circles/"+id, "", c)
					if res.Status != 200 {
						tally("no circle")
						continue
					}
					var cj circleJSON
					res.decode(t, &cj)
					switch cj.Me.State {
					case tandem.MemberSeat:
						tally(fmt.Sprint("cancel ", f.act(c, cj.Me.BookingID, "cancel", "").Status))
					case tandem.MemberOffered:
						action := []string{"confirm", "decline"}[o.learner%2]
						tally(fmt.Sprint(action, " ", f.act(c, cj.Me.BookingID, action, "").Status))
					case tandem.MemberWaiting:
						tally(fmt.Sprint("leave ", f.bookings.do("DELETE", "/v1/circles/"+id+"/waitlist", "", c).Status))
					default:
						tally("nothing")
					}
				}
			}
		}()
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 300 {
		jobs <- op{learner: rng.IntN(16), kind: rng.IntN(5), start: starts[rng.IntN(len(starts))]}
	}
	close(jobs)
	wg.Wait()
	t.Logf("outcomes: %v", counts)
	for k := range counts {
		if strings.HasSuffix(k, " 500") {
			t.Errorf("internal errors: %v", counts)
		}
	}
	if counts["book 201"] == 0 || counts["book 202"] == 0 || counts["cancel 200"] == 0 {
		t.Errorf("the run did not exercise seats, waitlists and cancels: %v", counts)
	}
	// Whatever a handler could not promote at once (a failure would be logged), the
	// scheduler does; either way no seat may be left free while someone waits.
	if _, err := scheduler.Run(context.Background(), f.store, f.clock()); err != nil {
		t.Fatal(err)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

// circleIDFor is Alice's circle at start in the test org.
func circleIDFor(start string) string {
	s, _ := time.Parse(time.RFC3339, start)
	return dynamo.CircleID("acme", "u-alice", s)
}

// TestSeatRoundTripBudget: creating a circle, joining it and joining its waitlist each take
// the booking's budget, ≤ 2 sequential round trips and exactly one write.
func TestSeatRoundTripBudget(t *testing.T) {
	f := newCircleFixture(t)
	f.counter.SetLatency(20 * time.Millisecond) // a network round trip: parallel calls overlap
	for i, c := range []*tandem.Caller{bobLearner, learner(1), learner(2), learner(3), learner(4)} {
		f.counter.Reset()
		res := f.book(c, fmt.Sprintf("seat-budget-%d", i), seatBody(wed0900, true))
		want := 201
		if i == 4 {
			want = 202 // the fifth joins the waitlist
		}
		if res.Status != want {
			t.Fatalf("learner %d: %d %s", i, res.Status, res.Body)
		}
		if r, w := f.counter.Rounds(), f.counter.Count("TransactWriteItems"); r > 2 || w != 1 {
			t.Errorf("learner %d (%d): %d sequential round trips, %d writes (%v); want ≤ 2 and exactly 1", i, want, r, w, f.counter.Calls())
		}
	}
	// Giving up a seat while someone waits: the cancel (settings, the booking for the caller,
	// the booking and the circle for the transition, one write), then the offer to the first
	// in line (settings, facts and first place in parallel; the counts; one write; the counts
	// and the next place in parallel, which end it).
	var seat bookingJSON
	f.book(bobLearner, "seat-budget-0", seatBody(wed0900, true)).decode(t, &seat)
	f.counter.Reset()
	expectState(t, f.act(bobLearner, seat.ID, "cancel", ""), 200, tandem.StatusCancelled)
	r, w := f.counter.Rounds(), f.counter.Count("TransactWriteItems")
	t.Logf("cancel with a waitlist: %d sequential round trips, %d writes: %v", r, w, f.counter.Calls())
	if r > 9 || w != 2 {
		t.Errorf("cancel with a waitlist: %d sequential round trips, %d writes (%v); want ≤ 9 and exactly 2", r, w, f.counter.Calls())
	}
}

// TestCircleEmptiedByItsWaitlistDissolves: seats given up while the promotions have not run
// yet (as when the process stops between the two; the scheduler's due entries remain), then
// the only learner waiting leaves: a circle nobody holds a seat in or waits for dissolves and
// frees the expert's time.
func TestCircleEmptiedByItsWaitlistDissolves(t *testing.T) {
	f := newCircleFixture(t)
	var circleID string
	for i := range 4 {
		var b bookingJSON
		f.book(learner(i), fmt.Sprintf("empty-seat-%02d", i), seatBody(wed0900, false)).decode(t, &b)
		circleID = b.CircleID
	}
	if res := f.book(learner(9), "empty-wait-09", seatBody(wed0900, true)); res.Status != 202 {
		t.Fatalf("waitlist: %d %s", res.Status, res.Body)
	}
	for i := range 4 {
		// Through the store, not the handler: the seat is released but nobody is promoted.
		id := f.seatOf(t, circleID, learner(i))
		if _, err := f.store.UpdateBooking(context.Background(), "acme", id, dynamo.Change{Apply: func(b *tandem.Booking, now time.Time) error {
			return b.Cancel("learner", "", time.Hour, now)
		}, ReleaseSeat: booking.ReleaseSeat}); err != nil {
			t.Fatal(err)
		}
		checkBookingInvariants(t, itemsOf(t, f), f.clock()) // free seats while waiting: a promotion is due
	}
	if c := f.circle(t, circleID, learner(9)); c.Taken != 0 || c.Waiting != 1 || c.SeatsLeft != 0 || c.Me.State != tandem.MemberWaiting {
		t.Errorf("before the promotion: %+v", c)
	}
	// A newcomer queues behind the one already waiting rather than jumping the line.
	if res := f.book(learner(10), "empty-wait-10", seatBody(wed0900, true)); res.Status != 202 {
		t.Errorf("newcomer while a promotion is due: %d %s", res.Status, res.Body)
	}
	for _, i := range []int{10, 9} {
		if res := f.bookings.do("DELETE", "/v1/circles/"+circleID+"/waitlist", "", learner(i)); res.Status != 204 {
			t.Fatalf("leave: %d %s", res.Status, res.Body)
		}
	}
	if res := f.bookings.do("GET", "/v1/circles/"+circleID, "", learner(9)); res.Status != 404 {
		t.Errorf("a circle with no seats and nobody waiting should dissolve: %d %s", res.Status, res.Body)
	}
	if !slices.Contains(f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType=intro"), wed0900) {
		t.Error("the dissolved circle's time is not free again")
	}
	// The promotions still due find nothing to do.
	if _, err := scheduler.Run(context.Background(), f.store, f.clock()); err != nil {
		t.Fatal(err)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

// TestWaitlistFollowsGatewayArrival: a circle's waitlist is in the order API Gateway received
// the requests (requestContext.timeEpoch), not the order they reached the function: learners
// whose requests are handled one after another but were stamped in the other order wait in
// stamp order; two stamped in the same millisecond wait in learner-id order (whichever came
// to the function first); a request without a stamp takes its arrival at the function.
func TestWaitlistFollowsGatewayArrival(t *testing.T) {
	f := newCircleFixture(t)
	circleID := f.fillCircle(t, "gw")
	stamp := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	for _, j := range []struct {
		learner int
		at      time.Time // zero: no timeEpoch in the event
	}{
		{10, stamp.Add(3 * time.Millisecond)},
		{12, stamp.Add(time.Millisecond)},
		{11, stamp.Add(time.Millisecond)},
		{14, time.Time{}},
		{13, stamp},
	} {
		res := f.bookings.doAt(j.at, "POST", "/v1/bookings", seatBody(wed0900, true), learner(j.learner), "Idempotency-Key", fmt.Sprintf("gw-wait-%02d", j.learner))
		if res.Status != 202 {
			t.Fatalf("waitlist %d: %d %s", j.learner, res.Status, res.Body)
		}
	}
	var got []string
	for _, w := range f.circle(t, circleID, aliceExpert).Waitlist {
		got = append(got, w.Learner.ID)
	}
	var want []string
	for _, i := range []int{13, 11, 12, 10, 14} {
		want = append(want, learner(i).UserID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("waitlist %v, want %v (gateway arrival, then learner id; unstamped last)", got, want)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

// fillCircle books the four seats of the circle at wed0900 (learners 0-3, keys
// <prefix>-seat-NN) and returns its id.
func (f *fixture) fillCircle(t *testing.T, prefix string) string {
	t.Helper()
	var circleID string
	for i := range 4 {
		var b bookingJSON
		f.book(learner(i), fmt.Sprintf("%s-seat-%02d", prefix, i), seatBody(wed0900, false)).decode(t, &b)
		circleID = b.CircleID
	}
	return circleID
}

// TestCircleCrowdWaitlistIsQueued: 40 learners ask for a full circle's waitlist at once under
// DynamoDB's conflict rules (faithful model, 20 ms a call): every one is answered 202, none is
// asked to retry; the waitlist is in arrival order; the places the crowd queued were counted
// by folds of several places at a time (not one transaction each on the circle's busy entry);
// and every count equals its items, with no place left uncounted.
func TestCircleCrowdWaitlistIsQueued(t *testing.T) {
	m := faithful.New()
	m.Latency, m.MaxInFlight = 20*time.Millisecond, 8
	f := withCircleExpert(t, newFixtureWith(t, time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC), m.Install))
	circleID := f.fillCircle(t, "crowd")
	f.txs.Reset()
	const crowd = 40
	stamp := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	var (
		wg      sync.WaitGroup
		results = make([]response, crowd)
		gate    = make(chan struct{})
	)
	for i := range crowd {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			results[i] = f.bookings.doAt(stamp.Add(time.Duration(i)*time.Millisecond), "POST", "/v1/bookings", seatBody(wed0900, true),
				learner(10+i), "Idempotency-Key", fmt.Sprintf("crowd-%02d", i))
		}()
	}
	close(gate)
	wg.Wait()
	for i, res := range results {
		if res.Status != 202 {
			t.Errorf("learner %d: %d %s", 10+i, res.Status, res.Body)
		}
	}
	c := f.circle(t, circleID, aliceExpert)
	if c.Taken != 4 || c.Waiting != crowd || len(c.Waitlist) != crowd {
		t.Fatalf("circle after the crowd: taken %d waiting %d waitlist %d", c.Taken, c.Waiting, len(c.Waitlist))
	}
	for i, w := range c.Waitlist {
		if want := learner(10 + i).UserID; w.Learner.ID != want {
			t.Errorf("waitlist %d is %s, want %s (arrival order)", i+1, w.Learner.ID, want)
		}
	}
	folds, queued, batched := f.txs.Matching("Delete", "QUEUE#"), 0, 0
	for _, n := range folds {
		queued += n
		if n > 1 {
			batched++
		}
	}
	stats := m.Stats()
	t.Logf("%d places counted directly, %d queued and counted by %d folds %v; model: %v", crowd-queued, queued, len(folds), folds, stats)
	if stats.TxConflicts == 0 || queued == 0 || batched == 0 {
		t.Errorf("the crowd did not collide and queue (%d conflicts, %d queued, %d folds of several): the test shows nothing", stats.TxConflicts, queued, batched)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}
