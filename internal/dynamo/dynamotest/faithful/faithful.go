// Package faithful is a test-only SDK middleware that makes a DynamoDB client talking to
// DynamoDB Local behave as real DynamoDB does where DynamoDB Local does not: concurrent
// transactions on the same item conflict, and a partition takes only so much throughput.
// DynamoDB Local runs transactions one at a time and never throttles, so races that cancel
// transactions in AWS never happen in tests without it.
//
// It observes and refuses; it never changes what DynamoDB Local stores. An accepted call goes
// to DynamoDB Local unchanged; a refused one never reaches it and is answered with the error
// response DynamoDB documents, synthesized as an HTTP response below the SDK's deserializer,
// so the SDK parses it into the same error type and its retryer treats it as it would in AWS
// (it retries ProvisionedThroughputExceededException and ThrottlingException with backoff; it
// does not retry TransactionCanceledException or TransactionConflictException).
//
// The rules modelled, each with the AWS page that documents it:
//
//  1. Transaction conflicts ("Transaction conflict handling in DynamoDB",
//     https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling,
//     and the TransactionCanceledException reference,
//     https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html):
//     - an item of a TransactWriteItems that is part of another ongoing TransactWriteItems:
//     the request fails with TransactionCanceledException, reason TransactionConflict for
//     that item (None for the others);
//     - a PutItem, UpdateItem or DeleteItem of an item an ongoing TransactWriteItems holds:
//     rejected with TransactionConflictException;
//     - an item of a TransactGetItems that an ongoing TransactWriteItems, PutItem, UpdateItem,
//     DeleteItem or BatchWriteItem writes: TransactionCanceledException, TransactionConflict.
//     "Ongoing" is Latency from the moment the model accepts the write: the service time a
//     real write spends holding its items, modelled as a fixed time rather than taken from
//     DynamoDB Local, whose time is mostly queueing on the test machine (it runs one
//     transaction at a time, and a loaded machine makes that take seconds).
//
//  2. Per-partition throughput ("Understanding DynamoDB warm throughput in different
//     scenarios": "each individual partition is limited to 1,000 write units per second and
//     3,000 read units per second",
//     https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html):
//     a token bucket per partition key value, refilled at WCU and RCU per second, holding at
//     most one second's worth; a write is refused unless its units are there (a read unless
//     half a unit is: it pays for what it read after the call). Units as "Capacity management for transactions"
//     (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-capacity-handling)
//     and "Read/write capacity mode" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html)
//     count them: a write is 1 unit per KB of item (2 in a transaction), a strongly
//     consistent read 1 unit per 4 KB (0.5 eventually consistent, 2 in a transaction). A
//     refused single-item call or Query is answered ProvisionedThroughputExceededException
//     (retried by the SDK); a refused transaction is cancelled with reason ThrottlingError on
//     the items whose partition is out of capacity ("There is insufficient provisioned
//     capacity for the transaction to be completed", TransactionCanceledException).
//
// Simplifications, stated: one partition per partition-key value (real DynamoDB may hold
// several keys in one partition, and splits a hot key's item collection only by sort key
// ranges, which adaptive capacity does for reads and writes to distinct items: modelled as
// not happening); a write whose item size is unknown before the call (Update, Delete,
// ConditionCheck) counts as one 1 KB item; a read is charged after the call by the size of
// the response body (JSON is larger than DynamoDB's item size, so reads are over-counted);
// no table-level or account-level limits, no burst capacity beyond one second, no adaptive
// capacity; BatchWriteItem does not conflict with transactions (not documented).
//
// Time dilation (Model.Slowdown = k). DynamoDB Local and the code under test take CPU time
// that real DynamoDB and Lambda would not spend on one shared machine; at a high enough rate
// that time becomes queueing and swamps what is being measured. With k > 1 the whole
// modelled world runs k times slower than wall time: the model's clock (holds, token
// buckets) runs at wall/k, the Latency it adds to a call sleeps Latency×k of wall time, the
// store's contention pauses sleep k times their length (Pause, installed as dynamo.Config's
// Pause by Install), and a load test dispatches at rate/k a wall second and divides the wall
// times it measures by k. What stays in wall time, and so shrinks k-fold in the model's: the
// handlers' and DynamoDB Local's own time (Stats.Local says how much that was; it should be
// small beside Latency) and the SDK retryer's own backoff after a throttling error
// (ProvisionedThroughputExceededException, ThrottlingError: it sleeps in wall time, so under
// dilation a throttled call retries k times sooner than in AWS; none occur at 50 bookings a
// second, and Stats.Throttled counts them when they do).
package faithful

