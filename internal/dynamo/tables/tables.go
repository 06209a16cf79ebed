// Package tables creates and deletes Tandem tables from the definition in template.yaml (local
// tool and tests). It is kept out of package dynamo so the Lambda binaries do not link the
// template parser.
package tables

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/samtemplate"
)

// Create creates a table named name from the template's definition (keys, indexes,
// stream, TTL) and waits until it is active. An existing table with the same keys and
// indexes is left as it is, so the local tool can call it on every start; one created from
// an older definition is reported as *DriftError (its data would not fit the code).
func Create(ctx context.Context, client *dynamodb.Client, name string, def samtemplate.Table) error {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
	}
	names := make([]string, 0, len(def.Attributes))
	for n := range def.Attributes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(n), AttributeType: types.ScalarAttributeType(def.Attributes[n])})
	}
	in.KeySchema = keySchema(def.Keys)
	for _, ix := range def.Indexes {
		p := &types.Projection{ProjectionType: types.ProjectionType(ix.Projection)}
		if len(ix.NonKey) > 0 {
			p.NonKeyAttributes = ix.NonKey
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name), KeySchema: keySchema(ix.Keys), Projection: p})
	}
	if def.StreamView != "" {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true),
			StreamViewType: types.StreamViewType(def.StreamView)}
	}
	_, err := client.CreateTable(ctx, in)
	var inUse *types.ResourceInUseException
	if errors.As(err, &inUse) {
		return checkShape(ctx, client, name, in)
	}
	if err != nil {
		return fmt.Errorf("tables.Create(%q): %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 50 * time.Millisecond
		o.MaxDelay = time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30*time.Second); err != nil {
		return fmt.Errorf("tables.Create(%q): wait: %w", name, err)
	}
	if def.TTLAttribute != "" {
		_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName: aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{
				AttributeName: aws.String(def.TTLAttribute), Enabled: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("tables.Create(%q): ttl: %w", name, err)
		}
	}
	return nil
}

// DriftError says an existing table's keys or indexes differ from the template's.
type DriftError struct {
	Table, Have, Want string
}

func (e *DriftError) Error() string {
	return fmt.Sprintf("table %q was created from an older definition (keys and indexes %s, the template has %s)", e.Table, e.Have, e.Want)
}

// checkShape compares an existing table's key schema and index names with what in would
// create.
func checkShape(ctx context.Context, client *dynamodb.Client, name string, in *dynamodb.CreateTableInput) error {
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("tables.Create(%q): describe: %w", name, err)
	}
	shape := func(keys []types.KeySchemaElement, gsis []string) string {
		var parts []string
		for _, k := range keys {
			parts = append(parts, aws.ToString(k.AttributeName)+"/"+string(k.KeyType))
		}
		sort.Strings(gsis)
		return strings.Join(parts, ",") + " [" + strings.Join(gsis, ",") + "]"
	}
	var have, want []string
	for _, g := range out.Table.GlobalSecondaryIndexes {
		have = append(have, aws.ToString(g.IndexName))
	}
	for _, g := range in.GlobalSecondaryIndexes {
		want = append(want, aws.ToString(g.IndexName))
	}
	h, w := shape(out.Table.KeySchema, have), shape(in.KeySchema, want)
	if h != w {
		return &DriftError{Table: name, Have: h, Want: w}
	}
	return nil
}

// Delete deletes the table; a missing table is not an error.
func Delete(ctx context.Context, client *dynamodb.Client, name string) error {
	_, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	var nf *types.ResourceNotFoundException
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("tables.Delete(%q): %w", name, err)
	}
	return nil
}

func keySchema(keys []samtemplate.KeyElement) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, len(keys))
	for i, k := range keys {
		out[i] = types.KeySchemaElement{AttributeName: aws.String(k.Name), KeyType: types.KeyType(k.Type)}
	}
	return out
}
