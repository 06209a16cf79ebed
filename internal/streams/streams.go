// Package streams is the table's stream consumer (StreamsFunction): it keeps HR's aggregates
// (internal/analytics) current from booking, feedback, request, availability, mentorship and
// check-in changes.
//
// Delivery is at least once, in any order across items, and the records of one transaction
// may arrive apart. Every change is applied as contribution(new) − contribution(old) in one
// transaction with a marker item keyed by the item and its version, so a redelivered record
// changes nothing and any order gives the same sums. Facts that are not differences — a
// learner's first completed session in a month, a pair's first session ever — have markers
// of their own. A failing record is reported in batchItemFailures by its sequence number, so
// Lambda retries from it; Poller delivers records locally with the same semantics.
package streams

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Handler is the Lambda handler: it processes the batch in order and reports the first
// failed record by its sequence number (dynamodb.SequenceNumber), which is what Lambda's
// ReportBatchItemFailures reads for a stream: it checkpoints before that record and retries
// the batch from there (every step is idempotent). An eventID there would not name any
// record of the batch, and Lambda would retry the whole batch instead.
func Handler(store *dynamo.Store, log *slog.Logger) HandlerFunc {
	return HandlerWith(store, log, nil)
}

// BookingHook is told every booking change after the aggregates took it (the new image;
// never an imported one): the write-back into connected calendars (internal/connections).
// It must be idempotent like every step here; an error retries the record.
type BookingHook func(ctx context.Context, b *tandem.Booking) error

// HandlerWith is Handler with a hook for booking changes (nil: none).
func HandlerWith(store *dynamo.Store, log *slog.Logger, hook BookingHook) HandlerFunc {
	log = obs.Ensure(log) // redacted and captured like every logger (internal/obs)
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		for _, rec := range ev.Records {
			if err := ProcessWith(ctx, store, rec, hook); err != nil {
				log.ErrorContext(ctx, "stream record failed", slog.String("sequenceNumber", rec.Change.SequenceNumber),
					slog.String("eventId", rec.EventID), slog.String("error", err.Error()))
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
				break
			}
		}
		return resp, nil
	}
}

// HandlerFunc is the shape of a DynamoDB stream handler with partial batch responses.
type HandlerFunc func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// Process applies one stream record to the aggregates.
func Process(ctx context.Context, store *dynamo.Store, rec events.DynamoDBEventRecord) error {
	return ProcessWith(ctx, store, rec, nil)
}

// ProcessWith is Process that then tells hook of a booking change.
func ProcessWith(ctx context.Context, store *dynamo.Store, rec events.DynamoDBEventRecord, hook BookingHook) error {
	c, err := dynamo.DecodeStreamRecord(rec)
	if err != nil {
		return err
	}
	switch c.Kind {
	case "booking":
		if err := booking(ctx, store, c); err != nil || hook == nil || c.NewBooking == nil || c.Imported {
			return err
		}
		return hook(ctx, c.NewBooking)
	case "feedback":
		old, nw := c.OldFeedback, c.NewFeedback
		if nw == nil {
			return nil
		}
		_, err := store.ApplyStep(ctx, dynamo.AggStep{Org: c.Org, Marker: "F#" + nw.Feedback.BookingID + "#v" + strconv.FormatInt(nw.Feedback.Version, 10),
			Adds: minus(feedbackContribution(nw), feedbackContribution(old))})
		return err
	case "request":
		return request(ctx, store, c)
	case "availability":
		return offered(ctx, store, c)
	case "mentorship":
		return mentorship(ctx, store, c)
	case "checkIn":
		return checkIn(ctx, store, c)
	}
	return nil
}