import (
	"github.com/tandemhq/tandem/internal/dynamo"

	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Per-partition limits documented by AWS (see the package doc, rule 2).
const (
	PartitionWCU = 1000
	PartitionRCU = 3000
)

// Model is the shared state of the DynamoDB being modelled: every client that should see the
// others' transactions (all the functions of a test, all the load test's workers) installs
// the same Model's Middleware. Its zero value models conflicts only; New sets the documented
// partition limits.
type Model struct {
	// WCU and RCU are the units a partition key value takes per second; 0: unlimited.
	WCU, RCU float64
	// Latency is added to every call before it reaches DynamoDB Local (a network round trip
	// and the service's own time), and is how long an accepted write holds its items.
	Latency time.Duration
	// MaxInFlight caps the calls DynamoDB Local runs at once (0: no cap): past a few dozen
	// concurrent transactions it times out waiting for its own lock ("This request will
	// succeed in actual DynamoDB API"), an artifact the model keeps out of the figures. The
	// wait for a turn is outside the time a write holds its items.
	MaxInFlight int
	// Unfaithful turns rule 1 off (no conflicts), for a baseline of what DynamoDB Local alone
	// lets through; WCU and RCU 0 turn rule 2 off.
	Unfaithful bool
	// Now is the model's clock for holds and token buckets (nil: wall time, dilated by
	// Slowdown); tests of the model hold it still so that its decisions do not depend on the
	// machine's speed.
	Now func() time.Time
	// Slowdown k ≥ 1 runs the modelled world k times slower than wall time (see the package
	// doc, "Time dilation"); 0 or 1: real time.
	Slowdown float64

	mu      sync.Mutex
	gate    chan struct{}
	txHeld  map[string]time.Time // item → until when an ongoing TransactWriteItems holds it
	wrHeld  map[string]time.Time // item → until when an ongoing single-item write holds it
	buckets map[string]*bucket
	stats   Stats
	epoch   time.Time // wall time at the first reading of the dilated clock
}

// New returns a model with the documented per-partition limits.
func New() *Model { return &Model{WCU: PartitionWCU, RCU: PartitionRCU} }

// Install puts the model on a store's configuration: its Middleware on every call, and its
// Pause as the store's contention wait (dynamo.Config.Pause).
func (m *Model) Install(cfg *dynamo.Config) {
	cfg.APIOptions = append(cfg.APIOptions, m.Middleware)
	cfg.Pause = m.Pause
}

// k is the slowdown factor, at least 1.
func (m *Model) k() float64 { return max(1, m.Slowdown) }

// Wall is how long d of the model's time takes in wall time (d × Slowdown).
func (m *Model) Wall(d time.Duration) time.Duration { return time.Duration(float64(d) * m.k()) }

// InModel is how long d of wall time is in the model's time (d / Slowdown).
func (m *Model) InModel(d time.Duration) time.Duration { return time.Duration(float64(d) / m.k()) }

// Pause waits d of the model's time (d × Slowdown of wall time), or until ctx ends: a
// dynamo.Pause.
func (m *Model) Pause(ctx context.Context, d time.Duration) error {
	return dynamo.Sleep(ctx, m.Wall(d))
}

// Arrivals returns when n requests arrive at rate a second, as offsets of the model's time
// from the first: a Poisson process (exponential gaps, seeded: the same every run), as
// independent users' requests arrive. Evenly spaced requests would understate collisions: at
// 50 a second, 20 ms apart, a 15 ms hold never meets the next one.
func Arrivals(rate float64, n int, seed uint64) []time.Duration {
	r := rand.New(rand.NewPCG(seed, 2027))
	out := make([]time.Duration, n)
	at := time.Duration(0)
	for i := range out {
		out[i] = at
		at += time.Duration(r.ExpFloat64() / rate * float64(time.Second))
	}
	return out
}

// Stats counts what the model saw and did.
type Stats struct {
	Operations int // calls made by the code (before SDK retries)
	Attempts   int // attempts that reached the model (each SDK retry is one more)
	// TxConflicts are transactions cancelled with TransactionConflict; WriteConflicts
	// single-item writes rejected with TransactionConflictException.
	TxConflicts, WriteConflicts int
	// Throttled are attempts refused for a partition's throughput (ThrottlingError in a
	// transaction, ProvisionedThroughputExceededException otherwise).
	Throttled int
	// WCU and RCU are the capacity units the accepted calls consumed, as the model counts.
	WCU, RCU float64
	// Local is the time accepted calls spent past the modelled Latency, waiting for a turn
	// (MaxInFlight) and in DynamoDB Local, in the model's time (wall / Slowdown): time real
	// DynamoDB would not take. Calls is how many it is summed over; MaxLocal the longest.
	Local, MaxLocal time.Duration
	Calls           int
}

// MeanLocal is the mean of Local over the calls.
func (s Stats) MeanLocal() time.Duration {
	if s.Calls == 0 {
		return 0
	}
	return s.Local / time.Duration(s.Calls)
}

// SDKRetries is the number of attempts the SDK's retryer made beyond the first.
func (s Stats) SDKRetries() int { return s.Attempts - s.Operations }

// Stats returns the counts so far.
func (m *Model) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stats
}

