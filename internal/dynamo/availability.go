package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// availabilityItem stores an expert's schedule as one JSON document: it is always read and
// written whole, and its shape belongs to internal/availability.
type availabilityItem struct {
	PK        string   `dynamodbav:"PK"`
	SK        string   `dynamodbav:"SK"`
	Type      itemType `dynamodbav:"type"`
	Org       string   `dynamodbav:"org"`
	ExpertID  string   `dynamodbav:"expertId"`
	Schedule  string   `dynamodbav:"schedule"`
	UpdatedAt string   `dynamodbav:"updatedAt"`
}

func toAvailabilityItem(org, expertID string, sch *availability.Schedule, updated time.Time) (availabilityItem, error) {
	doc, err := json.Marshal(sch)
	if err != nil {
		return availabilityItem{}, fmt.Errorf("availability of %s: %w", expertID, err)
	}
	return availabilityItem{PK: expertPK(org, expertID), SK: skAvailability, Type: typeAvailability, Org: org,
		ExpertID: expertID, Schedule: string(doc), UpdatedAt: updated.UTC().Format(time.RFC3339)}, nil
}

// fromAvailabilityItem is the schedule with the time it was saved.
func fromAvailabilityItem(it *availabilityItem) (*AvailabilityFact, error) {
	var sch availability.Schedule
	if err := json.Unmarshal([]byte(it.Schedule), &sch); err != nil {
		return nil, fmt.Errorf("availability of %s: schedule document: %w", it.ExpertID, err)
	}
	updated, err := parseStoredTime("availability updatedAt", it.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &AvailabilityFact{ExpertID: it.ExpertID, Schedule: sch, UpdatedAt: updated}, nil
}

// busyItem is the expert's view of one live booking, kept in the expert's partition by the
// booking transactions so a slot listing reads all of an expert's busy time with one
// strongly consistent Query. HoldUntil is set while an approval-mode booking is pending;
// past it the hold no longer blocks (checked at read, never left to TTL).
type busyItem struct {
	PK           string   `dynamodbav:"PK"`
	SK           string   `dynamodbav:"SK"`
	Type         itemType `dynamodbav:"type"`
	BookingID    string   `dynamodbav:"bookingId"`
	Start        string   `dynamodbav:"start"`
	End          string   `dynamodbav:"end"`
	BufferBefore int      `dynamodbav:"bufferBeforeMin"`
	BufferAfter  int      `dynamodbav:"bufferAfterMin"`
	HoldUntil    int64    `dynamodbav:"holdUntil,omitempty"`
	ExpiresAt    int64    `dynamodbav:"expiresAt,omitempty"`
	// A circle's busy entry (circles.go) also carries its seat counter.
	CircleID      string `dynamodbav:"circleId,omitempty"`
	SessionTypeID string `dynamodbav:"sessionTypeId,omitempty"`
	Seats         int    `dynamodbav:"seats,omitempty"`
	Taken         int    `dynamodbav:"taken,omitempty"`
	Waiting       int    `dynamodbav:"waiting,omitempty"`
	Cancelled     bool   `dynamodbav:"cancelled,omitempty"`
	DayCounter    string `dynamodbav:"dayCounter,omitempty"`
	WeekCounter   string `dynamodbav:"weekCounter,omitempty"`
}

// toBusyItem is the busy entry of a one-to-one booking b (hold: its approval hold, Unix
// seconds, or 0).
func toBusyItem(b *tandem.Booking, hold int64) busyItem {
	st := b.SessionType
	return busyItem{PK: expertPK(b.OrgID, b.Expert.ID), SK: busySK(b.Start, b.ID), Type: typeBusy, BookingID: b.ID,
		Start: timeKey(b.Start), End: timeKey(b.End), BufferBefore: st.BufferBeforeMin, BufferAfter: st.BufferAfterMin,
		HoldUntil: hold, ExpiresAt: b.End.Add(60 * 24 * time.Hour).Unix()}
}

// fromBusyItem is the busy interval as the slot engine sees it at now: a lapsed hold no
// longer blocks time but still counts toward the limits.
func fromBusyItem(it *busyItem, now time.Time) (availability.Busy, error) {
	start, err := parseStoredKeyTime("busy start", it.Start)
	if err != nil {
		return availability.Busy{}, err
	}
	end, err := parseStoredKeyTime("busy end", it.End)
	if err != nil {
		return availability.Busy{}, err
	}
	lapsed := it.HoldUntil != 0 && !now.Before(time.Unix(it.HoldUntil, 0))
	return availability.Busy{Start: start, End: end, Counts: true, Free: lapsed,
		BufferBefore: time.Duration(it.BufferBefore) * time.Minute, BufferAfter: time.Duration(it.BufferAfter) * time.Minute}, nil
}

// ErrNoAvailability is returned (code not_found) when an expert has not set availability.
var errNoAvailability = tandem.Errorf(tandem.ENotFound, "The expert has not published availability yet.")

// GetAvailability returns the expert's schedule (one GetItem). Errors: not_found.
func (s *Store) GetAvailability(ctx context.Context, org, expertID string) (_ *availability.Schedule, err error) {
	defer tandem.Wrap(&err, "Store.GetAvailability(%q)", expertID)
	fact, err := s.availabilityFact(ctx, org, expertID)
	if err != nil {
		return nil, err
	}
	return &fact.Schedule, nil
}

func (s *Store) availabilityFact(ctx context.Context, org, expertID string) (*AvailabilityFact, error) {
	it, err := getItem[availabilityItem](ctx, s, pkSK(expertPK(org, expertID), skAvailability), false)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, errNoAvailability
	}
	return fromAvailabilityItem(it)
}

