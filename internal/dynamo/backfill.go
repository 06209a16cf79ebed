package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Backfills: what items written before a change need for the code after it (README "Deploy",
// Upgrading; `tandem backfill`). One Scan of the table finds them; every write is conditioned
// so that it does its part once and never undoes a newer write, which makes a second run
// change nothing and an interrupted run resumable by running it again.
//
//   - Calendar-connection counters (skCalendars): each connection's id is added to its
//     owner's set in a transaction with a check that the connection still exists, so a
//     connection removed meanwhile (its removal takes the id out in its own transaction) is
//     never counted back. No cap applies: a user over it keeps their connections and can add
//     one once under it.
//   - Mentorship health (DueHealth): every org with an active mentorship gets its pass in the
//     next hour unless one is there, as a mentorship becoming active does.
//   - Lock cells: each 15-minute item (SK CELL, one per person and cell, naming its owner and
//     any hold) becomes the 5-minute slots of its window item (SK CELLS) that the owner's span
//     covers, in one transaction with the old item's delete: the slots are set only if free
//     or already the owner's, the delete only if the old item is unchanged. A slot another
//     owner holds is a conflict: nothing is written and the cell is reported. The span comes
//     from the owner (the booking, or the circle for an expert's group session); a cell whose
//     owner is gone is left to its expiry (nothing can release it, nothing reads it).
//     This must run while no lock is written (API and scheduler stopped): the code before
//     ignores the window items and the code after ignores the cells (README, Upgrading).

// skOldCell is the sort key of the 15-minute lock items before cells.go; only the backfill
// reads it.
const skOldCell = "CELL"

// BackfillResult counts what one run found and did.
type BackfillResult struct {
	Scanned int `json:"scanned"` // items read
	// Calendar connections: added to their owner's counter, already in it, removed meanwhile.
	CalendarsCounted int `json:"calendarsCounted"`
	CalendarsAlready int `json:"calendarsAlready"`
	CalendarsGone    int `json:"calendarsGone"`
	// Orgs with an active mentorship, and those whose health pass this run put.
	HealthOrgs int `json:"healthOrgs"`
	HealthPut  int `json:"healthPut"`
	// Old lock cells moved into their windows, past their expiry (left), without an owner
	// (left), and in conflict with another owner's slot (left; listed by key).
	CellsMoved    int      `json:"cellsMoved"`
	CellsExpired  int      `json:"cellsExpired"`
	CellsOrphaned int      `json:"cellsOrphaned"`
	CellConflicts []string `json:"cellConflicts"`
}

// Backfill runs every backfill over the whole table (see above) at now.
func (s *Store) Backfill(ctx context.Context, now time.Time) (r BackfillResult, err error) {
	defer tandem.Wrap(&err, "Store.Backfill")
	orgs := map[string]bool{}
	p := dynamodb.NewScanPaginator(s.client, &dynamodb.ScanInput{TableName: &s.table, ConsistentRead: aws.Bool(true),
		FilterExpression:         aws.String("SK = :cell OR #ty = :conn OR (#ty = :m AND #st = :active)"),
		ExpressionAttributeNames: map[string]string{"#ty": "type", "#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":cell": strAttr(skOldCell), ":conn": strAttr(string(typeCalConn)),
			":m": strAttr(string(typeMentorship)), ":active": strAttr(string(tandem.MentorshipActive))}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return r, err
		}
		r.Scanned += int(page.ScannedCount)
		for _, item := range page.Items {
			switch {
			case str(item["SK"]) == skOldCell:
				err = s.moveOldCell(ctx, item, now, &r)
			case str(item["type"]) == string(typeCalConn):
				err = s.countCalendar(ctx, item, &r)
			default:
				orgs[str(item["org"])] = true
			}
			if err != nil {
				return r, fmt.Errorf("item %s %s: %w", str(item["PK"]), str(item["SK"]), err)
			}
		}
	}
	next := now.UTC().Truncate(time.Hour).Add(time.Hour)
	for org := range orgs {
		r.HealthOrgs++
		put, err := s.putHealthDueIfNone(ctx, org, next)
		if err != nil {
			return r, err
		}
		if put {
			r.HealthPut++
		}
	}
	return r, nil
}

// putHealthDueIfNone puts the org's health pass at the hour at unless one is there (as
// ScheduleMentorshipHealth with onlyNew), and says whether it put it.
func (s *Store) putHealthDueIfNone(ctx context.Context, org string, at time.Time) (bool, error) {
	av, err := attributevalue.MarshalMap(toDueItem(at, org, healthDueID, DueHealth))
	if err != nil {
		return false, err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av,
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	return err == nil, translate(err, "")
}

// countCalendar adds a connection to its owner's counter, if it still exists and is not
// counted yet.
func (s *Store) countCalendar(ctx context.Context, conn map[string]types.AttributeValue, r *BackfillResult) error {
	org, user, id := str(conn["org"]), str(conn["userId"]), str(conn["id"])
	if org == "" || user == "" || id == "" {
		return errors.New("a calendar connection without org, userId or id")
	}
	items := []types.TransactWriteItem{
		{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: pkSK(str(conn["PK"]), str(conn["SK"])),
			ConditionExpression: aws.String("attribute_exists(PK)")}},
		{Update: &types.Update{TableName: &s.table, Key: pkSK(userPK(org, user), skCalendars),
			UpdateExpression:         aws.String("SET #t = :type ADD calendars :ids"),
			ConditionExpression:      aws.String("attribute_not_exists(calendars) OR NOT contains(calendars, :id)"),
			ExpressionAttributeNames: map[string]string{"#t": "type"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":type": strAttr(string(typeCounter)),
				":ids": &types.AttributeValueMemberSS{Value: []string{id}}, ":id": strAttr(id)}}},
	}
	failed, err := s.transactOnce(ctx, items)
	switch {
	case err != nil:
		return err
	case failed == 0:
		r.CalendarsGone++
	case failed == 1:
		r.CalendarsAlready++
	default:
		r.CalendarsCounted++
	}
	return nil
}

// transactOnce writes items in one transaction, retrying contention, and returns the index
// of the item whose condition failed (-1 when it committed).
func (s *Store) transactOnce(ctx context.Context, items []types.TransactWriteItem) (int, error) {
	for attempt := 0; ; attempt++ {
		_, err := s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return -1, nil
		}
		var tce *types.TransactionCanceledException
		if errors.As(err, &tce) {
			for i, reason := range tce.CancellationReasons {
				if reason.Code != nil && *reason.Code == "ConditionalCheckFailed" {
					return i, nil
				}
			}
		}
		if !contended(err) || attempt >= 10 {
			return 0, err
		}
		if err := pause(ctx, attempt); err != nil {
			return 0, err
		}
	}
}

