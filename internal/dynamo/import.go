package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// ImportBookings writes past bookings in bulk (BatchWriteItem, 25 per call, a few calls in
// parallel): history for demos and scale tests. Only the booking items are written: the
// sessions are over, so they hold no cells or busy time. They are marked imported; the
// caller accounts for their aggregates (internal/streams.Import).
func (s *Store) ImportBookings(ctx context.Context, bookings []*tandem.Booking) (err error) {
	defer tandem.Wrap(&err, "Store.ImportBookings(%d)", len(bookings))
	now := s.now()
	var reqs []types.WriteRequest
	for _, b := range bookings {
		it := bookingItemFrom(b, now)
		it.Imported = true
		av, err := attributevalue.MarshalMap(it)
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := 0; i < len(reqs); i += 25 {
		batch := reqs[i:min(i+25, len(reqs))]
		g.Go(func() error {
			for attempt := 0; len(batch) > 0; attempt++ {
				out, err := s.client.BatchWriteItem(gctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{s.table: batch}})
				if err != nil {
					return translate(err, "")
				}
				batch = out.UnprocessedItems[s.table]
				if len(batch) > 0 {
					time.Sleep(time.Duration(10*(attempt+1)) * time.Millisecond)
				}
			}
			return nil
		})
	}
	return g.Wait()
}
