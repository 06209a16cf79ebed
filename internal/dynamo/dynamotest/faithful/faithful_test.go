package faithful_test

import (
	"context"
	"errors"
	"fmt"
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

// TestOverlappingTransactionsConflict: while one transaction holds an item, a second
// transaction writing it is cancelled with TransactionConflict on that item (None on the
// other), a PutItem of it is rejected with TransactionConflictException, and a transaction
// on other items goes through. Once the first is done, the same writes succeed.
func TestOverlappingTransactionsConflict(t *testing.T) {
	m := &faithful.Model{Latency: 300 * time.Millisecond}
	c, table := client(t, m, 0)
	ctx := context.Background()
	var wg sync.WaitGroup
	var firstErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, firstErr = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			add(table, "P#hot", "COUNTER"), add(table, "P#a", "X")}})
	}()
	time.Sleep(100 * time.Millisecond) // the first is now holding its items (300 ms)
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
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("first transaction: %v", firstErr)
	}
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

// TestConcurrentTransactionsOnOneItem: many transactions at once on one counter, without added
// latency: some collide (DynamoDB Local alone would accept all), and the counter equals the
// number accepted.
func TestConcurrentTransactionsOnOneItem(t *testing.T) {
	m := &faithful.Model{Latency: 20 * time.Millisecond}
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
	if conflicts == 0 || ok == 0 || ok+conflicts != n {
		t.Errorf("%d accepted, %d conflicts of %d: want both", ok, conflicts, n)
	}
	out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: key("P#hot", "COUNTER"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Item["n"].(*types.AttributeValueMemberN).Value; got != fmt.Sprint(ok) {
		t.Errorf("counter %s, want %d", got, ok)
	}
}

// TestPartitionThrottling: with 50 WCU a partition, the first second's 50 writes pass, the
// next is refused with ProvisionedThroughputExceededException (no SDK retry here), another
// partition is unaffected, capacity comes back at the rate, and with the SDK's retryer the
// refused write is retried and succeeds once capacity is back. A transaction on the exhausted
// partition is cancelled with ThrottlingError on that item.
func TestPartitionThrottling(t *testing.T) {
	m := &faithful.Model{WCU: 50, RCU: 3000}
	cfg := dynamotest.Config(t, dynamotest.Options{})
	table := cfg.Table
	c := clientOn(t, cfg, m, 1)
	ctx := context.Background()
	put := func(c *dynamodb.Client, pk string, i int) error {
		_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &table, Key: key(pk, fmt.Sprint(i)),
			UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: "1"}}})
		return err
	}
	start := time.Now()
	accepted := 0
	var throttled error
	for i := range 200 {
		if err := put(c, "P#hot", i); err != nil {
			throttled = err
			break
		}
		accepted++
	}
	elapsed := time.Since(start).Seconds()
	var pte *types.ProvisionedThroughputExceededException
	if !errors.As(throttled, &pte) {
		t.Fatalf("after %d writes: %v, want ProvisionedThroughputExceededException", accepted, throttled)
	}
	// One second's burst plus what refilled while writing.
	if limit := 50 + 50*elapsed + 1; accepted < 50 || float64(accepted) > limit {
		t.Errorf("%d writes accepted in %.2fs, want 50..%.0f", accepted, elapsed, limit)
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
	// With the SDK's default retryer (3 attempts, backoff), the refused write gets through.
	retrying := clientOn(t, cfg, m, 0)
	before := m.Stats()
	if err := put(retrying, "P#hot", 1000); err != nil {
		t.Errorf("with SDK retries: %v", err)
	}
	if after := m.Stats(); after.SDKRetries()-before.SDKRetries() < 1 {
		t.Errorf("no SDK retry counted: %v → %v", before, after)
	}
}
