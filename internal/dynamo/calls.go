package dynamo

import (
	"context"
	"sort"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	"github.com/tandemhq/tandem/internal/awsaccess"
)

// CallCounter counts DynamoDB API calls by operation name. Attach it with Config.APIOptions
// (or dynamotest) to prove round-trip budgets: it sees each logical call once, before SDK
// retries, so it counts what the code asked for.
type CallCounter struct {
	mu    sync.Mutex
	calls map[string]int
	order []string
	spans []span
	items int
	delay time.Duration
}

type span struct{ start, end time.Time }

// Middleware is the SDK API option that installs the counter.
func (c *CallCounter) Middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("tandemCallCounter",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			i, delay := c.record(awsmiddleware.GetOperationName(ctx))
			if delay > 0 {
				time.Sleep(delay)
			}
			out, md, err := next.HandleInitialize(ctx, in)
			c.finish(i, itemsIn(out.Result))
			return out, md, err
		}), middleware.After)
}

func (c *CallCounter) record(op string) (int, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op]++
	c.order = append(c.order, op)
	c.spans = append(c.spans, span{start: time.Now()})
	return len(c.spans) - 1, c.delay
}

// SetLatency makes every counted call take at least d longer, as a network round trip to
// DynamoDB does (DynamoDB Local answers in well under a millisecond). Tests of Rounds set it:
// calls made in parallel then overlap even when a loaded machine starts a goroutine late,
// while calls made one after the other still cannot.
func (c *CallCounter) SetLatency(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delay = d
}

// itemsIn is the number of items a read call returned.
func itemsIn(result any) int {
	switch out := result.(type) {
	case *dynamodb.QueryOutput:
		return int(out.Count)
	case *dynamodb.ScanOutput:
		return int(out.Count)
	case *dynamodb.GetItemOutput:
		if out.Item != nil {
			return 1
		}
	case *dynamodb.BatchGetItemOutput:
		n := 0
		for _, items := range out.Responses {
			n += len(items)
		}
		return n
	}
	return 0
}

func (c *CallCounter) finish(i, items int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items += items
	if i < len(c.spans) {
		c.spans[i].end = time.Now()
	}
}

// Rounds returns the number of sequential round trips: the longest chain of calls in which
// each starts only after the previous one has finished. Calls made in parallel count once.
func (c *CallCounter) Rounds() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	spans := append([]span(nil), c.spans...)
	sort.Slice(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
	depth := make([]int, len(spans))
	best := 0
	for i := range spans {
		depth[i] = 1
		for j := range i {
			if !spans[j].end.After(spans[i].start) && depth[j]+1 > depth[i] {
				depth[i] = depth[j] + 1
			}
		}
		best = max(best, depth[i])
	}
	return best
}

// Reset forgets all counts.
func (c *CallCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = nil
	c.order = nil
	c.spans = nil
	c.items = 0
}

// ItemsRead returns the number of items the counted read calls returned (Query, Scan,
// GetItem, BatchGetItem): with the call count, what a read costs whatever the table holds.
func (c *CallCounter) ItemsRead() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items
}

// Count returns the number of calls of op ("GetItem", "Query", ...).
func (c *CallCounter) Count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[op]
}

// Total returns the number of calls of any operation.
func (c *CallCounter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.order)
}

// Calls returns the operations in the order they were made.
func (c *CallCounter) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.order...)
}

// TableResource is the template's logical id of the one table: every table name a call
// carries is recorded as this resource, and an index as TableResource/index/<name>, the
// way template.yaml's policies name them (!GetAtt Table.Arn, ${Table.Arn}/index/GSI1).
const TableResource = "Table"

// RecordAccess is the SDK API option that records, for the IAM check, the DynamoDB actions
// function performs (package awsaccess); test harnesses attach it to a function's store
// with Config.APIOptions. It does nothing unless awsaccess.DirEnv is set.
func RecordAccess(function string) func(*middleware.Stack) error {
	return awsaccess.Recorder(function, IAMAccess)
}

// IAMAccess says which IAM actions on which resources a DynamoDB operation needs. A
// transaction is authorized per item (TransactWriteItems and TransactGetItems are not IAM
// actions): each Put, Update, Delete and ConditionCheck needs PutItem, UpdateItem,
// DeleteItem and ConditionCheckItem; each Get, GetItem. A Query or Scan of an index needs
// the index's ARN.
func IAMAccess(op string, input any) []awsaccess.Access {
	table := func(index *string) string {
		if index != nil && *index != "" {
			return TableResource + "/index/" + *index
		}
		return TableResource
	}
	one := func(action string, resource string) []awsaccess.Access {
		return []awsaccess.Access{{Action: "dynamodb:" + action, Resource: resource}}
	}
	switch in := input.(type) {
	case *dynamodb.QueryInput:
		return one("Query", table(in.IndexName))
	case *dynamodb.ScanInput:
		return one("Scan", table(in.IndexName))
	case *dynamodb.TransactWriteItemsInput:
		var out []awsaccess.Access
		for _, it := range in.TransactItems {
			switch {
			case it.Put != nil:
				out = append(out, one("PutItem", TableResource)...)
			case it.Update != nil:
				out = append(out, one("UpdateItem", TableResource)...)
			case it.Delete != nil:
				out = append(out, one("DeleteItem", TableResource)...)
			case it.ConditionCheck != nil:
				out = append(out, one("ConditionCheckItem", TableResource)...)
			}
		}
		return out
	case *dynamodb.TransactGetItemsInput:
		if len(in.TransactItems) > 0 {
			return one("GetItem", TableResource)
		}
	case *dynamodb.BatchWriteItemInput, *dynamodb.BatchGetItemInput:
		return one(op, TableResource)
	case nil:
	default: // GetItem, PutItem, UpdateItem, DeleteItem, DescribeTable, ...: the table itself
		return one(op, TableResource)
	}
	return nil
}
