package streams_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/streams"
)

// records makes stream records with the given sequence numbers (and eventIDs that differ
// from them, as in AWS).
func records(seqs ...string) []events.DynamoDBEventRecord {
	out := make([]events.DynamoDBEventRecord, len(seqs))
	for i, s := range seqs {
		out[i] = events.DynamoDBEventRecord{EventID: "evt-" + s, Change: events.DynamoDBStreamRecord{SequenceNumber: s}}
	}
	return out
}

func seqsOf(recs []events.DynamoDBEventRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Change.SequenceNumber
	}
	return out
}

func failed(ids ...string) events.DynamoDBEventResponse {
	var resp events.DynamoDBEventResponse
	for _, id := range ids {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: id})
	}
	return resp
}

func TestCheckpointReadsSequenceNumbers(t *testing.T) {
	batch := records("900", "1000", "1100", "1200")
	tests := []struct {
		name     string
		resp     events.DynamoDBEventResponse
		err      error
		done     int
		complete bool // a complete failure
	}{
		{name: "success", done: 4},
		{name: "one failure", resp: failed("1100"), done: 2},
		{name: "the lowest sequence number wins, compared as numbers", resp: failed("1100", "900"), done: 0},
		{name: "the lowest of two later ones", resp: failed("1200", "1000"), done: 1},
		{name: "an eventID is not a sequence number", resp: failed("evt-1100"), complete: true},
		{name: "an empty identifier", resp: failed(""), complete: true},
		{name: "a sequence number of another batch", resp: failed("1300"), complete: true},
		{name: "a function error", err: errors.New("boom"), complete: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done, ok, reason := streams.Checkpoint(batch, tt.resp, tt.err)
			if ok == tt.complete || done != tt.done {
				t.Errorf("Checkpoint = %d, ok %v (%s); want %d, complete failure %v", done, ok, reason, tt.done, tt.complete)
			}
		})
	}
}

// TestPollerRetriesFromTheFailedSequenceNumber: a batch whose third record fails once is
// retried from that record, as Lambda does with ReportBatchItemFailures; the records before
// it are not delivered again, and later batches follow.
func TestPollerRetriesFromTheFailedSequenceNumber(t *testing.T) {
	var calls [][]string
	failOnce := map[string]bool{"300": true}
	handle := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		calls = append(calls, seqsOf(ev.Records))
		for _, r := range ev.Records {
			if failOnce[r.Change.SequenceNumber] {
				delete(failOnce, r.Change.SequenceNumber)
				return failed(r.Change.SequenceNumber), nil
			}
		}
		return events.DynamoDBEventResponse{}, nil
	}
	p := streams.NewPoller(handle, streams.Delivery{BatchSize: 4, MaxRetries: 5}, nil)
	p.Add(records("100", "200", "300", "400", "500", "600")...)
	if err := p.Deliver(context.Background()); !errors.Is(err, streams.ErrRetry) {
		t.Fatalf("first Deliver = %v, want ErrRetry", err)
	}
	if got := seqsOf(p.Pending()); !slices.Equal(got, []string{"300", "400", "500", "600"}) {
		t.Fatalf("pending after the failure = %v, want from 300 on", got)
	}
	if err := p.Deliver(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"100", "200", "300", "400"}, {"300", "400", "500", "600"}}
	if !slices.EqualFunc(calls, want, slices.Equal) {
		t.Errorf("batches = %v, want %v", calls, want)
	}
}

