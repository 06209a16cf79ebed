// Package scheduler is the periodic housekeeping of bookings, run by SchedulerFunction on an
// EventBridge schedule: it completes confirmed sessions that have ended, expires approval
// requests whose hold has passed and learners' requests past their expiry, offers seats of
// group sessions given up to their waitlists (and passes on lapsed offers), and rolls each
// expert's offered minutes (for HR's utilization) into every new month, fires session
// reminders and lapse warnings, retries e-mails that failed (internal/notify), and refreshes
// the health of each org's active mentorships every hour (internal/mentorships). It finds them
// through the hourly due entries the booking transactions write (no Scan), and changes each
// through the booking use case (internal/booking) and the store's ordinary conditional
// transition, so it is safe to run twice or alongside people using the app. Reads never wait
// for it: an ended hold is already shown as expired and no longer blocks time. Each run also
// makes any org's flash mentoring round that is due (internal/flash: once per round).
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/booking"
	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/flash"
	"github.com/tandemhq/tandem/internal/mentorships"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A run resumes from the last hour a run finished (the watermark), so an outage is caught up
// hour by hour, at most MaxCatchUp back. A first run, with no watermark, looks FirstLookBack
// back.
const (
	MaxCatchUp    = 30 * 24 * time.Hour
	FirstLookBack = 48 * time.Hour
)

// Result counts what a run did.
type Result struct {
	Completed int `json:"completed"`
	Expired   int `json:"expired"`
	// RequestsExpired counts learners' requests that passed their expiry unmatched.
	RequestsExpired int `json:"requestsExpired"`
	// OfferedRefreshed counts experts whose offered minutes were rolled into a new month.
	OfferedRefreshed int `json:"offeredRefreshed"`
	// Promoted counts seats of group sessions offered to the next learner on a waitlist.
	Promoted int `json:"promoted"`
	// Reminders counts reminder and lapse entries handled (internal/notify.Remind); MailRetried
	// e-mails made pending again after a failure or a lapsed sender's lease.
	Reminders   int `json:"reminders"`
	MailRetried int `json:"mailRetried"`
	Skipped     int `json:"skipped"`
	// CalendarsSynced and CalendarsFailed count connected calendars synced (their source
	// answered) and failing (the failure is on the connection) by this run.
	CalendarsSynced int `json:"calendarsSynced"`
	CalendarsFailed int `json:"calendarsFailed"`
	// FlashRounds counts flash mentoring rounds made by this run (internal/flash).
	FlashRounds int `json:"flashRounds"`
	// MentorshipsChecked counts mentorships whose health this run refreshed (at most
	// MentorshipsPerRun), MentorshipsStalled those of them that turned stalled.
	MentorshipsChecked int `json:"mentorshipsChecked"`
	MentorshipsStalled int `json:"mentorshipsStalled"`
}

// MentorshipsPerRun bounds the mentorships whose health one run refreshes (the rest are the
// next run's, each org's pass resuming where it stopped).
const MentorshipsPerRun = 500

// CalendarsPerRun bounds the connected calendars one run syncs (the most overdue first; the
// rest are next run's).
const CalendarsPerRun = 200

// Handler is the Lambda handler for the EventBridge schedule: it runs at the event's time
// (or now, if the event has none), so a replayed sample event processes its own moment.
func Handler(store *dynamo.Store, now func() time.Time) func(context.Context, events.EventBridgeEvent) (Result, error) {
	return HandlerWith(store, now, nil)
}

// HandlerWith is Handler that also syncs the connected calendars that are due (cal nil:
// none), every run (each connection's next sync is 10 minutes after its last).
func HandlerWith(store *dynamo.Store, now func() time.Time, cal *connections.Service) func(context.Context, events.EventBridgeEvent) (Result, error) {
	return func(ctx context.Context, ev events.EventBridgeEvent) (Result, error) {
		at := now()
		if !ev.Time.IsZero() && ev.Time.Before(at) {
			at = ev.Time
		}
		res, err := Run(ctx, store, at)
		var ferr error
		res.FlashRounds, ferr = flash.New(store, func() time.Time { return at }).RunDue(ctx) // each due round once
		err = errors.Join(err, ferr)
		if cal != nil {
			synced, failed, cerr := SyncCalendars(ctx, cal, at)
			res.CalendarsSynced, res.CalendarsFailed = synced, failed
			err = errors.Join(err, cerr)
		}
		return res, err
	}
}

