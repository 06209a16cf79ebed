package dynamo

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
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
	batches := make(chan []types.WriteRequest)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				for attempt := 0; len(batch) > 0; attempt++ {
					out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{s.table: batch}})
					if err != nil {
						errs <- translate(err, "")
						return
					}
					batch = out.UnprocessedItems[s.table]
					if len(batch) > 0 {
						time.Sleep(time.Duration(10*(attempt+1)) * time.Millisecond)
					}
				}
			}
		}()
	}
	for i := 0; i < len(reqs); i += 25 {
		select {
		case batches <- reqs[i:min(i+25, len(reqs))]:
		case err := <-errs:
			close(batches)
			wg.Wait()
			return err
		}
	}
	close(batches)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}
