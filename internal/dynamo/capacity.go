package dynamo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Capacity as DynamoDB charges it, computed from item sizes: DynamoDB Local reports a flat
// figure, so tests compute what AWS would charge.
//
// Item size (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
// the sum of every attribute's name (UTF-8 bytes) and value: a string its UTF-8 bytes, a
// number about 1 byte per two significant digits plus 1, binary its bytes, a boolean or null
// 1 byte, a list or map 3 bytes plus its elements (a map's names too) plus 1 byte each; sets
// the sum of their elements.
//
// Writes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html):
// one write unit per 1 KB of the item, rounded up per item; an update is charged by the larger
// of the item before and after. Transactions
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html,
// "Capacity management for transactions"): every item is read or written twice (prepare and
// commit), so 2 write units per 1 KB per item. A ConditionCheck is counted here like a write
// of the item it checks (the conservative reading: AWS charges its prepare and commit too).
// Reads: a strongly consistent read is 1 read unit per 4 KB (a Query sums the items it
// returns before rounding), eventually consistent half that.

// ItemSize is the item's size by DynamoDB's rules (above).
func ItemSize(item map[string]types.AttributeValue) int {
	n := 0
	for name, v := range item {
		n += len(name) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return numberSize(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += valueSize(e) + 1
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += len(k) + valueSize(e) + 1
		}
		return n
	case *types.AttributeValueMemberSS:
		n := 0
		for _, e := range v.Value {
			n += len(e)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, e := range v.Value {
			n += numberSize(e)
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, e := range v.Value {
			n += len(e)
		}
		return n
	}
	return 0
}

// numberSize is 1 byte per two significant digits, plus 1.
func numberSize(s string) int {
	s = strings.TrimLeft(s, "+-")
	mant, _, _ := strings.Cut(strings.ToLower(s), "e")
	digits := strings.Trim(strings.Replace(mant, ".", "", 1), "0")
	if digits == "" {
		return 1
	}
	return (len(digits)+1)/2 + 1
}

// WriteUnits is the write units of one item of size bytes in a transaction (2 per 1 KB).
func WriteUnits(bytes int) int { return 2 * max(1, (bytes+1023)/1024) }

// ReadUnits is the read units of a strongly consistent read of bytes (1 per 4 KB).
func ReadUnits(bytes int) int { return max(1, (bytes+4095)/4096) }

// TxRecorder is a test-only SDK middleware that keeps every TransactWriteItems that
// succeeded, so a test can compute what it cost (Store.UnitsOf). It observes; it changes
// nothing.
type TxRecorder struct {
	mu  sync.Mutex
	txs []*dynamodb.TransactWriteItemsInput
}

// Middleware is the SDK API option that installs the recorder.
func (r *TxRecorder) Middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("tandemTxRecorder",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			if tx, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput); ok && err == nil {
				r.mu.Lock()
				r.txs = append(r.txs, tx)
				r.mu.Unlock()
			}
			return out, md, err
		}), middleware.After)
}

// Reset forgets the recorded transactions.
func (r *TxRecorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.txs = nil
}

// Count is the number of transactions recorded.
func (r *TxRecorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.txs)
}

// Matching counts, per recorded transaction that has any, its items of op (Put, Update,
// Delete, ConditionCheck) whose sort key starts with skPrefix: what a test sees of how
// transactions were batched (a waitlist fold's Deletes of "QUEUE#" markers).
func (r *TxRecorder) Matching(op, skPrefix string) []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var counts []int
	for _, tx := range r.txs {
		n := 0
		for _, it := range tx.TransactItems {
			var key map[string]types.AttributeValue
			switch {
			case op == "Put" && it.Put != nil:
				key = it.Put.Item
			case op == "Update" && it.Update != nil:
				key = it.Update.Key
			case op == "Delete" && it.Delete != nil:
				key = it.Delete.Key
			case op == "ConditionCheck" && it.ConditionCheck != nil:
				key = it.ConditionCheck.Key
			}
			if sk, ok := key["SK"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, skPrefix) {
				n++
			}
		}
		if n > 0 {
			counts = append(counts, n)
		}
	}
	return counts
}

// ItemUnits is one transaction item's cost.
type ItemUnits struct {
	Op    string // Put, Update, Delete, ConditionCheck
	What  string // the item's key, with times and ids as they are
	Bytes int
	WCU   int
}

// TxUnits is what one transaction costs in write units, item by item.
type TxUnits struct {
	Items []ItemUnits
	WCU   int
}

// String lists the items, largest first, and the total.
func (u TxUnits) String() string {
	items := append([]ItemUnits(nil), u.Items...)
	sort.SliceStable(items, func(i, j int) bool { return items[i].Bytes > items[j].Bytes })
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "  %-14s %5d B %2d WCU  %s\n", it.Op, it.Bytes, it.WCU, it.What)
	}
	fmt.Fprintf(&b, "  %d items, %d WCU\n", len(items), u.WCU)
	return b.String()
}

// UnitsOf computes the write units of the i-th recorded transaction (negative: from the
// end): a Put by the item it wrote; an Update and a ConditionCheck by the item as it is now
// (strongly consistent GetItem: run it right after the transaction, before anything else
// changes those items); a Delete by 1 KB (the item is gone; booking writes none).
func (s *Store) UnitsOf(ctx context.Context, r *TxRecorder, i int) (TxUnits, error) {
	r.mu.Lock()
	if i < 0 {
		i += len(r.txs)
	}
	if i < 0 || i >= len(r.txs) {
		r.mu.Unlock()
		return TxUnits{}, fmt.Errorf("no recorded transaction %d", i)
	}
	tx := r.txs[i]
	r.mu.Unlock()
	var out TxUnits
	for _, it := range tx.TransactItems {
		var (
			u   ItemUnits
			key map[string]types.AttributeValue
		)
		switch {
		case it.Put != nil:
			u = ItemUnits{Op: "Put", Bytes: ItemSize(it.Put.Item)}
			key = it.Put.Item
		case it.Update != nil:
			u, key = ItemUnits{Op: "Update"}, it.Update.Key
		case it.ConditionCheck != nil:
			u, key = ItemUnits{Op: "ConditionCheck"}, it.ConditionCheck.Key
		case it.Delete != nil:
			u, key = ItemUnits{Op: "Delete", Bytes: 1024}, it.Delete.Key
		}
		u.What = keyString(key)
		if it.Update != nil || it.ConditionCheck != nil {
			got, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: pkSK(keyString2(key)), ConsistentRead: aws.Bool(true)})
			if err != nil {
				return TxUnits{}, err
			}
			u.Bytes = ItemSize(got.Item)
		}
		u.WCU = WriteUnits(u.Bytes)
		out.Items = append(out.Items, u)
		out.WCU += u.WCU
	}
	return out, nil
}

func keyString(item map[string]types.AttributeValue) string {
	pk, sk := keyString2(item)
	return pk + " / " + sk
}

func keyString2(item map[string]types.AttributeValue) (string, string) {
	str := func(name string) string {
		if v, ok := item[name].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	return str("PK"), str("SK")
}