// moveOldCell moves one 15-minute lock item into its window's slots (see above).
func (s *Store) moveOldCell(ctx context.Context, cell map[string]types.AttributeValue, now time.Time, r *BackfillResult) error {
	pk := str(cell["PK"])
	org, side, person, start, err := parseOldCellPK(pk)
	if err != nil {
		return err
	}
	if exp, _ := strconv.ParseInt(numStr(cell["expiresAt"]), 10, 64); exp != 0 && exp <= now.Unix() {
		r.CellsExpired++ // DynamoDB's TTL deletes it; the session it locked has ended
		return nil
	}
	owner := str(cell["bookingId"])
	lo, hi, found, err := s.ownerSpan(ctx, org, side, owner)
	if err != nil {
		return err
	}
	if !found {
		r.CellsOrphaned++
		return nil
	}
	hold := numStr(cell["holdUntil"])
	// The slots of the owner's span within this cell; the cells of one span are moved one by
	// one, and any two overlapping spans still share a slot.
	var window time.Time
	var slots []int
	for _, w := range slotsOf(maxTime(lo, start), minTime(hi, start.Add(15*time.Minute))) {
		window, slots = w.window, append(slots, w.slots...) // a 15-minute cell never spans two windows
	}
	e := newLockExpr()
	e.values[":o"] = strAttr(ownerTag(owner))
	e.names["#ty"] = "type"
	e.values[":ty"] = strAttr(string(typeCell))
	e.values[":exp"] = num(window.Add(lockWindow + 24*time.Hour).Unix())
	set := []string{"#ty = :ty", "expiresAt = :exp"}
	for _, i := range slots {
		c, h := e.name("c", i), e.name("h", i)
		set = append(set, c+" = :o")
		if hold != "" {
			set = append(set, h+" = :h")
			e.values[":h"] = &types.AttributeValueMemberN{Value: hold}
		} else {
			e.remove = append(e.remove, h)
		}
		e.cond = append(e.cond, "(attribute_not_exists("+c+") OR "+c+" = :o)")
	}
	expr := "SET " + strings.Join(set, ", ")
	if len(e.remove) > 0 {
		expr += " REMOVE " + strings.Join(e.remove, ", ")
	}
	update := &types.Update{TableName: &s.table, Key: pkSK(lockPK(org, side, person, window), skCells),
		UpdateExpression: aws.String(expr), ExpressionAttributeNames: e.names, ExpressionAttributeValues: e.values}
	if len(e.cond) > 0 {
		update.ConditionExpression = aws.String(strings.Join(e.cond, " AND "))
	}
	unchanged := "bookingId = :b AND attribute_not_exists(holdUntil)"
	values := map[string]types.AttributeValue{":b": strAttr(owner)}
	if hold != "" {
		unchanged = "bookingId = :b AND holdUntil = :hu"
		values[":hu"] = &types.AttributeValueMemberN{Value: hold}
	}
	items := []types.TransactWriteItem{{Delete: &types.Delete{TableName: &s.table, Key: pkSK(pk, skOldCell),
		ConditionExpression: aws.String(unchanged), ExpressionAttributeValues: values}}}
	if len(slots) > 0 { // a cell outside its owner's span (it never is) only goes
		items = append(items, types.TransactWriteItem{Update: update})
	}
	failed, err := s.transactOnce(ctx, items)
	switch {
	case err != nil:
		return err
	case failed == 0:
		out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: pkSK(pk, skOldCell), ConsistentRead: aws.Bool(true)})
		if err == nil && len(out.Item) == 0 {
			return nil // moved by a run alongside, or released: nothing left to move
		}
		return errors.Join(err, errors.New("the cell changed while it was moved: is a booking being written? (run it again once none is)"))
	case failed == 1:
		r.CellConflicts = append(r.CellConflicts, pk)
	default:
		r.CellsMoved++
	}
	return nil
}