type inputKey struct{}

// Middleware is the SDK API option (dynamo.Config.APIOptions) that installs the model: an
// Initialize step that notes the operation's input, and a Deserialize step at the very end of
// the stack, next to the HTTP transport, so it runs once per attempt, after the SDK's retryer.
func (m *Model) Middleware(stack *middleware.Stack) error {
	if err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("tandemFaithfulInput",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			m.mu.Lock()
			m.stats.Operations++
			m.mu.Unlock()
			return next.HandleInitialize(middleware.WithStackValue(ctx, inputKey{}, in.Parameters), in)
		}), middleware.Before); err != nil {
		return err
	}
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("tandemFaithful",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			return m.attempt(ctx, awsmiddleware.GetOperationName(ctx), middleware.GetStackValue(ctx, inputKey{}), in, next)
		}), middleware.After)
}

// access is what one attempt touches: items it writes or reads under a transaction's rules,
// and the capacity it takes per partition.
type access struct {
	tx      bool     // TransactWriteItems
	txGet   bool     // TransactGetItems
	single  bool     // PutItem, UpdateItem, DeleteItem
	items   []string // item keys, in the request's order (transactions: one per action)
	parts   []string // the partition of each item (transactions), or of the call
	wcu     []float64
	read    bool
	rcuUnit float64 // units per 4 KB read after the call (reads); 0 for writes
}

