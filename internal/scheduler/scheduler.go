// Package scheduler is the periodic housekeeping of bookings, run by SchedulerFunction on an
// EventBridge schedule: it completes confirmed sessions that have ended and expires approval
// requests whose hold has passed. It finds them through the hourly due entries the booking
// transactions write (no Scan), and changes each through the store's ordinary conditional
// transition, so it is safe to run twice or alongside people using the app. Reads never wait
// for it: an ended hold is already shown as expired and no longer blocks time.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// LookBack is how many hours back each run looks, so missed runs catch up.
const LookBack = 48

// Result counts what a run did.
type Result struct {
	Completed int `json:"completed"`
	Expired   int `json:"expired"`
	Skipped   int `json:"skipped"`
}

// Run processes the due entries of the last LookBack hours up to now.
func Run(ctx context.Context, store *dynamo.Store, now time.Time) (Result, error) {
	var res Result
	var errs []error
	for h := LookBack; h >= 0; h-- {
		due, err := store.DueIn(ctx, now.Add(-time.Duration(h)*time.Hour))
		if err != nil {
			return res, err
		}
		for _, d := range due {
			switch err := process(ctx, store, d, &res); tandem.ErrorCode(err) {
			case "":
			case tandem.EConflict, tandem.ENotFound:
				res.Skipped++ // not due yet, or someone else already moved it on
			default:
				errs = append(errs, fmt.Errorf("booking %s/%s: %w", d.Org, d.BookingID, err))
			}
		}
	}
	return res, errors.Join(errs...)
}

func process(ctx context.Context, store *dynamo.Store, d dynamo.Due, res *Result) error {
	var step func(b *tandem.Booking, now time.Time) error
	var count *int
	switch d.Kind {
	case "END":
		step, count = (*tandem.Booking).Complete, &res.Completed
	case "HOLD":
		step, count = (*tandem.Booking).Expire, &res.Expired
	default:
		return nil
	}
	if _, err := store.UpdateBooking(ctx, d.Org, d.BookingID, dynamo.Change{Apply: step}); err != nil {
		return err
	}
	*count++
	return nil
}
