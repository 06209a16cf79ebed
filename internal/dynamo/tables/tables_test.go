package tables_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/dynamo/tables"
	"github.com/tandemhq/tandem/internal/samtemplate"
)

// A table made from an older definition (here: without the second index) is reported, not
// silently used: the local tool recreates it instead of serving errors from missing indexes.
func TestCreateReportsAnOlderTable(t *testing.T) {
	ep := dynamotest.Endpoint(t)
	tpl, err := samtemplate.LoadNearest()
	if err != nil {
		t.Fatal(err)
	}
	def, err := tpl.Table("Table")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	name := fmt.Sprintf("drift-%d", os.Getpid())
	client, err := dynamo.NewClient(ctx, dynamo.Config{Table: name, Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tables.Delete(context.Background(), client, name) })
	old := def
	old.Indexes = def.Indexes[:1]
	old.Attributes = map[string]string{}
	for _, k := range append(append([]samtemplate.KeyElement(nil), def.Keys...), def.Indexes[0].Keys...) {
		old.Attributes[k.Name] = def.Attributes[k.Name]
	}
	if err := tables.Create(ctx, client, name, old); err != nil {
		t.Fatal(err)
	}
	if err := tables.Create(ctx, client, name, old); err != nil {
		t.Errorf("the same definition again: %v", err)
	}
	var drift *tables.DriftError
	if err := tables.Create(ctx, client, name, def); !errors.As(err, &drift) {
		t.Fatalf("an older table: %v, want a DriftError", err)
	}
	if err := tables.Delete(ctx, client, name); err != nil {
		t.Fatal(err)
	}
	if err := tables.Create(ctx, client, name, def); err != nil {
		t.Errorf("recreated: %v", err)
	}
}
