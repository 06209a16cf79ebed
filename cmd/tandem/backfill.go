package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/tandemhq/tandem/internal/dynamo"
)

// runBackfill brings items written before this version to the shape it reads
// (dynamo.Store.Backfill; README "Deploy", Upgrading), on a deployed table (AWS credentials
// from the environment, as the AWS CLI's) or DynamoDB Local (-endpoint). It never creates or
// deletes a table. Running it again changes nothing; an interrupted run is resumed by
// running it again.
func runBackfill(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backfill", flag.ExitOnError)
	endpoint := fs.String("endpoint", os.Getenv("DYNAMODB_ENDPOINT"), "DynamoDB Local endpoint; empty for AWS (env DYNAMODB_ENDPOINT)")
	table := fs.String("table", os.Getenv("TABLE_NAME"), "table name, e.g. the stack's TableName output (env TABLE_NAME)")
	region := fs.String("region", os.Getenv("AWS_REGION"), "AWS region (env AWS_REGION)")
	nowFlag := fs.String("now", "", "run as at this RFC 3339 instant (as tandem dev -now) instead of the current time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *table == "" {
		return fmt.Errorf("no table: pass -table or set TABLE_NAME")
	}
	clock, err := clockFrom(*nowFlag)
	if err != nil {
		return err
	}
	store, err := dynamo.New(ctx, dynamo.Config{Table: *table, Endpoint: *endpoint, Region: *region, Now: clock})
	if err != nil {
		return err
	}
	r, err := store.Backfill(ctx, clock())
	out, _ := json.MarshalIndent(r, "", "  ")
	fmt.Println(string(out))
	if err != nil {
		return err
	}
	if len(r.CellConflicts) > 0 {
		return fmt.Errorf("%d lock cells overlap another owner's slots and were left as they are: do not switch traffic; see README, Upgrading", len(r.CellConflicts))
	}
	return nil
}
