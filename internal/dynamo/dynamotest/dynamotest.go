// Package dynamotest gives each test a fresh table in DynamoDB Local, created from the table
// definition in template.yaml (so tests use exactly the deployed keys, indexes and TTL) and
// deleted when the test ends. The table's stream is left off unless a test asks for it
// (Options.Stream): DynamoDB Local keeps every stream record of every stream-enabled table in
// its process and grows slower with each (a transaction on a new table went from 18 to 110 ms
// after 13,000 records elsewhere), and only the stream consumer's tests read a stream. A
// table with a stream is made in a DynamoDB Local of the test binary's own (one per package,
// instance.go), and Options.Own gives a test or benchmark an instance to itself, so that no
// package or benchmark slows another. It reads the endpoint from DYNAMODB_ENDPOINT; without
// one the test is skipped, unless REQUIRE_DYNAMODB=1 (set by `make test` and CI), which turns
// the skip into a failure.
package dynamotest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/tables"
	"github.com/tandemhq/tandem/internal/samtemplate"
)

var seq atomic.Int64

// tableDefinition is the template's table, read once per test binary: parallel tests share
// it, and the YAML parser (goformation) is not safe for concurrent use.
var tableDefinition = sync.OnceValues(func() (samtemplate.Table, error) {
	tpl, err := samtemplate.LoadNearest()
	if err != nil {
		return samtemplate.Table{}, err
	}
	return tpl.Table("Table")
})

// Options tune the store a test gets.
type Options struct {
	Now     func() time.Time
	Counter *dynamo.CallCounter
	// Stream enables the table's stream as template.yaml defines it (tests that read it).
	// The table is made in this package's own DynamoDB Local (see instance.go).
	Stream bool
	// Own makes the table in a DynamoDB Local started for this test or benchmark alone and
	// stopped when it ends (a few seconds to start): figures that drift in nobody else's
	// process.
	Own bool
}

// Endpoint returns the DynamoDB Local endpoint, skipping or failing the test without one.
func Endpoint(tb testing.TB) string {
	tb.Helper()
	ep := os.Getenv("DYNAMODB_ENDPOINT")
	if ep == "" {
		if os.Getenv("REQUIRE_DYNAMODB") == "1" {
			tb.Fatal("REQUIRE_DYNAMODB=1 but DYNAMODB_ENDPOINT is not set; run `make test`")
		}
		tb.Skip("DYNAMODB_ENDPOINT not set; run `make test` to start DynamoDB Local")
	}
	return ep
}

// Config returns a store configuration for a new, empty table made from the template's
// definition; the table is deleted when the test ends.
func Config(tb testing.TB, opts Options) dynamo.Config {
	tb.Helper()
	ep := Endpoint(tb)
	def, err := tableDefinition()
	if err != nil {
		tb.Fatal(err)
	}
	if !opts.Stream {
		def.StreamView = ""
	}
	switch {
	case opts.Own:
		ep = ownEndpoint(tb)
	case opts.Stream:
		if ep, err = streamEndpoint(); err != nil {
			tb.Fatal(err)
		}
	}
	name := fmt.Sprintf("t%d-%d-%s", os.Getpid(), seq.Add(1), sanitize(tb.Name()))
	cfg := dynamo.Config{Table: name, Endpoint: ep, Now: opts.Now}
	ctx := context.Background()
	admin, err := dynamo.NewClient(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := tables.Create(ctx, admin, name, def); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := tables.Delete(context.Background(), admin, name); err != nil {
			tb.Errorf("cleanup: %v", err)
		}
	})
	if opts.Counter != nil {
		cfg.APIOptions = append(cfg.APIOptions, opts.Counter.Middleware)
	}
	return cfg
}

// New returns a store on a fresh table.
func New(tb testing.TB, opts Options) *dynamo.Store {
	tb.Helper()
	s, err := dynamo.New(context.Background(), Config(tb, opts))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// sanitize keeps a table name within DynamoDB's [a-zA-Z0-9_.-]{3,255}.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > 180 {
		out = out[:180]
	}
	return out
}

// Items returns every item of the table as plain Go values (strings, float64 numbers, maps,
// lists) for invariant checks in tests. It scans: tests only, never a request path.
func Items(tb testing.TB, cfg dynamo.Config) []map[string]any {
	tb.Helper()
	ctx := context.Background()
	client, err := dynamo.NewClient(ctx, dynamo.Config{Endpoint: cfg.Endpoint, Table: cfg.Table})
	if err != nil {
		tb.Fatal(err)
	}
	var out []map[string]any
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: &cfg.Table, ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		var items []map[string]any
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			tb.Fatal(err)
		}
		out = append(out, items...)
	}
	return out
}
