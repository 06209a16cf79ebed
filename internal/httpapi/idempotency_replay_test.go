package httpapi

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// TestReplayAnswersWhatItAnsweredThen: the booking is its key's idempotency record and a
// replay renders it again, so a replay after the expert confirmed it, the learner moved it and
// then cancelled it still answers, byte for byte, what the request was answered (pending, at
// the first start, with its hold), warm (the failed write brings the booking back) and cold
// (read in round trip 1); the booking's own resource shows what it is now. The key stays bound:
// another body with it is refused, and no second booking is made.
func TestReplayAnswersWhatItAnsweredThen(t *testing.T) {
	f := newBookingFixture(t, "approval", 0)
	const key = "replay-then-0001"
	body := bookBody(wed0900, "intro")
	first := f.book(bobLearner, key, body)
	if first.Status != 201 {
		t.Fatalf("book: %d %s", first.Status, first.Body)
	}
	var b bookingJSON
	first.decode(t, &b)
	replay := func(when string, cold bool) {
		t.Helper()
		if cold { // the cached rules are older than CalendarCacheTTL: decided cold, round trip 1 reads the key's booking
			f.setNow(f.clock().Add(2 * time.Minute))
		}
		f.counter.Reset()
		again := f.book(bobLearner, key, body)
		if again.Status != 201 || again.Body != first.Body || again.Headers["Idempotent-Replayed"] != "true" {
			t.Errorf("%s: replay %d %s, want 201 and the first answer %s", when, again.Status, again.Body, first.Body)
		}
		if n := f.counter.Count("Query"); n != 0 && !cold {
			t.Errorf("%s: a warm replay made %d queries (%v), want none", when, n, f.counter.Calls())
		}
		if w := f.counter.Count("TransactWriteItems"); cold && w != 0 {
			t.Errorf("%s: a cold replay wrote %d times, want 0", when, w)
		}
	}
	replay("as booked, warm", false)
	replay("as booked, cold", true)
	expectState(t, f.act(aliceExpert, b.ID, "confirm", ""), 200, tandem.StatusConfirmed)
	expectState(t, f.act(bobLearner, b.ID, "reschedule", `{"start":"2027-03-03T16:00:00Z"}`), 200, tandem.StatusConfirmed)
	replay("after a confirmation and a move, warm", false)
	expectState(t, f.act(bobLearner, b.ID, "cancel", `{"reason":"changed plans"}`), 200, tandem.StatusCancelled)
	replay("after a cancellation, warm", false)
	replay("after a cancellation, cold", true)
	now := f.bookings.do("GET", "/v1/bookings/"+b.ID, "", bobLearner)
	var cur bookingJSON
	now.decode(t, &cur)
	if cur.Status != tandem.StatusCancelled || cur.Start.Format(time.RFC3339) != "2027-03-03T16:00:00Z" {
		t.Errorf("the booking now: %s, want cancelled at 16:00", now.Body)
	}
	if res := f.book(bobLearner, key, bookBody("2027-03-04T14:00:00Z", "intro")); res.Status != 422 {
		t.Errorf("the key with another body: %d %s, want 422", res.Status, res.Body)
	}
	list := f.bookings.do("GET", "/v1/bookings?as=learner&when=upcoming", "", bobLearner)
	var page struct {
		Items []bookingJSON `json:"items"`
	}
	list.decode(t, &page)
	if len(page.Items) != 1 {
		t.Errorf("bob's bookings: %s, want exactly the one", list.Body)
	}
}

// TestWaitlistReplayAfterASeatFreed: a request that joined a full circle's waitlist (202) is
// answered 202 again when repeated after a seat freed (and was offered to that learner): its
// record sits where its key's booking would, so the key never makes a booking as well; another
// body with the key is refused.
func TestWaitlistReplayAfterASeatFreed(t *testing.T) {
	f := newCircleFixture(t)
	circleID := f.fillCircle(t, "wr")
	const key = "wr-wait-0010"
	first := f.book(learner(10), key, seatBody(wed0900, true))
	if first.Status != 202 {
		t.Fatalf("waitlist: %d %s", first.Status, first.Body)
	}
	expectState(t, f.act(learner(0), f.seatOf(t, circleID, learner(0)), "cancel", ""), 200, tandem.StatusCancelled)
	f.setNow(f.clock().Add(2 * time.Minute))
	again := f.book(learner(10), key, seatBody(wed0900, true))
	if again.Status != 202 || again.Body != first.Body || again.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("replay after a seat freed: %d %s %v, want 202 %s", again.Status, again.Body, again.Headers, first.Body)
	}
	if res := f.book(learner(10), key, seatBody(wed0900, false)); res.Status != 422 {
		t.Errorf("the key with another body: %d %s, want 422", res.Status, res.Body)
	}
	if me := f.circle(t, circleID, learner(10)).Me; me.State != tandem.MemberOffered {
		t.Errorf("learner 10 after the replays: %+v, want offered (the freed seat), not booked again", me)
	}
}
