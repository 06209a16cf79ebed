package dynamotest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	"github.com/tandemhq/tandem/internal/dynamo"
	"golang.org/x/sync/errgroup"
)

// Calls records the DynamoDB operations a store's client makes while Record runs (add
// Middleware to the store's Config.APIOptions), so that a benchmark can make exactly the same
// calls raw through the SDK (Raw) beside Tandem's handler: what the handler adds over them is
// Tandem's request overhead.
type Calls struct {
	mu     sync.Mutex
	on     bool
	inputs []any
}

// Middleware is the SDK API option that records the operations' inputs.
func (c *Calls) Middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("dynamotestCalls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			c.mu.Lock()
			if c.on {
				c.inputs = append(c.inputs, in.Parameters)
			}
			c.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

// Record runs fn and returns the inputs of the calls made meanwhile.
func (c *Calls) Record(fn func()) []any {
	c.mu.Lock()
	c.on, c.inputs = true, nil
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return c.inputs
}

// Raw makes recorded calls with a plain SDK client of its own (no Tandem middleware).
type Raw struct {
	client *dynamodb.Client
	inputs []any
}

// NewRaw returns a Raw for inputs (from Calls.Record) against cfg's endpoint. Only reads
// replay without changing the table; a write fails the benchmark.
func NewRaw(tb testing.TB, cfg dynamo.Config, inputs []any) *Raw {
	tb.Helper()
	client, err := dynamo.NewClient(context.Background(), dynamo.Config{Endpoint: cfg.Endpoint, Region: cfg.Region})
	if err != nil {
		tb.Fatal(err)
	}
	for _, in := range inputs {
		switch in.(type) {
		case *dynamodb.GetItemInput, *dynamodb.BatchGetItemInput, *dynamodb.QueryInput, *dynamodb.ScanInput, *dynamodb.TransactGetItemsInput:
		default:
			tb.Fatalf("dynamotest.NewRaw: %T is not a read", in)
		}
	}
	if len(inputs) == 0 {
		tb.Fatal("dynamotest.NewRaw: no calls recorded")
	}
	return &Raw{client: client, inputs: inputs}
}

// Len is the number of calls.
func (r *Raw) Len() int { return len(r.inputs) }

// Do makes the calls all at once (one round trip, as the handlers measured here make theirs)
// and returns the first error.
func (r *Raw) Do(ctx context.Context) error {
	if len(r.inputs) == 1 {
		return r.call(ctx, r.inputs[0])
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, in := range r.inputs {
		g.Go(func() error { return r.call(gctx, in) })
	}
	return g.Wait()
}

func (r *Raw) call(ctx context.Context, in any) error {
	var err error
	switch in := in.(type) {
	case *dynamodb.GetItemInput:
		_, err = r.client.GetItem(ctx, in)
	case *dynamodb.BatchGetItemInput:
		_, err = r.client.BatchGetItem(ctx, in)
	case *dynamodb.QueryInput:
		_, err = r.client.Query(ctx, in)
	case *dynamodb.ScanInput:
		_, err = r.client.Scan(ctx, in)
	case *dynamodb.TransactGetItemsInput:
		_, err = r.client.TransactGetItems(ctx, in)
	default:
		err = fmt.Errorf("dynamotest.Raw: %T", in)
	}
	return err
}
