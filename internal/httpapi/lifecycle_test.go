package httpapi

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/tandemhq/tandem/internal/scheduler"
	"github.com/tandemhq/tandem/internal/tandem"
)

func (f *fixture) mustBook(t *testing.T, c *tandem.Caller, key, start, st string) bookingJSON {
	t.Helper()
	res := f.book(c, key, bookBody(start, st))
	if res.Status != http.StatusCreated {
		t.Fatalf("book %s: %d %s", start, res.Status, res.Body)
	}
	var b bookingJSON
	res.decode(t, &b)
	return b
}

func (f *fixture) act(c *tandem.Caller, id, action, body string) response {
	return f.bookings.do("POST", "/v1/bookings/"+id+"/"+action, body, c)
}

func expectState(t *testing.T, res response, status int, bookingStatus tandem.BookingStatus) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
	if status == 200 {
		var b bookingJSON
		res.decode(t, &b)
		if b.Status != bookingStatus {
			t.Fatalf("booking status %q, want %q", b.Status, bookingStatus)
		}
		return
	}
	if p := res.problem(t); bookingStatus != "" && p.Extra["status"] != string(bookingStatus) {
		t.Fatalf("problem extra %v, want current status %q", p.Extra, bookingStatus)
	}
}

func TestApprovalModeConfirmDeclineAndExpiry(t *testing.T) {
	f := newBookingFixture(t, "approval", 0)
	b := f.mustBook(t, bobLearner, "approval-0001", wed0900, "intro")
	if b.Status != tandem.StatusPending || b.HoldUntil == nil {
		t.Fatalf("booking = %+v, want pending with a hold", b)
	}
	// The pending hold blocks the slot for others.
	if slices.Contains(f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType=intro"), wed0900) {
		t.Error("a pending hold must keep the slot off the listing")
	}
	// Only the expert confirms; the learner is refused.
	expectState(t, f.act(bobLearner, b.ID, "confirm", ""), 403, "")
	// Confirm and decline race: exactly one wins.
	var wg sync.WaitGroup
	results := make([]response, 2)
	for i, action := range []string{"confirm", "decline"} {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = f.act(aliceExpert, b.ID, action, "") }()
	}
	wg.Wait()
	wins := 0
	for _, r := range results {
		if r.Status == 200 {
			wins++
		} else if r.Status != 409 {
			t.Errorf("race loser got %d %s, want 409", r.Status, r.Body)
		}
	}
	if wins != 1 {
		t.Errorf("confirm/decline race: %d winners (%d, %d), want exactly 1", wins, results[0].Status, results[1].Status)
	}

	// A second request expires after its hold (48 h) without anyone acting.
	other := f.mustBook(t, learner(1), "approval-0002", "2027-03-04T14:00:00Z", "intro")
	f.setNow(time.Date(2027, 3, 3, 12, 0, 1, 0, time.UTC)) // hold ended at 12:00
	res := f.bookings.do("GET", "/v1/bookings/"+other.ID, "", learner(1))
	var got bookingJSON
	res.decode(t, &got)
	if got.Status != tandem.StatusExpired {
		t.Errorf("after the hold: status %q, want expired (at read, before any cleanup)", got.Status)
	}
	expectState(t, f.act(aliceExpert, other.ID, "confirm", ""), 409, tandem.StatusExpired)
	// The lapsed hold no longer blocks: the slot is listed and can be booked by someone else.
	if !slices.Contains(f.slotStarts(t, "from=2027-03-04&to=2027-03-04&sessionType=intro"), "2027-03-04T14:00:00Z") {
		t.Error("the lapsed hold's slot should be listed again")
	}
	f.mustBook(t, learner(2), "approval-0003", "2027-03-04T14:00:00Z", "intro")
	// The scheduler records the expiry (and does not disturb the new booking's locks).
	res2, err := scheduler.Run(context.Background(), f.store, f.clock())
	if err != nil || res2.Expired != 1 {
		t.Errorf("scheduler = %+v, %v; want 1 expired", res2, err)
	}
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

