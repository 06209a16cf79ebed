package dynamo

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// txBuilder collects the items of one TransactWriteItems and remembers what each one is,
// so a cancellation reason at index i can be explained.
type txBuilder struct {
	table string
	items []types.TransactWriteItem
	kinds []string
}

func newTx(table string) *txBuilder { return &txBuilder{table: table} }

var allOld = types.ReturnValuesOnConditionCheckFailureAllOld

func (t *txBuilder) add(kind string, item types.TransactWriteItem) {
	t.items = append(t.items, item)
	t.kinds = append(t.kinds, kind)
}

func (t *txBuilder) put(kind string, v any, cond string, values map[string]types.AttributeValue) error {
	return t.putNamed(kind, v, cond, nil, values)
}

// putNamed is put for a condition that names attributes through #placeholders.
func (t *txBuilder) putNamed(kind string, v any, cond string, names map[string]string, values map[string]types.AttributeValue) error {
	av, err := attributevalue.MarshalMap(v)
	if err != nil {
		return err
	}
	p := &types.Put{TableName: &t.table, Item: av, ReturnValuesOnConditionCheckFailure: allOld}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
		if len(names) > 0 {
			p.ExpressionAttributeNames = names
		}
		if len(values) > 0 {
			p.ExpressionAttributeValues = values
		}
	}
	t.add(kind, types.TransactWriteItem{Put: p})
	return nil
}

func (t *txBuilder) delete(kind, pk, sk, cond string, values map[string]types.AttributeValue) {
	d := &types.Delete{TableName: &t.table, Key: pkSK(pk, sk), ReturnValuesOnConditionCheckFailure: allOld}
	if cond != "" {
		d.ConditionExpression = aws.String(cond)
		d.ExpressionAttributeValues = values
	}
	t.add(kind, types.TransactWriteItem{Delete: d})
}

func (t *txBuilder) update(kind, pk, sk, expr, cond string, names map[string]string, values map[string]types.AttributeValue) {
	u := &types.Update{TableName: &t.table, Key: pkSK(pk, sk), UpdateExpression: aws.String(expr),
		ReturnValuesOnConditionCheckFailure: allOld}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
	}
	if len(names) > 0 {
		u.ExpressionAttributeNames = names
	}
	if len(values) > 0 {
		u.ExpressionAttributeValues = values
	}
	t.add(kind, types.TransactWriteItem{Update: u})
}

// lockCell takes one cell for booking b: free, or held by a hold that has lapsed.
func (t *txBuilder) lockCell(kind, pk string, b *tandem.Booking, hold int64, now time.Time) {
	item := map[string]types.AttributeValue{
		"PK": strAttr(pk), "SK": strAttr(skCell), "type": strAttr(typeCell), "bookingId": strAttr(b.ID),
		"expiresAt": num(b.End.Add(24 * time.Hour).Unix()),
	}
	if hold != 0 {
		item["holdUntil"] = num(hold)
	}
	t.add(kind, types.TransactWriteItem{Put: &types.Put{
		TableName: &t.table, Item: item, ReturnValuesOnConditionCheckFailure: allOld,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR (attribute_exists(holdUntil) AND holdUntil <= :now)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": num(now.Unix())},
	}})
}

// releaseCell deletes a cell if it still belongs to the booking.
func (t *txBuilder) releaseCell(kind, pk, bookingID string) {
	t.delete(kind, pk, skCell, "bookingId = :b", map[string]types.AttributeValue{":b": strAttr(bookingID)})
}

// increment adds one to a counter unless it has reached max.
func (t *txBuilder) increment(kind, pk, sk string, max int) {
	t.update(kind, pk, sk, "SET #t = :type ADD n :one", "attribute_not_exists(n) OR n < :max",
		map[string]string{"#t": "type"},
		map[string]types.AttributeValue{":one": num(1), ":max": num(int64(max)), ":type": strAttr(typeCounter)})
}

// decrement takes one off a counter (never below zero).
func (t *txBuilder) decrement(kind, pk, sk string) {
	t.update(kind, pk, sk, "ADD n :minus", "n > :zero", nil,
		map[string]types.AttributeValue{":minus": num(-1), ":zero": num(0)})
}

func strAttr(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