// PutAvailability replaces the expert's schedule (one PutItem). Validation is the caller's.
func (s *Store) PutAvailability(ctx context.Context, org, expertID string, sch *availability.Schedule) (err error) {
	defer tandem.Wrap(&err, "Store.PutAvailability(%q)", expertID)
	it, err := toAvailabilityItem(org, expertID, sch, s.now())
	if err != nil {
		return err
	}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return translate(err, "")
}

// busyLookBack is how far before a range busy intervals can still matter: the longest
// session plus buffers is under a day, and per-week limits look at the whole local week.
const busyLookBack = 8 * 24 * time.Hour

// Busy returns the expert's busy intervals starting in [from-8d, to+8d) (one Query, strongly
// consistent, all pages), leaving out the booking exceptBooking (the one being rescheduled).
// Every entry counts toward the per-day and per-week limits; a lapsed hold no longer blocks
// time (Free) but counts until the scheduler releases it, exactly as the limit counters do.
//
// The ranges of the expert's connected calendars are included (they block time, never count).
func (s *Store) Busy(ctx context.Context, org, expertID string, from, to time.Time, exceptBooking string) (_ []availability.Busy, err error) {
	busy, cal, _, err := s.busyAndCircles(ctx, org, expertID, from, to, exceptBooking)
	return append(busy, cal...), err
}

// busyAndCircles reads the busy partition: the bookings' busy entries, the connected
// calendars' ranges (calendars.go) apart, and the circles among the entries (a circle blocks
// time like any booking and is also listed for its seats).
func (s *Store) busyAndCircles(ctx context.Context, org, expertID string, from, to time.Time, exceptBooking string) (_, _ []availability.Busy, _ []tandem.Circle, err error) {
	defer tandem.Wrap(&err, "Store.Busy(%q)", expertID)
	now := s.now()
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		ConsistentRead:         aws.Bool(true),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: expertPK(org, expertID)},
			":lo": &types.AttributeValueMemberS{Value: busySK(from.Add(-busyLookBack), "")},
			":hi": &types.AttributeValueMemberS{Value: busySK(to.Add(busyLookBack), "~")},
		},
	}
	var (
		busy, cal []availability.Busy
		circles   []tandem.Circle
	)
	p := dynamodb.NewQueryPaginator(s.client, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, nil, translate(err, "")
		}
		for _, raw := range out.Items {
			var it busyItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return nil, nil, nil, err
			}
			if it.Type == typeCalBusy {
				b, err := fromCalBusy(&it)
				if err != nil {
					return nil, nil, nil, err
				}
				cal = append(cal, b)
				continue
			}
			if it.BookingID == exceptBooking && exceptBooking != "" {
				continue
			}
			if it.CircleID != "" {
				c := circleFromBusy(&it)
				c.OrgID = org
				circles = append(circles, c)
			}
			b, err := fromBusyItem(&it, now)
			if err != nil {
				return nil, nil, nil, err
			}
			busy = append(busy, b)
		}
	}
	return busy, cal, circles, nil
}

// SlotInputs is everything the slot engine needs about one expert.
type SlotInputs struct {
	Expert   *tandem.Expert
	Schedule *availability.Schedule
	Busy     []availability.Busy
	// Circles are the expert's group sessions among Busy (their counts, not their facts).
	Circles []tandem.Circle
	// CalendarBusy are the ranges of the expert's connected calendars: they block time like
	// Busy but never count toward the limits, and a booking they refuse is told so.
	CalendarBusy []availability.Busy
	// ViewerBusy are the ranges of the viewer's own connected calendars (LoadSlotInputsFor),
	// hidden from the slots the viewer sees; never part of the booking check.
	ViewerBusy []availability.Busy
}

// Blocking is every busy interval the expert's slots are listed and checked against:
// bookings and connected calendars.
func (in *SlotInputs) Blocking() []availability.Busy {
	return append(slices.Clip(in.Busy), in.CalendarBusy...)
}

// LoadSlotInputs reads the profile, the schedule and the busy intervals around [from, to)
// in parallel: one sequential round trip. Errors: not_found (expert or availability).
func (s *Store) LoadSlotInputs(ctx context.Context, org, expertID string, from, to time.Time, exceptBooking string) (*SlotInputs, error) {
	var in SlotInputs
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { in.Expert, err = s.GetExpert(gctx, org, expertID); return err })
	g.Go(func() (err error) { in.Schedule, err = s.GetAvailability(gctx, org, expertID); return err })
	g.Go(func() (err error) {
		in.Busy, in.CalendarBusy, in.Circles, err = s.busyAndCircles(gctx, org, expertID, from, to, exceptBooking)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return &in, nil
}

// GetAvailabilityFact returns the expert's schedule with the time it was saved (one
// GetItem), as the stream consumer sees it. Errors: not_found.
func (s *Store) GetAvailabilityFact(ctx context.Context, org, expertID string) (_ *AvailabilityFact, err error) {
	defer tandem.Wrap(&err, "Store.GetAvailabilityFact(%q)", expertID)
	return s.availabilityFact(ctx, org, expertID)
}

// ScheduleOfferedRefresh asks the scheduler to recompute the expert's offered minutes in the
// hour of at (a due entry of kind OFFERED, keyed by the expert: writing it again is harmless).
func (s *Store) ScheduleOfferedRefresh(ctx context.Context, org, expertID string, at time.Time) (err error) {
	defer tandem.Wrap(&err, "Store.ScheduleOfferedRefresh(%q)", expertID)
	av, err := attributevalue.MarshalMap(toDueItem(at, org, expertID, "OFFERED"))
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return translate(err, "")
}
