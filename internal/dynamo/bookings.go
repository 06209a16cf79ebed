package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// bookingItem is the stored booking. GSI1 lists an expert's bookings by start, GSI2 a
// learner's. Counter keys remember which limit counters the booking incremented, so every
// release decrements exactly those.
type bookingItem struct {
	PK            string          `dynamodbav:"PK"`
	SK            string          `dynamodbav:"SK"`
	GSI1PK        string          `dynamodbav:"GSI1PK"`
	GSI1SK        string          `dynamodbav:"GSI1SK"`
	GSI2PK        string          `dynamodbav:"GSI2PK"`
	GSI2SK        string          `dynamodbav:"GSI2SK"`
	Type          itemType        `dynamodbav:"type"`
	ID            string          `dynamodbav:"id"`
	Org           string          `dynamodbav:"org"`
	Expert        partyItem       `dynamodbav:"expert"`
	Learner       partyItem       `dynamodbav:"learner"`
	SessionType   sessionTypeItem `dynamodbav:"sessionType"`
	Start         string          `dynamodbav:"start"`
	End           string          `dynamodbav:"end"`
	Status        string          `dynamodbav:"status"`
	Note          string          `dynamodbav:"note,omitempty"`
	RequestID     string          `dynamodbav:"requestId,omitempty"`
	MeetingURL    string          `dynamodbav:"meetingUrl,omitempty"`
	HoldUntil     int64           `dynamodbav:"holdUntil,omitempty"`
	Reschedules   int             `dynamodbav:"reschedules"`
	Sequence      int             `dynamodbav:"sequence"`
	CancelledBy   string          `dynamodbav:"cancelledBy,omitempty"`
	CancelReason  string          `dynamodbav:"cancelReason,omitempty"`
	LateCancel    bool            `dynamodbav:"lateCancel,omitempty"`
	NoShow        string          `dynamodbav:"noShow,omitempty"`
	DayCounter    string          `dynamodbav:"dayCounter,omitempty"`
	WeekCounter   string          `dynamodbav:"weekCounter,omitempty"`
	ActiveCounted bool            `dynamodbav:"activeCounted,omitempty"`
	// CircleID names the group session a seat belongs to (circles.go); Offer marks a seat
	// offered from its waitlist, which the learner confirms.
	CircleID string `dynamodbav:"circleId,omitempty"`
	Offer    bool   `dynamodbav:"offer,omitempty"`
	// What the booking drew from the org's coaching budget (see budget.go), for the refund.
	BudgetPeriod     string `dynamodbav:"budgetPeriod,omitempty"`
	BudgetDepartment string `dynamodbav:"budgetDepartment,omitempty"`
	BudgetMin        int    `dynamodbav:"budgetMin,omitempty"`
	// BudgetParts says which shards it was drawn on ("7:30,2:30|7:60": shard:minutes for the
	// org, then the department); empty for a draw from before the shards.
	BudgetParts string `dynamodbav:"budgetParts,omitempty"`
	CreatedAt   string `dynamodbav:"createdAt"`
	UpdatedAt   string `dynamodbav:"updatedAt"`
	Version     int64  `dynamodbav:"version"`
	// Imported marks history written by the bulk path, whose aggregates the bulk path
	// computes itself (the stream consumer skips its inserts).
	Imported bool `dynamodbav:"imported,omitempty"`
	// IdemHash is the body hash of the request whose Idempotency-Key made the booking (its id
	// derives from the key, so the booking is the key's idempotency record: booktx.go).
	// Answered is what that request was answered, kept by the first change after it (until
	// then the item itself is): a replay answers it, however the booking changed since.
	IdemHash string        `dynamodbav:"idemHash,omitempty"`
	Answered *answeredItem `dynamodbav:"answered,omitempty"`
}

// answeredItem is the part of a booking that changes after it is made, as it was made.
type answeredItem struct {
	Status       string `dynamodbav:"status"`
	Start        string `dynamodbav:"start"`
	End          string `dynamodbav:"end"`
	HoldUntil    int64  `dynamodbav:"holdUntil,omitempty"`
	MeetingURL   string `dynamodbav:"meetingUrl,omitempty"`
	Reschedules  int    `dynamodbav:"reschedules,omitempty"`
	CancelledBy  string `dynamodbav:"cancelledBy,omitempty"`
	CancelReason string `dynamodbav:"cancelReason,omitempty"`
	LateCancel   bool   `dynamodbav:"lateCancel,omitempty"`
	NoShow       string `dynamodbav:"noShow,omitempty"`
	Offer        bool   `dynamodbav:"offer,omitempty"`
	UpdatedAt    string `dynamodbav:"updatedAt"`
}