func booking(ctx context.Context, store *dynamo.Store, c *dynamo.StreamChange) error {
	nw, old := c.NewBooking, c.OldBooking
	if nw == nil || c.Imported {
		return nil // bookings are never deleted; imported history is counted by Import
	}
	marker := "B#" + nw.ID + "#v" + strconv.FormatInt(nw.Version, 10)
	if adds := minus(bookingContribution(nw), bookingContribution(old)); len(adds) > 0 {
		if _, err := store.ApplyStep(ctx, dynamo.AggStep{Org: c.Org, Marker: marker, Adds: adds}); err != nil {
			return err
		}
	}
	if nw.Status != tandem.StatusCompleted || (old != nil && old.Status == tandem.StatusCompleted) {
		return nil
	}
	if err := heldSession(ctx, store, c.Org, nw); err != nil { // a mentorship's session held (mentorships.go)
		return err
	}
	// First completed session facts: exact distinct counts through their own markers.
	month := dynamo.MonthOf(nw.Start)
	// The count and the learner's key in the month's set go together, once.
	one, learner := map[string]int64{"activeLearners": 1}, []int64{analytics.LearnerKey(nw.Learner.ID)}
	steps := []dynamo.AggStep{
		{Org: c.Org, Marker: "SEEN#" + month + "#L#" + nw.Learner.ID, Adds: []dynamo.AggAdd{
			{Month: month, Group: orgGroup(), Fields: one, Learners: learner},
			{Month: month, Group: deptGroup(nw.Learner.Department), Fields: one, Learners: learner}}},
		{Org: c.Org, Marker: "SEEN#" + month + "#E#" + nw.Expert.ID + "#L#" + nw.Learner.ID, Adds: []dynamo.AggAdd{
			{Month: month, Group: expertGroup(nw.Expert), Fields: one, Learners: learner}}},
	}
	for _, st := range steps {
		if _, err := store.ApplyStep(ctx, st); err != nil {
			return err
		}
	}
	ties := []analytics.Group{orgGroup(), deptGroup(nw.Learner.Department), expertGroup(nw.Expert)}
	return store.RecordTie(ctx, c.Org, nw.Learner.ID, nw.Expert.ID, month, ties)
}

func request(ctx context.Context, store *dynamo.Store, c *dynamo.StreamChange) error {
	nw, old := c.NewRequest, c.OldRequest
	if nw == nil {
		return nil
	}
	adds := minus(requestContribution(nw), requestContribution(old))
	if !nw.MatchedAt.IsZero() && (old == nil || old.MatchedAt.IsZero()) {
		minutes := int64(nw.MatchedAt.Sub(nw.CreatedAt) / time.Minute)
		month := dynamo.MonthOf(nw.CreatedAt)
		for _, g := range []analytics.Group{orgGroup(), deptGroup(nw.LearnerDepartment)} {
			adds = append(adds, dynamo.AggAdd{Month: month, Group: g, Append: []int64{minutes}})
		}
	}
	if len(adds) == 0 {
		return nil
	}
	_, err := store.ApplyStep(ctx, dynamo.AggStep{Org: c.Org, Marker: "R#" + nw.ID + "#v" + strconv.FormatInt(nw.Version, 10), Adds: adds})
	return err
}

// offered recomputes the expert's offered minutes (availability minus time off) around the
// change: see RefreshOffered.
func offered(ctx context.Context, store *dynamo.Store, c *dynamo.StreamChange) error {
	a := c.Availability
	at := a.UpdatedAt // the store's clock when the schedule was saved (tandem dev -now moves it)
	if at.IsZero() {
		at = c.At
	}
	return RefreshOffered(ctx, store, c.Org, a, at)
}

// RefreshOffered sets the expert's offered minutes for the month of at, the month before and
// the two after, and asks the scheduler to do it again when the next month begins: a
// schedule nobody touches for a year still has its offered hours counted every month.
func RefreshOffered(ctx context.Context, store *dynamo.Store, org string, a *dynamo.AvailabilityFact, at time.Time) error {
	month := time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC)
	if err := SetOfferedMonths(ctx, store, org, a, month.AddDate(0, -1, 0), month.AddDate(0, 3, 0)); err != nil {
		return err
	}
	return store.ScheduleOfferedRefresh(ctx, org, a.ExpertID, month.AddDate(0, 1, 0))
}

// SetOfferedMonths sets the expert's offered minutes from schedule a for every month from
// from's through the one before to's (first days of months, UTC). An older schedule never
// overwrites what a newer one set (SetOffered's condition on a.UpdatedAt).
func SetOfferedMonths(ctx context.Context, store *dynamo.Store, org string, a *dynamo.AvailabilityFact, from, to time.Time) error {
	expert := analytics.Group{Kind: "expert", Key: a.ExpertID}
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		open, err := availability.Open(a.Schedule, m, m.AddDate(0, 1, 0))
		if err != nil {
			return fmt.Errorf("offered minutes of %s: %w", a.ExpertID, err)
		}
		var minutes int64
		for _, s := range open {
			minutes += int64(s.End.Sub(s.Start) / time.Minute)
		}
		if err := store.SetOffered(ctx, org, dynamo.MonthOf(m), expert, minutes, a.UpdatedAt); err != nil {
			return err
		}
	}
	return nil
}
