package dynamo

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// txKind says what a transaction item is for, so that a cancellation reason at its index
// can be explained (errors.go: explanations). The values appear in explanations and logs;
// keep them as they are. Every kind has an explanation; a test holds every kind used in the
// package to this list.
type txKind string

// Transaction item kinds.
const (
	kindExpert           txKind = "expert"            // an expert's lock cell, taken unless free
	kindLearner          txKind = "learner"           // a learner's lock cell, taken (or checked) unless free
	kindRelease          txKind = "release"           // a cell released or re-held, only if still the booking's
	kindDay              txKind = "day"               // the expert's per-day counter, below its limit
	kindWeek             txKind = "week"              // the expert's per-week counter, below its limit
	kindActive           txKind = "active"            // the learner's live-booking counter, below its limit
	kindCounter          txKind = "counter"           // a counter given back (never below zero)
	kindBudgetOrg        txKind = "budget_org"        // the org's budget usage, within its cap
	kindBudgetDepartment txKind = "budget_department" // the department's budget usage, within its cap
	kindBooking          txKind = "booking"           // a new booking item
	kindBusy             txKind = "busy"              // an expert's busy entry
	kindIdempotency      txKind = "idempotency"       // the idempotency record of a request
	kindDue              txKind = "due"               // a scheduler due entry (unconditional)
	kindState            txKind = "state"             // a booking written back at the version read
	kindRequest          txKind = "request"           // a learner's request, still looking for an expert
	kindTopic            txKind = "topic"             // a request's board pointer (unconditional)
	kindOffer            txKind = "offer"             // an expert's offer on a request (unconditional)
	kindDuplicate        txKind = "duplicate"         // a first feedback, only if none exists
	kindChanged          txKind = "changed"           // a feedback edit, at the version read
	kindProfileChanged   txKind = "profile_changed"   // an expert profile's rating tally, while it exists
	kindProfile          txKind = "profile"           // an expert profile, at the version read
	kindExpertTopic      txKind = "expert_topic"      // an expert profile's topic copy (unconditional)
	kindMarker           txKind = "marker"            // an aggregation marker: the step was applied before
	kindAgg              txKind = "agg"               // an aggregate counter (unconditional)
	kindToken            txKind = "token"             // a calendar feed token, only if new
	kindPointer          txKind = "pointer"           // the user's pointer to their feed token (unconditional)
	kindCircleNew        txKind = "circle_new"        // a new circle's busy entry and facts
	kindCircleJoin       txKind = "circle_join"       // a seat taken, while one is free and nobody waits
	kindCircleWait       txKind = "circle_wait"       // the circle's waiting count, while it is full
	kindCirclePromote    txKind = "circle_promote"    // a seat offered to the first waiting, while free
	kindCircleRelease    txKind = "circle_release"    // a seat handed back or the circle dissolved, as read
	kindCircleFacts      txKind = "circle_facts"      // a circle's facts, deleted with it (unconditional)
	kindWait             txKind = "wait"              // a new waitlist place
	kindWaiter           txKind = "waiter"            // the learner's waitlist standing, not already waiting
	kindWaitGone         txKind = "wait_gone"         // a waitlist place taken off, while still there
	kindQueued           txKind = "queued"            // a waitlist place's queue marker: there (not yet counted), or checked gone
	kindEnrollment       txKind = "enrollment"        // a program enrollment (new, or removed while there)
	kindProgram          txKind = "program"           // a program, while enrolling and below its cap
	kindPlan             txKind = "plan"              // a cohort plan, at the version read and unpublished
	kindOpenRequests     txKind = "open_requests"     // a learner's open-request counter, below its cap
	kindReleased         txKind = "released"          // a request released from the counter, unchanged since read
	kindNotification     txKind = "notification"      // a new notification, only if it does not exist yet
	kindNotificationRead txKind = "notification_read" // a notification marked read, while it exists unread
	kindUnread           txKind = "unread"            // the unread count (unconditional)
	kindOutbox           txKind = "outbox"            // a notification's e-mail state, as read
	kindFlash            txKind = "flash"             // a flash config or pair, at the version read
	kindFlashIndex       txKind = "flash_index"       // the org's entry in the flash groups index (unconditional)
	kindFlashBusy        txKind = "flash_busy"        // a flash pair's lock cell or busy entry, taken unless free
	kindRules            txKind = "rules"             // cached booking rules, unchanged since read (bookrules.go)
	kindCalendar         txKind = "calendar"          // a calendar connection, new or deleted at the version read
	kindCalendars        txKind = "calendars"         // a user's calendar-connection counter, below its cap
)