// answered is what a change of the booking keeps of how it was answered: the item as it is,
// the first time (nothing changed it before), else what the first change kept.
func (it *bookingItem) answered() *answeredItem {
	if it.IdemHash == "" || it.Answered != nil {
		return it.Answered
	}
	return &answeredItem{Status: it.Status, Start: it.Start, End: it.End, HoldUntil: it.HoldUntil, MeetingURL: it.MeetingURL,
		Reschedules: it.Reschedules, CancelledBy: it.CancelledBy, CancelReason: it.CancelReason, LateCancel: it.LateCancel,
		NoShow: it.NoShow, Offer: it.Offer, UpdatedAt: it.UpdatedAt}
}

// asAnswered is the booking as its request was answered.
func (it *bookingItem) asAnswered() *tandem.Booking {
	a := *it
	if r := it.Answered; r != nil {
		a.Status, a.Start, a.End, a.HoldUntil, a.MeetingURL, a.UpdatedAt = r.Status, r.Start, r.End, r.HoldUntil, r.MeetingURL, r.UpdatedAt
		a.Reschedules, a.CancelledBy, a.CancelReason, a.LateCancel, a.NoShow, a.Offer = r.Reschedules, r.CancelledBy, r.CancelReason, r.LateCancel, r.NoShow, r.Offer
	}
	return a.toDomain()
}

// partyItem is a stored tandem.Party (an expert or learner as a booking, circle or waitlist
// place names them). Its attribute names are the Go field names the first items were stored
// with: existing items and the stream consumer depend on them.
type partyItem struct {
	ID         string `dynamodbav:"ID"`
	Name       string `dynamodbav:"Name"`
	Email      string `dynamodbav:"Email"`
	Department string `dynamodbav:"Department"`
}

func toPartyItem(p tandem.Party) partyItem { return partyItem(p) }

func (it partyItem) toDomain() tandem.Party { return tandem.Party(it) }

// bookingItemFrom and toDomain are the one place a booking is converted. bookingItemFrom
// stamps the booking's times and next version (on b too, as written).
func bookingItemFrom(b *tandem.Booking, now time.Time) bookingItem {
	if b.CreatedAt.IsZero() {
		b.CreatedAt = now.UTC().Truncate(time.Second)
	}
	b.UpdatedAt = now.UTC().Truncate(time.Second)
	it := bookingItem{
		PK: bookingPK(b.OrgID, b.ID), SK: skBooking,
		GSI1PK: expertBookingsPK(b.OrgID, b.Expert.ID), GSI1SK: bookingIndexSK(b.End, b.ID),
		GSI2PK: learnerBookingsPK(b.OrgID, b.Learner.ID), GSI2SK: bookingIndexSK(b.End, b.ID),
		Type: typeBooking, ID: b.ID, Org: b.OrgID, Expert: toPartyItem(b.Expert), Learner: toPartyItem(b.Learner),
		SessionType: toSessionTypeItem(b.SessionType), Start: timeKey(b.Start), End: timeKey(b.End), Status: string(b.Status),
		Note: b.Note, RequestID: b.RequestID, MeetingURL: b.MeetingURL, Reschedules: b.Reschedules, Sequence: b.Sequence,
		CancelledBy: b.CancelledBy, CancelReason: b.CancelReason, LateCancel: b.LateCancel, NoShow: b.NoShow,
		CircleID: b.CircleID, Offer: b.Offer,
		CreatedAt: b.CreatedAt.Format(time.RFC3339), UpdatedAt: b.UpdatedAt.Format(time.RFC3339), Version: b.Version + 1,
	}
	if b.Status == tandem.StatusPending && !b.HoldUntil.IsZero() {
		it.HoldUntil = b.HoldUntil.Unix()
	}
	b.Version = it.Version
	return it
}

func (it *bookingItem) toDomain() *tandem.Booking {
	b := &tandem.Booking{
		ID: it.ID, OrgID: it.Org, Expert: it.Expert.toDomain(), Learner: it.Learner.toDomain(), SessionType: it.SessionType.toDomain(),
		Start: parseKeyTime(it.Start), End: parseKeyTime(it.End), Status: tandem.BookingStatus(it.Status),
		Note: it.Note, RequestID: it.RequestID, MeetingURL: it.MeetingURL, Reschedules: it.Reschedules,
		Sequence: it.Sequence, CancelledBy: it.CancelledBy, CancelReason: it.CancelReason,
		LateCancel: it.LateCancel, NoShow: it.NoShow, CircleID: it.CircleID, Offer: it.Offer, Version: it.Version,
	}
	if it.HoldUntil != 0 {
		b.HoldUntil = time.Unix(it.HoldUntil, 0).UTC()
	}
	b.CreatedAt, _ = time.Parse(time.RFC3339, it.CreatedAt)
	b.UpdatedAt, _ = time.Parse(time.RFC3339, it.UpdatedAt)
	return b
}

func parseKeyTime(s string) time.Time {
	t, _ := time.Parse(keyTime, s)
	return t
}

