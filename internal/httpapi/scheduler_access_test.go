package httpapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/scheduler"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestSchedulerFunctionDuties runs the scheduler through SchedulerFunction's own store, whose
// client records the AWS actions it performs (awsaccess: make test holds template.yaml's
// policy to them), over every kind of work the scheduler has: a seat given up while learners
// wait (PROMOTE), an offer whose hold lapses (HOLD, then the seat passes on), sessions that
// end (END), a learner's request past its expiry (REQEXP) and an expert's offered minutes
// rolled into a new month (OFFERED). The data comes through the API, as in production.
func TestSchedulerFunctionDuties(t *testing.T) {
	f := newCircleFixture(t)
	ctx := context.Background()
	sched := functionStore(t, f.cfg, "SchedulerFunction")
	var total scheduler.Result
	run := func() {
		t.Helper()
		res, err := scheduler.Run(ctx, sched, f.clock())
		if err != nil {
			t.Fatalf("scheduler at %s: %v", f.clock().Format(time.RFC3339), err)
		}
		total.Completed += res.Completed
		total.Expired += res.Expired
		total.RequestsExpired += res.RequestsExpired
		total.OfferedRefreshed += res.OfferedRefreshed
		total.Promoted += res.Promoted
	}

	// Alice's circle fills up: four seats, two learners waiting.
	circleID := ""
	for i := range 6 {
		res := f.book(learner(i), fmt.Sprintf("duties-%02d", i), seatBody(wed0900, true))
		switch {
		case i < 4 && res.Status == 201:
			var b bookingJSON
			res.decode(t, &b)
			circleID = b.CircleID
		case i >= 4 && res.Status == 202:
		default:
			t.Fatalf("learner %d: %d %s", i, res.Status, res.Body)
		}
	}
	// A learner's request, which expires unmatched.
	req := f.postRequest(t, bobLearner)
	// The expert's offered minutes, as the stream consumer sets them when a schedule is saved:
	// it asks the scheduler to roll them on when the next month begins.
	fact, err := f.store.GetAvailabilityFact(ctx, "acme", aliceExpert.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if err := streams.RefreshOffered(ctx, f.store, "acme", fact, f.clock()); err != nil {
		t.Fatal(err)
	}

	// A seated learner gives up the seat: it is offered to the first in line.
	expectState(t, f.act(learner(0), f.seatOf(t, circleID, learner(0)), "cancel", ""), 200, tandem.StatusCancelled)
	run()
	// Nobody answers the offer: the scheduler expires it and offers the seat to the next.
	f.setNow(f.clock().Add(tandem.OfferHold + time.Minute))
	run()
	// The session ends.
	start, _ := time.Parse(time.RFC3339, wed0900)
	f.setNow(start.Add(3 * time.Hour))
	run()
	// The request expires, and a new month begins.
	for _, at := range []time.Time{req.ExpiresAt.Add(time.Hour), time.Date(2027, 4, 1, 0, 5, 0, 0, time.UTC)} {
		if at.After(f.clock()) {
			f.setNow(at)
			run()
		}
	}
	if total.Promoted == 0 || total.Expired == 0 || total.Completed == 0 || total.RequestsExpired == 0 || total.OfferedRefreshed == 0 {
		t.Errorf("scheduler runs = %+v; want every kind of work done at least once", total)
	}
}