// txKinds lists every kind (the test of explanations walks it).
var txKinds = []txKind{kindExpert, kindLearner, kindRelease, kindDay, kindWeek, kindActive, kindCounter,
	kindBudgetOrg, kindBudgetDepartment, kindBooking, kindBusy, kindIdempotency, kindDue, kindState, kindRequest,
	kindTopic, kindOffer, kindDuplicate, kindChanged, kindProfileChanged, kindProfile, kindExpertTopic, kindMarker,
	kindAgg, kindToken, kindPointer, kindCircleNew, kindCircleJoin, kindCircleWait, kindCirclePromote,
	kindCircleRelease, kindCircleFacts, kindWait, kindWaiter, kindWaitGone, kindQueued, kindEnrollment, kindProgram, kindPlan,
	kindOpenRequests, kindReleased, kindNotification, kindNotificationRead, kindUnread, kindOutbox,
	kindFlash, kindFlashIndex, kindFlashBusy, kindRules, kindCalendar, kindCalendars}

// txBuilder collects the items of one TransactWriteItems and remembers what each one is,
// so a cancellation reason at index i can be explained.
type txBuilder struct {
	table string
	items []types.TransactWriteItem
	kinds []txKind
	// err is the first item that could not be marshalled: put returns it too, and commit
	// refuses to run without it, so a caller that ignores put's result loses nothing.
	err error
}

func newTx(table string) *txBuilder { return &txBuilder{table: table} }

var allOld = types.ReturnValuesOnConditionCheckFailureAllOld

func (t *txBuilder) add(kind txKind, item types.TransactWriteItem) {
	t.items = append(t.items, item)
	t.kinds = append(t.kinds, kind)
}

// lastFirst moves the last item added to the front: its condition is the one a failure is
// explained by when others fail with it (commit reports the first).
func (t *txBuilder) lastFirst() {
	if n := len(t.items); n > 1 {
		t.items = slices.Concat(t.items[n-1:], t.items[:n-1])
		t.kinds = slices.Concat(t.kinds[n-1:], t.kinds[:n-1])
	}
}

func (t *txBuilder) put(kind txKind, v any, cond string, values map[string]types.AttributeValue) error {
	return t.putNamed(kind, v, cond, nil, values)
}

// orNil is m, or nil when it is empty (DynamoDB refuses an empty map of names or values).
func orNil[M ~map[string]V, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return m
}

// putNamed is put for a condition that names attributes through #placeholders.
func (t *txBuilder) putNamed(kind txKind, v any, cond string, names map[string]string, values map[string]types.AttributeValue) error {
	av, err := attributevalue.MarshalMap(v)
	if err != nil {
		err = fmt.Errorf("transaction item %s: %w", kind, err)
		if t.err == nil {
			t.err = err
		}
		return err
	}
	p := &types.Put{TableName: &t.table, Item: av, ReturnValuesOnConditionCheckFailure: allOld}
	if cond != "" {
		p.ConditionExpression, p.ExpressionAttributeNames, p.ExpressionAttributeValues = aws.String(cond), orNil(names), orNil(values)
	}
	t.add(kind, types.TransactWriteItem{Put: p})
	return nil
}

func (t *txBuilder) delete(kind txKind, pk, sk, cond string, values map[string]types.AttributeValue) {
	d := &types.Delete{TableName: &t.table, Key: pkSK(pk, sk), ReturnValuesOnConditionCheckFailure: allOld}
	if cond != "" {
		d.ConditionExpression = aws.String(cond)
		d.ExpressionAttributeValues = values
	}
	t.add(kind, types.TransactWriteItem{Delete: d})
}

// checkAbsent adds a ConditionCheck that the item does not exist.
func (t *txBuilder) checkAbsent(kind txKind, pk, sk string) {
	t.add(kind, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &t.table, Key: pkSK(pk, sk),
		ConditionExpression: aws.String("attribute_not_exists(PK)")}})
}

func (t *txBuilder) update(kind txKind, pk, sk, expr, cond string, names map[string]string, values map[string]types.AttributeValue) {
	u := &types.Update{TableName: &t.table, Key: pkSK(pk, sk), UpdateExpression: aws.String(expr),
		ExpressionAttributeNames: orNil(names), ExpressionAttributeValues: orNil(values), ReturnValuesOnConditionCheckFailure: allOld}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
	}
	t.add(kind, types.TransactWriteItem{Update: u})
}

// increment adds one to a counter unless it has reached max.
func (t *txBuilder) increment(kind txKind, pk, sk string, max int) {
	t.update(kind, pk, sk, "SET #t = :type ADD n :one", "attribute_not_exists(n) OR n < :max",
		map[string]string{"#t": "type"},
		map[string]types.AttributeValue{":one": num(1), ":max": num(int64(max)), ":type": strAttr(string(typeCounter))})
}

// decrement takes one off a counter (never below zero).
func (t *txBuilder) decrement(kind txKind, pk, sk string) {
	t.update(kind, pk, sk, "ADD n :minus", "n > :zero", nil,
		map[string]types.AttributeValue{":minus": num(-1), ":zero": num(0)})
}

func strAttr(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
