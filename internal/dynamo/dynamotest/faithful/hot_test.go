package faithful_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest/faithful"
)

// TestLoadHotCounter measures the ceiling of one hot item under the model, apart from the
// rest of a booking (TANDEM_LOAD=1 only; `make load-test`): 50 transactions a second (Poisson
// arrivals, faithful.Arrivals) for TANDEM_LOAD_SECONDS (20), each adding to a shared counter
// and writing an item of its own,
// retried on TransactionConflict as Tandem's store does (5 tries 5–85 ms apart, then up to 7
// rounds of jittered exponential pauses). Once with one counter (today's budget counter), once
// with the counter split into 16 shards, a transaction drawing on a random one (the sharded
// design in README, "Scale"). Time dilated by TANDEM_LOAD_SLOWDOWN (20, as the booking load
// tests; Model.Slowdown): dispatched at 50/k a wall second, pauses through Model.Pause, times
// reported in model time. Prints LOAD| lines.
func TestLoadHotCounter(t *testing.T) {
	if os.Getenv("TANDEM_LOAD") != "1" {
		t.Skip("load test: TANDEM_LOAD=1 (make load-test)")
	}
	secs := 20
	if v, err := strconv.Atoi(os.Getenv("TANDEM_LOAD_SECONDS")); err == nil && v > 0 {
		secs = min(v, 20)
	}
	slowdown := 20.0
	if v, err := strconv.Atoi(os.Getenv("TANDEM_LOAD_SLOWDOWN")); err == nil && v >= 1 {
		slowdown = float64(v)
	}
	for _, shards := range []int{1, 16} {
		m := faithful.New()
		m.Latency, m.MaxInFlight, m.Slowdown = 15*time.Millisecond, 8, slowdown
		c, table := client(t, m, 0)
		ctx := context.Background()
		const rate = 50
		n := rate * secs
		var (
			mu      sync.Mutex
			ok, bad int
			tries   []int
			took    []time.Duration
			wg      sync.WaitGroup
		)
		arrivals := faithful.Arrivals(rate, n, uint64(shards))
		begin := time.Now()
		for i := range n {
			time.Sleep(time.Until(begin.Add(m.Wall(arrivals[i]))))
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				shard := rand.IntN(shards)
				in := &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
					add(table, "ORG#load#BUDGET", fmt.Sprintf("2027-03#ORG#S%02d", shard)), add(table, fmt.Sprintf("B#%d", i), "X")}}
				attempts, err := 0, error(nil)
			rounds:
				for round := 0; round <= 7; round++ {
					for try := range 5 {
						attempts++
						if _, err = c.TransactWriteItems(ctx, in); err == nil {
							break rounds
						}
						var tce *types.TransactionCanceledException
						if !errors.As(err, &tce) {
							break rounds
						}
						_ = m.Pause(ctx, time.Duration(5+rand.IntN(20*(try+1)))*time.Millisecond)
					}
					_ = m.Pause(ctx, time.Duration(rand.Int64N(int64(20*time.Millisecond)<<min(round, 6)))+time.Millisecond)
				}
				mu.Lock()
				defer mu.Unlock()
				tries = append(tries, attempts)
				took = append(took, m.InModel(time.Since(t0)))
				if err == nil {
					ok++
				} else {
					bad++
				}
			}()
		}
		dispatched := m.InModel(time.Since(begin))
		wg.Wait()
		slices.Sort(tries)
		slices.Sort(took)
		total := 0
		for _, a := range tries {
			total += a
		}
		out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: &table, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "ORG#load#BUDGET"}}})
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, it := range out.Items {
			v, _ := strconv.Atoi(it["n"].(*types.AttributeValueMemberN).Value)
			sum += v
		}
		line := fmt.Sprintf("hot counter, %d shard(s), slowdown %v: %d transactions dispatched in %.1fs model time (%.1f/s); committed %d (%.2f%%), gave up %d; attempts per transaction mean %.2f p99 %d; time p50 %v p99 %v; counter sum %d; model: %v",
			shards, slowdown, n, dispatched.Seconds(), float64(n)/dispatched.Seconds(), ok, 100*float64(ok)/float64(n), bad,
			float64(total)/float64(n), tries[len(tries)*99/100], took[len(took)/2].Round(time.Millisecond), took[len(took)*99/100].Round(time.Millisecond), sum, m.Stats())
		fmt.Println("LOAD| " + line)
		t.Log(line)
		if sum != ok {
			t.Errorf("counter sum %d, committed %d", sum, ok)
		}
	}
}
