package scheduler

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/seed"
	"github.com/tandemhq/tandem/internal/streams"
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

// TestOfferedMinutesRollForward: saving a schedule sets the expert's offered minutes for the
// month before through two months ahead; when a new month begins the scheduler extends them,
// so utilization keeps its denominator for an expert who never touches their schedule again.
func TestOfferedMinutesRollForward(t *testing.T) {
	clock := time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)
	store := dynamotest.New(t, dynamotest.Options{Now: func() time.Time { return clock }})
	ctx := context.Background()
	sch := availability.Schedule{Timezone: "America/New_York", Weekly: availability.Weekly{
		Mon: []availability.LocalInterval{{Start: "09:00", End: "12:00"}}, Wed: []availability.LocalInterval{{Start: "13:00", End: "17:00"}}}}
	sch.Normalize()
	if err := store.PutAvailability(ctx, "acme", "u-exp", &sch); err != nil {
		t.Fatal(err)
	}
	fact, err := store.GetAvailabilityFact(ctx, "acme", "u-exp")
	if err != nil {
		t.Fatal(err)
	}
	if err := streams.RefreshOffered(ctx, store, "acme", fact, fact.UpdatedAt); err != nil { // what the stream consumer does on the save
		t.Fatal(err)
	}
	offered := func(month string) int64 {
		groups, _, err := store.LoadAggregates(ctx, "acme", []string{month})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if g.Group.Kind == "expert" && g.Group.Key == "u-exp" {
				return g.Counts.MinutesOffered
			}
		}
		return 0
	}
	// April 2027: 4 Mondays × 3 h + 4 Wednesdays × 4 h = 28 h.
	if got := offered("2027-03"); got == 0 {
		t.Errorf("March offered = 0, want set when the schedule was saved")
	}
	if got := offered("2027-04"); got != 0 {
		t.Fatalf("April offered = %d before April is in reach, want 0", got)
	}
	if err := store.SetSchedulerWatermark(ctx, time.Date(2027, 1, 31, 22, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	clock = time.Date(2027, 2, 1, 0, 5, 0, 0, time.UTC)
	res, err := Run(ctx, store, clock)
	if err != nil || res.OfferedRefreshed != 1 {
		t.Fatalf("Run = %+v, %v; want one expert refreshed", res, err)
	}
	if got := offered("2027-04"); got != 28*60 {
		t.Errorf("April offered = %d minutes after the February run, want %d", got, 28*60)
	}
	// And again a month later: the run scheduled its own successor.
	clock = time.Date(2027, 3, 1, 0, 5, 0, 0, time.UTC)
	if err := store.SetSchedulerWatermark(ctx, time.Date(2027, 2, 28, 23, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if res, err := Run(ctx, store, clock); err != nil || res.OfferedRefreshed != 1 || offered("2027-05") == 0 {
		t.Errorf("March run = %+v, %v; May offered %d", res, err, offered("2027-05"))
	}
}