func TestPollerGivesUpAfterMaxRetriesAndBisects(t *testing.T) {
	var calls [][]string
	handle := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		calls = append(calls, seqsOf(ev.Records))
		if slices.Contains(seqsOf(ev.Records), "2") {
			return events.DynamoDBEventResponse{}, errors.New("crash")
		}
		return events.DynamoDBEventResponse{}, nil
	}
	p := streams.NewPoller(handle, streams.Delivery{BatchSize: 4, MaxRetries: 2, Bisect: true}, nil)
	p.Add(records("1", "2", "3", "4", "5")...)
	for range 10 {
		if p.Deliver(context.Background()) == nil {
			break
		}
	}
	// Function errors halve the batch until the bad record is isolated: 1 succeeds alone,
	// then the batches from 2 fail until 2 alone has failed more than twice since the
	// checkpoint last moved; it is given up and 3, 4 and 5 follow in one batch.
	want := [][]string{{"1", "2", "3", "4"}, {"1", "2"}, {"1"}, {"2", "3", "4", "5"}, {"2", "3"}, {"2"}, {"3", "4", "5"}}
	if !slices.EqualFunc(calls, want, slices.Equal) || len(p.Pending()) != 0 {
		t.Errorf("batches = %v, pending %v; want %v", calls, seqsOf(p.Pending()), want)
	}
}

// TestHandlerReportsSequenceNumbers: the real handler, on a batch whose second record cannot
// be decoded, reports that record by its dynamodb.SequenceNumber (not its eventID), and the
// poller retries the batch from there: after the record is put right the aggregates count
// every record exactly once.
func TestHandlerReportsSequenceNumbers(t *testing.T) {
	tpl, err := samtemplate.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	var batch []events.DynamoDBEventRecord
	for _, name := range []string{"booking-created.json", "booking-completed.json", "feedback-given.json"} {
		raw, err := os.ReadFile(filepath.Join(filepath.Dir(tpl), "events", "streams", name))
		if err != nil {
			t.Fatal(err)
		}
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		batch = append(batch, ev.Records...)
	}
	for i := range batch { // as in AWS: long decimal strings, unlike the eventIDs
		batch[i].Change.SequenceNumber = fmt.Sprintf("442158450000000001745043%04d", 9091+i)
	}
	good := batch[1]
	broken := good
	broken.Change.NewImage = maps.Clone(good.Change.NewImage)
	broken.Change.NewImage["expert"] = events.NewNumberAttribute("1") // not a party: cannot be decoded

	cfg := dynamotest.Config(t, dynamotest.Options{})
	store, err := dynamo.New(context.Background(), cfg) // reads the result; records nothing
	if err != nil {
		t.Fatal(err)
	}
	handle := streams.Handler(functionStore(t, cfg), quiet)
	attempts := 0
	p := streams.NewPoller(func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		attempts++
		if attempts == 1 {
			ev.Records = slices.Clone(ev.Records)
			ev.Records[1] = broken
			resp, err := handle(ctx, ev)
			if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != broken.Change.SequenceNumber {
				t.Errorf("response = %+v, %v; want the broken record's sequence number %s", resp, err, broken.Change.SequenceNumber)
			}
			return resp, err
		}
		if got := ev.Records[0].Change.SequenceNumber; got != good.Change.SequenceNumber {
			t.Errorf("retry starts at %s, want the failed record %s", got, good.Change.SequenceNumber)
		}
		return handle(ctx, ev) // the cause went away (a transient failure)
	}, streams.Delivery{BatchSize: 100, MaxRetries: 5}, quiet)
	p.Add(batch...)
	if err := p.Deliver(context.Background()); !errors.Is(err, streams.ErrRetry) || len(p.Pending()) != 2 {
		t.Fatalf("first Deliver = %v with %d pending; want a retry of the last two records", err, len(p.Pending()))
	}
	if err := p.Deliver(context.Background()); err != nil || len(p.Pending()) != 0 || attempts != 2 {
		t.Fatalf("retry: %v, %d pending after %d attempts", err, len(p.Pending()), attempts)
	}
	groups, _, err := store.LoadAggregates(context.Background(), "acme", []string{"2026-12"})
	if err != nil {
		t.Fatal(err)
	}
	var org analytics.Counts
	for _, g := range groups {
		if g.Group.Kind == "org" {
			org = org.Add(g.Counts)
		}
	}
	if org.Booked != 1 || org.Completed != 1 || org.Ratings != 1 {
		t.Errorf("org aggregates = %+v, want one booking, one completion and one rating", org)
	}
}