// GetBooking returns the booking (one strongly consistent GetItem). Errors: not_found.
func (s *Store) GetBooking(ctx context.Context, org, id string) (_ *tandem.Booking, err error) {
	defer tandem.Wrap(&err, "Store.GetBooking(%q)", id)
	it, err := s.getBookingItem(ctx, org, id)
	if err != nil {
		return nil, err
	}
	return it.toDomain(), nil
}

func (s *Store) getBookingItem(ctx context.Context, org, id string) (*bookingItem, error) {
	it, err := getFound[bookingItem](ctx, s, pkSK(bookingPK(org, id), skBooking), true, "No booking with this id.")
	if err == nil && it.Type != typeBooking { // a waitlist place's answer in its key's booking's place (booktx.go)
		return nil, tandem.Errorf(tandem.ENotFound, "No booking with this id.")
	}
	return it, err
}

// BookingQuery selects one participant's bookings.
type BookingQuery struct {
	UserID   string
	AsExpert bool // false: as learner
	Upcoming bool // true: end ≥ now, soonest first; false: end < now, latest first
	Cursor   string
	Limit    int
}

// BookingPage is a page of bookings; Cursor is empty on the last page.
type BookingPage struct {
	Bookings []*tandem.Booking
	Cursor   string
}

// ListBookings runs one Query on GSI1 (as expert) or GSI2 (as learner) per page. Upcoming
// means the session has not ended yet. Errors: invalid (cursor).
func (s *Store) ListBookings(ctx context.Context, org string, q BookingQuery) (_ *BookingPage, err error) {
	defer tandem.Wrap(&err, "Store.ListBookings")
	index, pkName, skName, partition := "GSI2", "GSI2PK", "GSI2SK", learnerBookingsPK(org, q.UserID)
	if q.AsExpert {
		index, pkName, skName, partition = "GSI1", "GSI1PK", "GSI1SK", expertBookingsPK(org, q.UserID)
	}
	now := timeKey(s.now()) // one instant for the cursor's range and the key condition
	side, when := "learner", "past"
	if q.AsExpert {
		side = "expert"
	}
	l := listing{org: org, pkName: pkName, skName: skName, partition: partition, before: now}
	if q.Upcoming {
		when, l.from, l.before = "upcoming", now, ""
	}
	l.name = "bookings/" + side + "/" + when
	start, err := l.decode(ctx, q.Cursor)
	if err != nil {
		return nil, err
	}
	op := ">="
	if !q.Upcoming {
		op = "<"
	}
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{
		TableName:              &s.table,
		IndexName:              aws.String(index),
		KeyConditionExpression: aws.String(pkName + " = :p AND " + skName + " " + op + " :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p":   &types.AttributeValueMemberS{Value: partition},
			":now": &types.AttributeValueMemberS{Value: now},
		},
		ScanIndexForward:  aws.Bool(q.Upcoming),
		ExclusiveStartKey: start,
		Limit:             aws.Int32(int32(q.Limit)),
	})
	if err != nil {
		return nil, translate(err, "")
	}
	bookings, err := fromItems(out.Items, bookingOf)
	if err != nil {
		return nil, err
	}
	return &BookingPage{Bookings: bookings, Cursor: l.encode(ctx, out.LastEvaluatedKey)}, nil
}

// ListUserBookings returns up to 500 of the user's bookings (as expert and as learner) that
// end after since, for the calendar feed: two Queries run in parallel.
func (s *Store) ListUserBookings(ctx context.Context, org, userID string, since time.Time) (_ []*tandem.Booking, err error) {
	defer tandem.Wrap(&err, "Store.ListUserBookings(%q)", userID)
	sides := [2]struct{ index, pkName, skName, partition string }{
		{"GSI1", "GSI1PK", "GSI1SK", expertBookingsPK(org, userID)},
		{"GSI2", "GSI2PK", "GSI2SK", learnerBookingsPK(org, userID)},
	}
	var lists [2][]*tandem.Booking
	g, gctx := errgroup.WithContext(ctx)
	for i, side := range sides {
		g.Go(func() error {
			out, err := s.client.Query(gctx, &dynamodb.QueryInput{
				TableName: &s.table, IndexName: aws.String(side.index),
				KeyConditionExpression: aws.String(side.pkName + " = :p AND " + side.skName + " >= :since"),
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":p":     &types.AttributeValueMemberS{Value: side.partition},
					":since": &types.AttributeValueMemberS{Value: timeKey(since)},
				},
				Limit: aws.Int32(250),
			})
			if err != nil {
				return translate(err, "")
			}
			lists[i], err = fromItems(out.Items, bookingOf)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return append(lists[0], lists[1]...), nil
}

// bookingOf converts a stored booking, for fromItems and queryAll callers.
func bookingOf(it *bookingItem) (*tandem.Booking, error) { return it.toDomain(), nil }
