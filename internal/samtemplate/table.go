package samtemplate

import (
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
)

// KeyElement is one attribute of a key schema.
type KeyElement struct {
	Name string
	Type string // HASH or RANGE
}

// Index is a global secondary index.
type Index struct {
	Name       string
	Keys       []KeyElement
	Projection string // ALL, KEYS_ONLY or INCLUDE
	NonKey     []string
}

// Table is the part of a DynamoDB table definition that shapes data: attributes, keys,
// indexes, stream and TTL. Billing, PITR and SSE do not exist locally and are left out.
type Table struct {
	LogicalID    string
	Attributes   map[string]string // name → S, N or B
	Keys         []KeyElement
	Indexes      []Index
	StreamView   string
	TTLAttribute string
}

// Table returns the definition of the AWS::DynamoDB::Table with the logical id.
func (t *Template) Table(logicalID string) (Table, error) {
	res, err := t.cf.GetDynamoDBTableWithName(logicalID)
	if err != nil {
		return Table{}, fmt.Errorf("samtemplate: table %q: %w", logicalID, err)
	}
	return tableFrom(logicalID, res), nil
}

func tableFrom(id string, res *dynamodb.Table) Table {
	tb := Table{LogicalID: id, Attributes: map[string]string{}}
	for _, a := range res.AttributeDefinitions {
		tb.Attributes[a.AttributeName] = a.AttributeType
	}
	for _, k := range res.KeySchema {
		tb.Keys = append(tb.Keys, KeyElement{Name: k.AttributeName, Type: k.KeyType})
	}
	for _, g := range res.GlobalSecondaryIndexes {
		ix := Index{Name: g.IndexName}
		for _, k := range g.KeySchema {
			ix.Keys = append(ix.Keys, KeyElement{Name: k.AttributeName, Type: k.KeyType})
		}
		if g.Projection.ProjectionType != nil {
			ix.Projection = *g.Projection.ProjectionType
		}
		ix.NonKey = g.Projection.NonKeyAttributes
		tb.Indexes = append(tb.Indexes, ix)
	}
	if res.StreamSpecification != nil {
		tb.StreamView = res.StreamSpecification.StreamViewType
	}
	if res.TimeToLiveSpecification != nil {
		if res.TimeToLiveSpecification.AttributeName != nil {
			tb.TTLAttribute = *res.TimeToLiveSpecification.AttributeName
		}
	}
	return tb
}