func (m *Model) attempt(ctx context.Context, op string, input any, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	a := describe(input)
	m.mu.Lock()
	m.stats.Attempts++
	now := m.now()
	// Rule 1: conflicts with ongoing transactions.
	var conflicted []bool
	anyConflict := false
	for i, k := range a.items {
		if m.Unfaithful {
			break
		}
		held := false
		switch {
		case a.tx, a.single:
			held = m.txHeld[k].After(now)
		case a.txGet:
			held = m.txHeld[k].After(now) || m.wrHeld[k].After(now)
		}
		if held {
			if conflicted == nil {
				conflicted = make([]bool, len(a.items))
			}
			conflicted[i], anyConflict = true, true
		}
	}
	if anyConflict {
		if a.single {
			m.stats.WriteConflicts++
			m.mu.Unlock()
			return errorResponse(op, "TransactionConflictException", "Transaction is ongoing for the item", nil)
		}
		m.stats.TxConflicts++
		m.mu.Unlock()
		return errorResponse(op, "TransactionCanceledException", "", reasons(conflicted, "TransactionConflict", "Transaction is ongoing for the item"))
	}
	// Rule 2: a partition with no capacity left refuses.
	var throttled []bool
	anyThrottled := false
	for i, p := range a.parts {
		limit := m.WCU
		if a.read || a.txGet {
			limit = m.RCU
		}
		if limit <= 0 {
			continue
		}
		need := 0.5 // a read's smallest charge; it pays the rest after the call
		if !a.read && !a.txGet && i < len(a.wcu) {
			need = a.wcu[i]
		}
		if m.bucket(p, a.read || a.txGet, limit, now).tokens < need {
			if throttled == nil {
				throttled = make([]bool, len(a.parts))
			}
			throttled[i], anyThrottled = true, true
		}
	}
	if anyThrottled {
		m.stats.Throttled++
		m.mu.Unlock()
		if a.tx || a.txGet {
			return errorResponse(op, "TransactionCanceledException", "", reasons(throttled, "ThrottlingError",
				"Throughput exceeds the current capacity of your table or index."))
		}
		return errorResponse(op, "ProvisionedThroughputExceededException",
			"The level of configured provisioned throughput for the table was exceeded.", nil)
	}
	// Accepted: charge the writes now, hold the items while the call runs.
	for i, p := range a.parts {
		if i < len(a.wcu) && a.wcu[i] > 0 {
			m.stats.WCU += a.wcu[i]
			if m.WCU > 0 {
				m.bucket(p, false, m.WCU, now).tokens -= a.wcu[i]
			}
		}
	}
	if a.tx {
		m.txHeld = hold(m.txHeld, a.items, now, now.Add(m.Latency))
	} else if a.single {
		m.wrHeld = hold(m.wrHeld, a.items, now, now.Add(m.Latency))
	}
	if m.MaxInFlight > 0 && m.gate == nil {
		m.gate = make(chan struct{}, m.MaxInFlight)
	}
	gate := m.gate
	m.mu.Unlock()

	if m.Latency > 0 {
		time.Sleep(m.Wall(m.Latency))
	}
	local := time.Now()
	if gate != nil {
		gate <- struct{}{}
	}
	out, md, err := next.HandleDeserialize(ctx, in)
	if gate != nil {
		<-gate
	}
	spent := m.InModel(time.Since(local))

	m.mu.Lock()
	defer m.mu.Unlock()
	m.stats.Local += spent
	m.stats.MaxLocal = max(m.stats.MaxLocal, spent)
	m.stats.Calls++
	if a.read || a.txGet {
		size := 0.0
		if res, ok := out.RawResponse.(*smithyhttp.Response); ok && res.ContentLength > 0 {
			size = float64(res.ContentLength)
		}
		units := a.rcuUnit * math.Max(1, math.Ceil(size/4096))
		if a.txGet {
			units = 2 * float64(len(a.items))
		}
		m.stats.RCU += units
		if m.RCU > 0 && len(a.parts) > 0 {
			for _, p := range a.parts {
				m.bucket(p, true, m.RCU, m.now()).tokens -= units / float64(len(a.parts))
			}
		}
	}
	return out, md, err
}

// hold marks items as held until until, first forgetting holds that have ended once the map
// grows large.
func hold(held map[string]time.Time, items []string, now, until time.Time) map[string]time.Time {
	if held == nil {
		held = map[string]time.Time{}
	}
	if len(held) > 10000 {
		for k, t := range held {
			if !t.After(now) {
				delete(held, k)
			}
		}
	}
	for _, k := range items {
		if until.After(held[k]) {
			held[k] = until
		}
	}
	return held
}