func TestCancelRescheduleCompleteNoShow(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	b := f.mustBook(t, bobLearner, "life-0001", wed0900, "intro")

	// Reschedule frees the old time (another learner can take it) and takes the new one.
	res := f.act(bobLearner, b.ID, "reschedule", `{"start":"2027-03-03T16:00:00Z"}`)
	expectState(t, res, 200, tandem.StatusConfirmed)
	f.mustBook(t, learner(1), "life-0002", wed0900, "intro")
	if slices.Contains(f.slotStarts(t, "from=2027-03-03&to=2027-03-03&sessionType=intro"), "2027-03-03T16:00:00Z") {
		t.Error("the new time must not be listed")
	}
	// Rescheduling into a busy time is a clear conflict and changes nothing.
	res = f.act(bobLearner, b.ID, "reschedule", `{"start":"`+wed0900+`"}`)
	if res.Status != 409 || res.problem(t).Extra["conflict"] != "expert_busy" {
		t.Errorf("reschedule into busy time = %d %s", res.Status, res.Body)
	}
	// Retrying the same reschedule is a no-op; the cap is three moves.
	expectState(t, f.act(bobLearner, b.ID, "reschedule", `{"start":"2027-03-03T16:00:00Z"}`), 200, tandem.StatusConfirmed)
	expectState(t, f.act(bobLearner, b.ID, "reschedule", `{"start":"2027-03-03T17:00:00Z"}`), 200, tandem.StatusConfirmed)
	expectState(t, f.act(bobLearner, b.ID, "reschedule", `{"start":"2027-03-03T18:00:00Z"}`), 200, tandem.StatusConfirmed)
	if res := f.act(bobLearner, b.ID, "reschedule", `{"start":"2027-03-03T19:00:00Z"}`); res.Status != 429 || res.problem(t).Extra["limit"] != "reschedules" {
		t.Errorf("fourth reschedule = %d %s, want 429 limit reschedules", res.Status, res.Body)
	}
	// The invite follows: same UID, SEQUENCE 3 after three moves, METHOD:REQUEST.
	inv := f.bookings.do("GET", "/v1/bookings/"+b.ID+"/invite.ics", "", bobLearner)
	cal := parseICS(t, inv)
	ev := cal.Events()[0]
	if ev.GetProperty(ics.ComponentPropertySequence).Value != "3" || ev.Id() != b.ID+"@tandem" {
		t.Errorf("invite UID %q SEQUENCE %q, want %s@tandem and 3", ev.Id(), ev.GetProperty(ics.ComponentPropertySequence).Value, b.ID)
	}
	if start, _ := ev.GetStartAt(); !start.Equal(time.Date(2027, 3, 3, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("invite DTSTART %v", start)
	}

	// Late cancel (inside 24 h) by the learner; a second cancel is a no-op; then it is 409
	// for the other actions, with the current status.
	f.setNow(time.Date(2027, 3, 3, 6, 0, 0, 0, time.UTC))
	res = f.act(bobLearner, b.ID, "cancel", `{"reason":"clash"}`)
	expectState(t, res, 200, tandem.StatusCancelled)
	var cancelled bookingJSON
	res.decode(t, &cancelled)
	if !cancelled.LateCancel || cancelled.CancelledBy != "learner" || cancelled.CancelReason != "clash" {
		t.Errorf("cancelled = %+v, want a late cancel by the learner", cancelled)
	}
	expectState(t, f.act(bobLearner, b.ID, "cancel", ""), 200, tandem.StatusCancelled)
	expectState(t, f.act(bobLearner, b.ID, "reschedule", `{"start":"2027-03-04T14:00:00Z"}`), 409, tandem.StatusCancelled)
	expectState(t, f.act(aliceExpert, b.ID, "complete", ""), 409, tandem.StatusCancelled)
	cal = parseICS(t, f.bookings.do("GET", "/v1/bookings/"+b.ID+"/invite.ics", "", aliceExpert))
	method := ""
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == "METHOD" {
			method = p.Value
		}
	}
	if method != "CANCEL" {
		t.Errorf("cancelled invite METHOD %q, want CANCEL", method)
	}

	// Complete and no-show only after the end, and only for the right people.
	x := f.mustBook(t, bobLearner, "life-0003", "2027-03-04T15:00:00Z", "intro")
	y := f.mustBook(t, learner(3), "life-0004", "2027-03-04T16:00:00Z", "intro")
	expectState(t, f.act(aliceExpert, x.ID, "complete", ""), 409, tandem.StatusConfirmed)
	f.setNow(time.Date(2027, 3, 4, 17, 0, 0, 0, time.UTC))
	expectState(t, f.act(bobLearner, x.ID, "complete", ""), 403, "")
	expectState(t, f.act(aliceExpert, x.ID, "complete", ""), 200, tandem.StatusCompleted)
	res = f.act(learner(3), y.ID, "no-show", "")
	expectState(t, res, 200, tandem.StatusNoShow)
	var ns bookingJSON
	res.decode(t, &ns)
	if ns.NoShow != tandem.NoShowHost {
		t.Errorf("learner reporting: noShow %q, want host", ns.NoShow)
	}
	expectState(t, f.act(bobLearner, x.ID, "cancel", ""), 409, tandem.StatusCompleted)
	checkBookingInvariants(t, itemsOf(t, f), f.clock())
}

