package faithful_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest/faithful"
)

// client returns a raw client on a fresh table with the model installed, and the table name;
// maxAttempts > 0 caps the SDK's attempts (1: no retries), 0 keeps the SDK's default retryer.
func client(t *testing.T, m *faithful.Model, maxAttempts int) (*dynamodb.Client, string) {
	t.Helper()
	cfg := dynamotest.Config(t, dynamotest.Options{})
	return clientOn(t, cfg, m, maxAttempts), cfg.Table
}

func clientOn(t *testing.T, cfg dynamo.Config, m *faithful.Model, maxAttempts int) *dynamodb.Client {
	t.Helper()
	cfg.APIOptions = append(cfg.APIOptions, m.Middleware)
	c, err := dynamo.NewClient(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if maxAttempts > 0 {
		c = dynamodb.New(c.Options(), func(o *dynamodb.Options) { o.RetryMaxAttempts = maxAttempts })
	}
	return c
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}}
}

func add(table, pk, sk string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: &table, Key: key(pk, sk),
		UpdateExpression:          aws.String("ADD n :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}}}}
}

// TestOverlappingTransactionsConflict: while one transaction holds an item (the model's clock
// held still inside its hold), a second transaction writing it is cancelled with
// TransactionConflict on that item (None on the other), a PutItem of it is rejected with
// TransactionConflictException, and a transaction on other items goes through. Once the hold
// is over, the same writes succeed; the refused ones never reached the table.
func TestOverlappingTransactionsConflict(t *testing.T) {
	clk := &clock{t: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	m := &faithful.Model{Latency: 20 * time.Millisecond, Now: clk.now}
	c, table := client(t, m, 0)
	ctx := context.Background()
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		add(table, "P#hot", "COUNTER"), add(table, "P#a", "X")}}); err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	// The model's clock has not moved: the first still holds its items.
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		add(table, "P#b", "X"), add(table, "P#hot", "COUNTER")}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("overlapping transaction: %v, want TransactionCanceledException", err)
	}
	if len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "None" ||
		aws.ToString(tce.CancellationReasons[1].Code) != "TransactionConflict" {
		t.Errorf("reasons %+v, want [None TransactionConflict]", tce.CancellationReasons)
	}
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: key("P#hot", "COUNTER")})
	var tcx *types.TransactionConflictException
	if !errors.As(err, &tcx) {
		t.Errorf("PutItem of an item under a transaction: %v, want TransactionConflictException", err)
	}
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		add(table, "P#c", "X"), add(table, "P#hot", "OTHER")}}); err != nil {
		t.Errorf("a transaction on other items (same partition, other item): %v", err)
	}
	clk.advance(21 * time.Millisecond) // the hold is over
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{add(table, "P#hot", "COUNTER")}}); err != nil {
		t.Errorf("after the first finished: %v", err)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: key("P#hot", "COUNTER"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if n := out.Item["n"].(*types.AttributeValueMemberN).Value; n != "2" {
		t.Errorf("counter = %s, want 2 (the refused writes never reached the table)", n)
	}
	if s := m.Stats(); s.TxConflicts != 1 || s.WriteConflicts != 1 || s.SDKRetries() != 0 {
		t.Errorf("stats %v: want 1 transaction conflict, 1 write conflict, no SDK retries (neither error is retried)", s)
	}
}

// TestConcurrentTransactionsOnOneItem: 40 transactions at once on one counter, within one
// hold (the model's clock held still): exactly one commits, 39 are cancelled
// (DynamoDB Local alone would accept all 40), and the counter says 1.
func TestConcurrentTransactionsOnOneItem(t *testing.T) {
	clk := &clock{t: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	m := &faithful.Model{Latency: 20 * time.Millisecond, Now: clk.now}
	c, table := client(t, m, 0)
	ctx := context.Background()
	const n = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, conflicts := 0, 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				add(table, "P#hot", "COUNTER"), add(table, fmt.Sprintf("P#%d", i), "X")}})
			mu.Lock()
			defer mu.Unlock()
			var tce *types.TransactionCanceledException
			switch {
			case err == nil:
				ok++
			case errors.As(err, &tce):
				conflicts++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || conflicts != n-1 {
		t.Errorf("%d accepted, %d conflicts of %d: want 1 and %d", ok, conflicts, n, n-1)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: key("P#hot", "COUNTER"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Item["n"].(*types.AttributeValueMemberN).Value; got != "1" {
		t.Errorf("counter %s, want 1", got)
	}
}

// clock is a clock the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// TestPartitionThrottling: with 50 WCU a partition (and the model's clock held still), the
// first 50 writes pass, the 51st is refused with ProvisionedThroughputExceededException (no
// SDK retry here), another partition is unaffected, and capacity comes back at the rate. A
// transaction on the exhausted partition is cancelled with ThrottlingError on that item. With
// the SDK's default retryer a refused write is retried by the SDK (4 attempts in all), and
// goes through once capacity is back.
func TestPartitionThrottling(t *testing.T) {
	clk := &clock{t: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	m := &faithful.Model{WCU: 50, RCU: 3000, Now: clk.now}
	cfg := dynamotest.Config(t, dynamotest.Options{})
	table := cfg.Table
	c := clientOn(t, cfg, m, 1)
	ctx := context.Background()
	put := func(c *dynamodb.Client, pk string, i int) error {
		_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &table, Key: key(pk, fmt.Sprint(i)),
			UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: "1"}}})
		return err
	}
	accepted := 0
	var throttled error
	for i := range 200 {
		if err := put(c, "P#hot", i); err != nil {
			throttled = err
			break
		}
		accepted++
	}
	var pte *types.ProvisionedThroughputExceededException
	if !errors.As(throttled, &pte) || accepted != 50 {
		t.Fatalf("after %d writes: %v, want 50 then ProvisionedThroughputExceededException", accepted, throttled)
	}
	if err := put(c, "P#cold", 0); err != nil {
		t.Errorf("another partition: %v", err)
	}
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		add(table, "P#cold", "T"), add(table, "P#hot", "T")}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || aws.ToString(tce.CancellationReasons[1].Code) != "ThrottlingError" || aws.ToString(tce.CancellationReasons[0].Code) != "None" {
		t.Errorf("transaction on the hot partition: %v, want cancelled with [None ThrottlingError]", err)
	}
	// 100 ms later: 5 more units, so 5 more writes, then refused again.
	clk.advance(100 * time.Millisecond)
	for i := range 5 {
		if err := put(c, "P#hot", 1000+i); err != nil {
			t.Errorf("write %d after 100 ms: %v", i, err)
		}
	}
	if err := put(c, "P#hot", 1005); !errors.As(err, &pte) {
		t.Errorf("6th write after 100 ms: %v, want refused", err)
	}
	// The SDK's default retryer for DynamoDB retries the refusal (25 ms base backoff) up to its
	// 4 attempts.
	retrying := clientOn(t, cfg, m, 0)
	before := m.Stats()
	if err := put(retrying, "P#hot", 2000); !errors.As(err, &pte) {
		t.Errorf("with SDK retries and no capacity: %v, want refused after the retries", err)
	}
	if after := m.Stats(); after.SDKRetries()-before.SDKRetries() != 3 {
		t.Errorf("SDK retries %d → %d, want 3 more", before.SDKRetries(), after.SDKRetries())
	}
	clk.advance(time.Second)
	if err := put(retrying, "P#hot", 2001); err != nil {
		t.Errorf("a second later: %v", err)
	}
}

