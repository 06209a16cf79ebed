package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/tables"
	"github.com/tandemhq/tandem/internal/samtemplate"
)

// storeFlags are the flags every command that touches the table shares.
type storeFlags struct {
	endpoint string
	table    string
	template string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	def := os.Getenv("DYNAMODB_ENDPOINT")
	fs.StringVar(&f.endpoint, "endpoint", def, "DynamoDB endpoint (DynamoDB Local), e.g. http://127.0.0.1:8000; env DYNAMODB_ENDPOINT")
	table := os.Getenv("TABLE_NAME")
	if table == "" {
		table = "tandem-local"
	}
	fs.StringVar(&f.table, "table", table, "table name; env TABLE_NAME")
	fs.StringVar(&f.template, "template", samtemplate.FileName, "path to the SAM template")
}

// open loads the template, creates the table from its definition if it does not exist yet,
// and returns the store.
func (f *storeFlags) open(ctx context.Context, now func() time.Time) (*dynamo.Store, *samtemplate.Template, error) {
	if f.endpoint == "" {
		return nil, nil, fmt.Errorf("no DynamoDB endpoint: pass -endpoint or set DYNAMODB_ENDPOINT (make run starts DynamoDB Local)")
	}
	tpl, err := samtemplate.Load(f.template)
	if err != nil {
		return nil, nil, err
	}
	def, err := tpl.Table("Table")
	if err != nil {
		return nil, nil, err
	}
	cfg := dynamo.Config{Table: f.table, Endpoint: f.endpoint, Now: now}
	client, err := dynamo.NewClient(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	err = tables.Create(ctx, client, f.table, def)
	var drift *tables.DriftError
	if errors.As(err, &drift) {
		// A local table from before a change of keys or indexes: its data does not fit the
		// code any more (and the demo data is loaded again anyway), so start it afresh.
		fmt.Fprintf(os.Stderr, "tandem: %v; recreating it\n", drift)
		if err = tables.Delete(ctx, client, f.table); err == nil {
			err = tables.Create(ctx, client, f.table, def)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return dynamo.NewWithClient(client, f.table, now), tpl, nil
}
