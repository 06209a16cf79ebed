package scheduler

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/seed"
	"github.com/tandemhq/tandem/internal/tandem"
)

// TestScheduleEventReplay replays events/scheduler/*.json through the handler against the
// demo data seeded a week before the event: the demo sessions that ended are completed and
// the lapsed approval holds expire.
func TestScheduleEventReplay(t *testing.T) {
	tpl, err := samtemplate.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(tpl), "events", "scheduler", "*.json"))
	if len(files) == 0 {
		t.Fatal("no scheduler sample events")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var ev events.EventBridgeEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			seededAt := ev.Time.Add(-7 * 24 * time.Hour)
			clock := seededAt
			store := dynamotest.New(t, dynamotest.Options{Now: func() time.Time { return clock }})
			if err := seed.Load(context.Background(), store, seededAt); err != nil {
				t.Fatal(err)
			}
			// The scheduler last ran when the data was seeded, then was down for a week.
			if err := store.SetSchedulerWatermark(context.Background(), seededAt.Truncate(time.Hour)); err != nil {
				t.Fatal(err)
			}
			clock = ev.Time
			res, err := Handler(store, func() time.Time { return clock })(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			// A week later every demo session has ended and every hold has lapsed.
			plan, err := seed.Bookings(seededAt)
			if err != nil {
				t.Fatal(err)
			}
			var wantCompleted, wantExpired int
			for _, b := range plan {
				switch {
				case b.Status == tandem.StatusConfirmed && !ev.Time.Before(b.End) && !b.End.Before(seededAt.Truncate(time.Hour)):
					wantCompleted++
				case b.Status == tandem.StatusPending && !ev.Time.Before(b.HoldUntil):
					wantExpired++
				}
			}
			if res.Completed != wantCompleted || res.Expired != wantExpired || wantCompleted+wantExpired == 0 {
				t.Errorf("result %+v, want %d completed and %d expired", res, wantCompleted, wantExpired)
			}
			// The next run resumes from the watermark: only the current hour, nothing to do.
			again, err := Run(context.Background(), store, clock.Add(5*time.Minute))
			if err != nil || again.Completed+again.Expired != 0 {
				t.Errorf("second run = %+v, %v; want nothing left", again, err)
			}
		})
	}
}