// now is the model's clock (m.mu held): Now, or wall time dilated by Slowdown from the first
// reading on.
func (m *Model) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	wall := time.Now()
	if m.k() == 1 {
		return wall
	}
	if m.epoch.IsZero() {
		m.epoch = wall
	}
	return m.epoch.Add(m.InModel(wall.Sub(m.epoch)))
}

type bucket struct {
	tokens float64
	at     time.Time
}

// bucket returns the partition's bucket refilled to now (at most one second's worth).
func (m *Model) bucket(partition string, read bool, limit float64, now time.Time) *bucket {
	if m.buckets == nil {
		m.buckets = map[string]*bucket{}
	}
	key := "W|" + partition
	if read {
		key = "R|" + partition
	}
	b := m.buckets[key]
	if b == nil {
		b = &bucket{tokens: limit, at: now}
		m.buckets[key] = b
	}
	if now.After(b.at) {
		b.tokens = math.Min(limit, b.tokens+limit*now.Sub(b.at).Seconds())
		b.at = now
	}
	return b
}

func reasons(flagged []bool, code, message string) []map[string]string {
	out := make([]map[string]string, len(flagged))
	for i, f := range flagged {
		if f {
			out[i] = map[string]string{"Code": code, "Message": message}
		} else {
			out[i] = map[string]string{"Code": "None"}
		}
	}
	return out
}

// errorResponse answers an attempt as DynamoDB's JSON 1.0 protocol answers an error: status
// 400, the error's shape name in __type, the members in the body. The SDK's deserializer turns
// it into the modelled error type.
func errorResponse(op, code, message string, cancel []map[string]string) (middleware.DeserializeOutput, middleware.Metadata, error) {
	body := map[string]any{"__type": "com.amazonaws.dynamodb.v20120810#" + code}
	if cancel != nil {
		codes := make([]string, len(cancel))
		for i, r := range cancel {
			codes[i] = r["Code"]
		}
		message = "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]"
		body["CancellationReasons"] = cancel
	}
	body["Message"] = message
	raw, err := json.Marshal(body)
	if err != nil {
		return middleware.DeserializeOutput{}, middleware.Metadata{}, err
	}
	res := &http.Response{StatusCode: 400, Status: "400 Bad Request", ContentLength: int64(len(raw)),
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Requestid": {"faithful-" + op}},
		Body:   io.NopCloser(bytes.NewReader(raw))}
	return middleware.DeserializeOutput{RawResponse: &smithyhttp.Response{Response: res}}, middleware.Metadata{}, nil
}