func TestSchedulerCompletesEndedSessions(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	a := f.mustBook(t, bobLearner, "sched-0001", wed0900, "intro")
	b := f.mustBook(t, learner(1), "sched-0002", "2027-03-05T14:00:00Z", "intro")
	f.setNow(time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC))
	res, err := scheduler.Run(context.Background(), f.store, f.clock())
	if err != nil || res.Completed != 1 {
		t.Fatalf("scheduler = %+v, %v; want 1 completed", res, err)
	}
	for id, want := range map[string]tandem.BookingStatus{a.ID: tandem.StatusCompleted, b.ID: tandem.StatusConfirmed} {
		got, _ := f.store.GetBooking(context.Background(), "acme", id)
		if got.Status != want {
			t.Errorf("%s: %s, want %s", id, got.Status, want)
		}
	}
	// Running again changes nothing.
	if res, err := scheduler.Run(context.Background(), f.store, f.clock()); err != nil || res.Completed != 0 {
		t.Errorf("second run = %+v, %v", res, err)
	}
}

func TestBookingVisibility(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	b := f.mustBook(t, bobLearner, "vis-0001", wed0900, "intro")
	hr := &tandem.Caller{UserID: "u-hr", OrgID: "acme", Roles: []tandem.Role{tandem.RoleHR}}
	res := f.bookings.do("GET", "/v1/bookings/"+b.ID, "", hr)
	var meta bookingJSON
	res.decode(t, &meta)
	if res.Status != 200 || meta.Note != "" || meta.MeetingURL != "" || meta.Learner.Email != "" {
		t.Errorf("HR view = %d %+v, want metadata only", res.Status, meta)
	}
	for _, c := range []*tandem.Caller{learner(4), oscarOtherOrg} {
		if res := f.bookings.do("GET", "/v1/bookings/"+b.ID, "", c); res.Status != 404 {
			t.Errorf("%s reading another's booking: %d, want 404", c.UserID, res.Status)
		}
		if res := f.act(c, b.ID, "cancel", ""); res.Status != 404 {
			t.Errorf("%s cancelling another's booking: %d, want 404", c.UserID, res.Status)
		}
	}
	if res := f.bookings.do("GET", "/v1/bookings?as=expert", "", bobLearner); res.Status != 403 {
		t.Errorf("learner listing as expert: %d, want 403", res.Status)
	}
}

func TestCalendarFeed(t *testing.T) {
	f := newBookingFixture(t, "instant", 0)
	f.mustBook(t, bobLearner, "feed-0001", wed0900, "intro")
	res := f.bookings.do("POST", "/v1/me/calendar-token", "", bobLearner)
	var tok struct{ Token, URL string }
	res.decode(t, &tok)
	if res.Status != 201 || tok.Token == "" {
		t.Fatalf("token: %d %s", res.Status, res.Body)
	}
	feed := f.bookings.do("GET", tok.URL, "", nil)
	if cal := parseICS(t, feed); len(cal.Events()) != 1 {
		t.Errorf("feed has %d events, want 1", len(cal.Events()))
	}
	// Rotating revokes the old URL; revoking revokes the new one.
	res = f.bookings.do("POST", "/v1/me/calendar-token", "", bobLearner)
	var tok2 struct{ Token, URL string }
	res.decode(t, &tok2)
	if res := f.bookings.do("GET", tok.URL, "", nil); res.Status != 404 {
		t.Errorf("old feed URL after rotation: %d, want 404", res.Status)
	}
	if res := f.bookings.do("DELETE", "/v1/me/calendar-token", "", bobLearner); res.Status != 204 {
		t.Errorf("revoke: %d", res.Status)
	}
	if res := f.bookings.do("GET", tok2.URL, "", nil); res.Status != 404 {
		t.Errorf("revoked feed URL: %d, want 404", res.Status)
	}
}

func parseICS(t *testing.T, res response) *ics.Calendar {
	t.Helper()
	if res.Status != 200 || res.Headers["Content-Type"] != "text/calendar; charset=utf-8" {
		t.Fatalf("ics: %d %q %s", res.Status, res.Headers["Content-Type"], res.Body)
	}
	cal, err := ics.ParseCalendar(stringsReader(res.Body))
	if err != nil {
		t.Fatalf("parse ics: %v", err)
	}
	return cal
}