// ownerSpan is the span a cell's owner locks on side "E" (the session and its buffers) or
// "L" (the session): a booking's, else a circle's (an expert's group session).
func (s *Store) ownerSpan(ctx context.Context, org, side, owner string) (lo, hi time.Time, found bool, err error) {
	b, err := getItem[bookingItem](ctx, s, pkSK(bookingPK(org, owner), skBooking), true)
	if err != nil {
		return lo, hi, false, err
	}
	if b != nil {
		span := &tandem.Booking{SessionType: b.SessionType.toDomain(), Start: parseKeyTime(b.Start), End: parseKeyTime(b.End)}
		if side == "L" {
			lo, hi = learnerSpan(span)
		} else {
			lo, hi = expertSpan(span)
		}
		return lo, hi, true, nil
	}
	if side != "E" {
		return lo, hi, false, nil
	}
	c, err := getItem[circleItem](ctx, s, pkSK(circlePK(org, owner), skCircle), true)
	if err != nil || c == nil {
		return lo, hi, false, err
	}
	lo, hi = expertSpan(circleSpan(org, owner, c.SessionType.toDomain(), parseKeyTime(c.Start), parseKeyTime(c.End)))
	return lo, hi, true, nil
}

// parseOldCellPK reads ORG#<org>#CELL#<E|L>#<person>#<cell start> (lockPK's shape, with a
// cell's start where a window's now is).
func parseOldCellPK(pk string) (org, side, person string, start time.Time, err error) {
	org, rest, ok := strings.Cut(strings.TrimPrefix(pk, "ORG#"), "#CELL#")
	i := strings.LastIndexByte(rest, '#')
	if !ok || i < 2 || rest[1] != '#' {
		return "", "", "", start, fmt.Errorf("not a lock cell key: %q", pk)
	}
	side, person = rest[:1], rest[2:i]
	start, err = time.Parse(keyTime, rest[i+1:])
	return org, side, person, start, err
}

func numStr(av types.AttributeValue) string {
	if n, ok := av.(*types.AttributeValueMemberN); ok {
		return n.Value
	}
	return ""
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
