package dynamo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Due is a booking whose end (Kind "END") or approval hold (Kind "HOLD") falls in an hour.
type Due struct {
	Org       string
	BookingID string
	Kind      string
	// Notifications' entries (notifications.go): the user, the e-mail attempt, a reminder's
	// lead in minutes and the session start it was made for (keyTime).
	UserID  string
	Attempt int
	Lead    int
	Start   string
	sk      string
}

// DueIn lists the due entries of the UTC hour containing at (one Query per page).
func (s *Store) DueIn(ctx context.Context, at time.Time) (_ []Due, err error) {
	defer tandem.Wrap(&err, "Store.DueIn(%s)", duePK(at))
	items, err := queryAll[dueItem](ctx, s.client, &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(duePK(at))},
	}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Due, 0, len(items))
	for i := range items {
		out = append(out, fromDueItem(&items[i]))
	}
	return out, nil
}

// dueItem is one due entry: the booking (or circle, request, expert) whose time comes in the
// hour of its partition; the kind is the last part of its sort key.
type dueItem struct {
	PK        string   `dynamodbav:"PK"`
	SK        string   `dynamodbav:"SK"`
	Type      itemType `dynamodbav:"type"`
	Org       string   `dynamodbav:"org"`
	BookingID string   `dynamodbav:"bookingId"`
	UserID    string   `dynamodbav:"userId,omitempty"`
	Attempt   int      `dynamodbav:"attempt,omitempty"`
	Lead      int      `dynamodbav:"lead,omitempty"`
	Start     string   `dynamodbav:"start,omitempty"`
}

// toDueItem is the due entry of kind ("END", "HOLD", "PROMOTE", "REQEXP", "OFFERED") for id
// in the hour of at.
func toDueItem(at time.Time, org, id, kind string) dueItem {
	return dueItem{PK: duePK(at), SK: dueSK(org, id, kind), Type: typeDue, Org: org, BookingID: id}
}

func fromDueItem(it *dueItem) Due {
	return Due{Org: it.Org, BookingID: it.BookingID, Kind: it.SK[strings.LastIndex(it.SK, "#")+1:],
		UserID: it.UserID, Attempt: it.Attempt, Lead: it.Lead, Start: it.Start, sk: it.SK}
}

// watermarkItem remembers up to which hour the scheduler has processed due entries, so a
// run after an outage catches up on every hour it missed.
type watermarkItem struct {
	PK   string   `dynamodbav:"PK"`
	SK   string   `dynamodbav:"SK"`
	Type itemType `dynamodbav:"type"`
	Hour string   `dynamodbav:"hour"`
}

func toWatermarkItem(hour time.Time) watermarkItem {
	return watermarkItem{PK: pkScheduler, SK: skWatermark, Type: typeWatermark, Hour: timeKey(hour)}
}

func fromWatermarkItem(it *watermarkItem) (time.Time, error) {
	t, err := time.Parse(keyTime, it.Hour)
	if err != nil {
		return time.Time{}, fmt.Errorf("scheduler watermark: hour %q: %w", it.Hour, err)
	}
	return t, nil
}

// SchedulerWatermark returns the start of the last hour the scheduler finished, or the zero
// time if it never ran.
func (s *Store) SchedulerWatermark(ctx context.Context) (_ time.Time, err error) {
	defer tandem.Wrap(&err, "Store.SchedulerWatermark")
	it, err := getItem[watermarkItem](ctx, s, pkSK(pkScheduler, skWatermark), true)
	if err != nil || it == nil {
		return time.Time{}, err
	}
	return fromWatermarkItem(it)
}

// SetSchedulerWatermark records that every hour before hour has been processed.
func (s *Store) SetSchedulerWatermark(ctx context.Context, hour time.Time) (err error) {
	defer tandem.Wrap(&err, "Store.SetSchedulerWatermark")
	av, err := attributevalue.MarshalMap(toWatermarkItem(hour))
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return translate(err, "")
}