// describe lists what an operation's input touches.
func describe(input any) access {
	var a access
	switch in := input.(type) {
	case *dynamodb.TransactWriteItemsInput:
		a.tx = true
		for _, it := range in.TransactItems {
			var table *string
			var key map[string]types.AttributeValue
			units := 2.0
			switch {
			case it.Put != nil:
				table, key = it.Put.TableName, it.Put.Item
				units = 2 * kbUnits(it.Put.Item)
			case it.Update != nil:
				table, key = it.Update.TableName, it.Update.Key
			case it.Delete != nil:
				table, key = it.Delete.TableName, it.Delete.Key
			case it.ConditionCheck != nil:
				table, key = it.ConditionCheck.TableName, it.ConditionCheck.Key
			}
			a.items = append(a.items, itemKey(table, key))
			a.parts = append(a.parts, partitionKey(table, key))
			a.wcu = append(a.wcu, units)
		}
	case *dynamodb.TransactGetItemsInput:
		a.txGet = true
		for _, it := range in.TransactItems {
			if it.Get != nil {
				a.items = append(a.items, itemKey(it.Get.TableName, it.Get.Key))
				a.parts = append(a.parts, partitionKey(it.Get.TableName, it.Get.Key))
			}
		}
	case *dynamodb.PutItemInput:
		a.single = true
		a.items = []string{itemKey(in.TableName, in.Item)}
		a.parts = []string{partitionKey(in.TableName, in.Item)}
		a.wcu = []float64{kbUnits(in.Item)}
	case *dynamodb.UpdateItemInput:
		a.single = true
		a.items = []string{itemKey(in.TableName, in.Key)}
		a.parts = []string{partitionKey(in.TableName, in.Key)}
		a.wcu = []float64{1}
	case *dynamodb.DeleteItemInput:
		a.single = true
		a.items = []string{itemKey(in.TableName, in.Key)}
		a.parts = []string{partitionKey(in.TableName, in.Key)}
		a.wcu = []float64{1}
	case *dynamodb.BatchWriteItemInput:
		// Not subject to transaction conflicts here (see the package doc); it takes capacity.
		perPart := map[string]float64{}
		for table, reqs := range in.RequestItems {
			for _, r := range reqs {
				switch {
				case r.PutRequest != nil:
					perPart[partitionKey(&table, r.PutRequest.Item)] += kbUnits(r.PutRequest.Item)
				case r.DeleteRequest != nil:
					perPart[partitionKey(&table, r.DeleteRequest.Key)]++
				}
			}
		}
		for _, p := range sortedKeys(perPart) {
			a.parts = append(a.parts, p)
			a.wcu = append(a.wcu, perPart[p])
		}
	case *dynamodb.GetItemInput:
		a.read, a.rcuUnit = true, consistency(in.ConsistentRead)
		a.parts = []string{partitionKey(in.TableName, in.Key)}
	case *dynamodb.QueryInput:
		a.read, a.rcuUnit = true, consistency(in.ConsistentRead)
		if in.IndexName == nil { // an index's partitions are its own: not modelled
			if pk, ok := in.ExpressionAttributeValues[":pk"].(*types.AttributeValueMemberS); ok {
				a.parts = []string{aws(in.TableName) + "|" + pk.Value}
			}
		}
	case *dynamodb.BatchGetItemInput:
		a.read, a.rcuUnit = true, 0.5
		for table, ka := range in.RequestItems {
			if ka.ConsistentRead != nil && *ka.ConsistentRead {
				a.rcuUnit = 1
			}
			for _, k := range ka.Keys {
				a.parts = append(a.parts, partitionKey(&table, k))
			}
		}
	}
	return a
}

func consistency(strong *bool) float64 {
	if strong != nil && *strong {
		return 1
	}
	return 0.5
}

func aws(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sortedKeys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keyPart(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	case *types.AttributeValueMemberB:
		return string(v.Value)
	}
	return ""
}

// itemKey names an item by table and primary key (Tandem's PK and SK).
func itemKey(table *string, key map[string]types.AttributeValue) string {
	return aws(table) + "|" + keyPart(key["PK"]) + "|" + keyPart(key["SK"])
}

// partitionKey names an item's partition: table and partition key value.
func partitionKey(table *string, key map[string]types.AttributeValue) string {
	return aws(table) + "|" + keyPart(key["PK"])
}

// kbUnits is the write units of an item: one per started KB of its size (dynamo.ItemSize:
// DynamoDB's item size rules).
func kbUnits(item map[string]types.AttributeValue) float64 {
	return math.Max(1, math.Ceil(float64(dynamo.ItemSize(item))/1024))
}

// String renders the stats on one line.
func (s Stats) String() string {
	return fmt.Sprintf("operations %d, attempts %d (SDK retries %d), transaction conflicts %d, write conflicts %d, throttled %d, WCU %.0f, RCU %.0f; unmodelled local time a call mean %v max %v",
		s.Operations, s.Attempts, s.SDKRetries(), s.TxConflicts, s.WriteConflicts, s.Throttled, s.WCU, s.RCU,
		s.MeanLocal().Round(10*time.Microsecond), s.MaxLocal.Round(time.Millisecond))
}