// SyncCalendars syncs up to CalendarsPerRun connected calendars whose next sync has come by
// at, found on the next-sync index (no Scan). A source's failure is recorded on its
// connection (with backoff and health), not returned.
func SyncCalendars(ctx context.Context, cal *connections.Service, at time.Time) (synced, failed int, err error) {
	svc := *cal
	svc.Now = func() time.Time { return at }
	return svc.SyncDue(ctx, CalendarsPerRun)
}

// Run processes the due entries of every hour from the watermark (the last hour a run
// finished) through the current hour, then moves the watermark to the current hour, which
// the next run processes again since it is not over yet.
func Run(ctx context.Context, store *dynamo.Store, now time.Time) (Result, error) {
	var res Result
	var errs []error
	current := now.UTC().Truncate(time.Hour)
	from, err := store.SchedulerWatermark(ctx)
	if err != nil {
		return res, err
	}
	switch {
	case from.IsZero():
		from = current.Add(-FirstLookBack)
	case from.Before(current.Add(-MaxCatchUp)):
		from = current.Add(-MaxCatchUp)
	}
	for hour := from; !hour.After(current); hour = hour.Add(time.Hour) {
		due, err := store.DueIn(ctx, hour)
		if err != nil {
			return res, err
		}
		for _, d := range due {
			switch err := process(ctx, store, d, hour, now, &res); tandem.ErrorCode(err) {
			case "":
			case tandem.EConflict, tandem.ENotFound:
				res.Skipped++ // not due yet, or someone else already moved it on
			default:
				errs = append(errs, fmt.Errorf("booking %s/%s: %w", d.Org, d.BookingID, err))
			}
		}
	}
	if len(errs) > 0 {
		return res, errors.Join(errs...)
	}
	return res, store.SetSchedulerWatermark(ctx, current)
}

func process(ctx context.Context, store *dynamo.Store, d dynamo.Due, hour, now time.Time, res *Result) error {
	svc := booking.New(store, func() time.Time { return now })
	var step func(ctx context.Context, org, id string) (booking.Changed, error)
	var count *int
	switch d.Kind {
	case "END":
		step, count = svc.Complete, &res.Completed
	case "HOLD":
		step, count = svc.Expire, &res.Expired // a lapsed seat offer passes to the next in line
	case "REQEXP":
		if err := store.ExpireRequest(ctx, d.Org, d.BookingID); err != nil {
			return err
		}
		res.RequestsExpired++
		return nil
	case "PROMOTE": // BookingID is a circle's id: a seat was given up while learners wait
		offered, err := svc.PromoteWaitlist(ctx, d.Org, d.BookingID)
		if err != nil {
			return err
		}
		res.Promoted += len(offered)
		return store.ClearDue(ctx, hour, d)
	case dynamo.DueRemind, dynamo.DueLapse, dynamo.DueMail: // notifications (internal/notify)
		var done bool
		var err error
		if r, ok := dynamo.ReminderOf(d); ok {
			done, err = notify.Remind(ctx, store, r, now)
			if done {
				res.Reminders++
			}
		} else if d.Kind == dynamo.DueMail {
			done, err = notify.RetryDue(ctx, store, d, now, nil)
			if done {
				res.MailRetried++
			}
		} else {
			done = true // malformed: nothing to do
		}
		if err != nil {
			return err
		}
		if !done {
			return tandem.Errorf(tandem.EConflict, "not due yet") // kept for a later run
		}
		return store.ClearDueEntry(ctx, hour, d)
	case dynamo.DueHealth: // an org's mentorships' health, hourly (internal/mentorships)
		p, kept, err := mentorships.HealthDue(ctx, store, d, hour, now, MentorshipsPerRun-res.MentorshipsChecked)
		res.MentorshipsChecked, res.MentorshipsStalled = res.MentorshipsChecked+p.Read, res.MentorshipsStalled+p.Stalled
		if err == nil && kept {
			err = tandem.Errorf(tandem.EConflict, "no room left in this run") // kept for the next
		}
		return err
	case "OFFERED": // BookingID is the expert's id
		a, err := store.GetAvailabilityFact(ctx, d.Org, d.BookingID)
		if err != nil {
			return err // not_found: the expert withdrew their schedule; the chain ends
		}
		if err := streams.RefreshOffered(ctx, store, d.Org, a, hour); err != nil {
			return err
		}
		res.OfferedRefreshed++
		return nil
	default:
		return nil
	}
	ch, err := step(ctx, d.Org, d.BookingID)
	if err != nil {
		return err
	}
	*count++
	res.Promoted += len(ch.Offered)
	return ch.Deferred
}