// TestSlowdown: with Slowdown k the model's world runs k times slower than wall time. A call's
// Latency of 1 ms takes k ms of wall time and its hold lasts as long, so a transaction sent
// while another is in that call conflicts; a partition's bucket refills at its rate per model
// second (50 WCU at k = 1000: one unit per 20 s of wall time), so writes past it stay refused
// for the rest of the test; and Pause(d) waits d × k. The bounds only need the machine not to
// stall for a whole held second.
func TestSlowdown(t *testing.T) {
	const k = 1000
	m := &faithful.Model{WCU: 50, RCU: 3000, Latency: time.Millisecond, Slowdown: k}
	if m.Wall(time.Millisecond) != time.Second || m.InModel(time.Second) != time.Millisecond {
		t.Errorf("Wall(1ms) = %v, InModel(1s) = %v; want 1s and 1ms", m.Wall(time.Millisecond), m.InModel(time.Second))
	}
	cfg := dynamotest.Config(t, dynamotest.Options{})
	table := cfg.Table
	c := clientOn(t, cfg, m, 1)
	ctx := context.Background()

	// A hold of 1 ms model time is a second of wall time.
	first := make(chan error, 1)
	begin := time.Now()
	go func() {
		_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{add(table, "P#hot", "COUNTER")}})
		first <- err
	}()
	for m.Stats().Attempts == 0 {
		time.Sleep(time.Millisecond)
	}
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{add(table, "P#hot", "COUNTER")}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || aws.ToString(tce.CancellationReasons[0].Code) != "TransactionConflict" {
		t.Errorf("a transaction during the first one's dilated hold: %v, want TransactionConflict", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	if took := time.Since(begin); took < time.Second {
		t.Errorf("a call with 1 ms Latency at slowdown %d took %v of wall time, want ≥ 1s", k, took)
	}
	if s := m.Stats(); s.Calls != 1 {
		t.Errorf("%d calls reached DynamoDB Local, want 1 (the conflicting one never does)", s.Calls)
	}

	// 50 WCU: the bucket (one second's worth) has 48 left after the transaction's 2 units; 48
	// writes pass, then refusals, however long the machine takes (20 s of wall time per unit).
	put := func(i int) error {
		_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &table, Key: key("P#hot", fmt.Sprint(i)),
			UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: "1"}}})
		return err
	}
	m.Latency = 0 // the writes below need not wait a second each
	accepted := 0
	for i := range 100 {
		if put(i) != nil {
			break
		}
		accepted++
	}
	time.Sleep(200 * time.Millisecond) // 10 units at k = 1 ; 0.01 at k = 1000
	var pte *types.ProvisionedThroughputExceededException
	if err := put(1000); accepted != 48 || !errors.As(err, &pte) {
		t.Errorf("%d writes accepted, then after 200 ms of wall time: %v; want 48, then still refused", accepted, err)
	}

	t0 := time.Now()
	if err := m.Pause(ctx, 300*time.Microsecond); err != nil || time.Since(t0) < 300*time.Millisecond {
		t.Errorf("Pause(300µs) at slowdown %d: %v after %v, want ≥ 300ms", k, err, time.Since(t0))
	}
	cancelled, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := m.Pause(cancelled, time.Second); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Pause past its context's deadline: %v, want DeadlineExceeded", err)
	}
}

// TestArrivals: 10,000 arrivals at 50 a second span about 200 s, and they come in bursts as a
// Poisson process does: the share of gaps under a 15 ms hold is 1 − e^(−0.75) ≈ 53% (evenly
// spaced arrivals, 20 ms apart, would have none).
func TestArrivals(t *testing.T) {
	at := faithful.Arrivals(50, 10000, 1)
	if at[0] != 0 || !slices.IsSorted(at) {
		t.Fatalf("arrivals start at %v, sorted %v: want from 0, in order", at[0], slices.IsSorted(at))
	}
	if span := at[len(at)-1].Seconds(); span < 195 || span > 205 {
		t.Errorf("10,000 arrivals at 50/s span %.1fs, want about 200s", span)
	}
	near := 0
	for i := 1; i < len(at); i++ {
		if at[i]-at[i-1] < 15*time.Millisecond {
			near++
		}
	}
	if share := float64(near) / float64(len(at)-1); math.Abs(share-(1-math.Exp(-0.75))) > 0.03 {
		t.Errorf("%.1f%% of gaps under 15 ms, want about 52.8%%", 100*share)
	}
}
