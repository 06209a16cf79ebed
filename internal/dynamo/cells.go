package dynamo

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Lock cells. A person's time is locked in slots of tandem.LockCellMin (5) minutes, kept as
// attributes of one item per person and lockWindow (4 hours, UTC-aligned): slot i of a window
// is c<i>, the owner's tag (a hash of the booking's or circle's id), and, while the owner is
// an approval hold, h<i>, the hold's end (Unix seconds). Taking a span is one UpdateItem per
// window it touches (usually one, two across a window boundary), conditioned on every slot it
// sets being free (no c<i>, or a hold that has lapsed); releasing and confirming are
// conditioned on every slot still being the owner's. Any two overlapping spans share a slot,
// and a slot is one attribute of one item, so a double booking cannot commit.
//
// The trade-off (README "Lock cells: cost against precision"): 15-minute cells, one item
// each, cost 2 WCU per quarter hour locked and blocked up to 10 minutes more than a 5-minute
// buffer off a cell boundary asked for; these cost 2 WCU per window touched and block to the
// 5 minutes. An item holds at most 48 slots (≈ 700 bytes with every slot held, confirmed),
// so it stays within one write unit.

// lockWindow is the span of time one lock item covers.
const lockWindow = 4 * time.Hour

// lockSlot is one lock slot.
const lockSlot = tandem.LockCellMin * time.Minute

// locks is one person's lock items: whose, and how a failed condition on them is explained.
type locks struct {
	org, side, person string // side: "E" expert, "L" learner
	kind              txKind
}

func expertLocks(org, id string) locks  { return locks{org, "E", id, kindExpert} }
func learnerLocks(org, id string) locks { return locks{org, "L", id, kindLearner} }

func (l locks) pk(window time.Time) string { return lockPK(l.org, l.side, l.person, window) }

// ownerTag is the value a slot holds for its owner: 12 hex digits of the id's hash (an id is
// up to 128 characters; the tag keeps a full item within 1 KB, and two owners of one window
// colliding is a 1 in 2^48 chance).
func ownerTag(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:6])
}

// windowSlots is the slots of one window that a span covers.
type windowSlots struct {
	window time.Time
	slots  []int
}

// slotsOf lists, window by window, the slots covering [lo, hi). Truncate counts from the zero
// time, a whole number of slots and windows before the Unix epoch, so slots line up with the
// slot engine's cells (availability.Rules.LockCellMin).
func slotsOf(lo, hi time.Time) []windowSlots {
	var out []windowSlots
	for c := lo.UTC().Truncate(lockSlot); c.Before(hi); c = c.Add(lockSlot) {
		w := c.Truncate(lockWindow)
		i := int(c.Sub(w) / lockSlot)
		if len(out) == 0 || !out[len(out)-1].window.Equal(w) {
			out = append(out, windowSlots{window: w})
		}
		out[len(out)-1].slots = append(out[len(out)-1].slots, i)
	}
	return out
}

// expertSpan is the span an expert's locks cover: the session and its buffers; learnerSpan
// the session.
func expertSpan(b *tandem.Booking) (time.Time, time.Time) {
	return b.Start.Add(-time.Duration(b.SessionType.BufferBeforeMin) * time.Minute),
		b.End.Add(time.Duration(b.SessionType.BufferAfterMin) * time.Minute)
}

func learnerSpan(b *tandem.Booking) (time.Time, time.Time) { return b.Start, b.End }

// lockExpr builds one window's update: the slots to take, release and confirm.
type lockExpr struct {
	set, remove, cond []string
	names             map[string]string
	values            map[string]types.AttributeValue
}

func newLockExpr() *lockExpr {
	return &lockExpr{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

func (e *lockExpr) name(prefix string, i int) string {
	n := prefix + strconv.Itoa(i)
	e.names["#"+n] = n
	return "#" + n
}

// take sets slot i to the owner (":o"), with its hold (":h") or none, if it is free.
func (e *lockExpr) take(i int, hold bool) {
	c, h := e.name("c", i), e.name("h", i)
	e.set = append(e.set, c+" = :o")
	if hold {
		e.set = append(e.set, h+" = :h")
	} else {
		e.remove = append(e.remove, h)
	}
	e.cond = append(e.cond, "(attribute_not_exists("+c+") OR "+h+" <= :now)")
}

// release clears slot i if it is the owner's.
func (e *lockExpr) release(i int) {
	c, h := e.name("c", i), e.name("h", i)
	e.remove = append(e.remove, c, h)
	e.cond = append(e.cond, c+" = :o")
}

// confirm ends the hold on slot i if it is the owner's.
func (e *lockExpr) confirm(i int) {
	c, h := e.name("c", i), e.name("h", i)
	e.remove = append(e.remove, h)
	e.cond = append(e.cond, c+" = :o")
}

func (e *lockExpr) empty() bool { return len(e.cond) == 0 }

// add writes the window's update into tx.
func (e *lockExpr) add(t *txBuilder, kind txKind, pk string, window time.Time, owner string, hold int64, now time.Time) {
	e.values[":o"] = strAttr(ownerTag(owner))
	expr := ""
	if len(e.set) > 0 { // a take: it also stamps the item's type and expiry, and needs now
		e.names["#ty"] = "type"
		e.values[":ty"] = strAttr(string(typeCell))
		e.values[":exp"] = num(window.Add(lockWindow + 24*time.Hour).Unix())
		e.values[":now"] = num(now.Unix())
		if hold != 0 {
			e.values[":h"] = num(hold)
		}
		expr = "SET " + strings.Join(append([]string{"#ty = :ty", "expiresAt = :exp"}, e.set...), ", ")
	}
	if len(e.remove) > 0 {
		expr = strings.TrimSpace(expr + " REMOVE " + strings.Join(e.remove, ", "))
	}
	t.update(kind, pk, skCells, expr, strings.Join(e.cond, " AND "), e.names, e.values)
}

// takeSpan locks [lo, hi) for owner: free slots, or slots of a lapsed hold.
func (t *txBuilder) takeSpan(l locks, lo, hi time.Time, owner string, hold int64, now time.Time) {
	for _, w := range slotsOf(lo, hi) {
		e := newLockExpr()
		for _, i := range w.slots {
			e.take(i, hold != 0)
		}
		e.add(t, l.kind, l.pk(w.window), w.window, owner, hold, now)
	}
}

// releaseSpan frees [lo, hi) if it is still owner's.
func (t *txBuilder) releaseSpan(l locks, lo, hi time.Time, owner string) {
	for _, w := range slotsOf(lo, hi) {
		e := newLockExpr()
		for _, i := range w.slots {
			e.release(i)
		}
		e.add(t, kindRelease, l.pk(w.window), w.window, owner, 0, time.Time{})
	}
}

// confirmSpan ends the approval hold on [lo, hi), which must still be owner's.
func (t *txBuilder) confirmSpan(l locks, lo, hi time.Time, owner string) {
	for _, w := range slotsOf(lo, hi) {
		e := newLockExpr()
		for _, i := range w.slots {
			e.confirm(i)
		}
		e.add(t, kindRelease, l.pk(w.window), w.window, owner, 0, time.Time{})
	}
}

// moveSpan moves owner's lock from [oldLo, oldHi) to [newLo, newHi): slots in both stay as
// they are, the others are released or taken, one update per window touched.
func (t *txBuilder) moveSpan(l locks, oldLo, oldHi, newLo, newHi time.Time, owner string, hold int64, now time.Time) {
	type change struct{ old, new map[int]bool }
	byWindow := map[time.Time]*change{}
	at := func(w time.Time) *change {
		if byWindow[w] == nil {
			byWindow[w] = &change{old: map[int]bool{}, new: map[int]bool{}}
		}
		return byWindow[w]
	}
	for _, w := range slotsOf(oldLo, oldHi) {
		for _, i := range w.slots {
			at(w.window).old[i] = true
		}
	}
	for _, w := range slotsOf(newLo, newHi) {
		for _, i := range w.slots {
			at(w.window).new[i] = true
		}
	}
	windows := make([]time.Time, 0, len(byWindow))
	for w := range byWindow {
		windows = append(windows, w)
	}
	sort.Slice(windows, func(i, j int) bool { return windows[i].Before(windows[j]) })
	for _, w := range windows {
		c := byWindow[w]
		e := newLockExpr()
		kind := kindRelease
		for i := range lockWindow / lockSlot {
			switch {
			case c.old[int(i)] && !c.new[int(i)]:
				e.release(int(i))
			case c.new[int(i)] && !c.old[int(i)]:
				e.take(int(i), hold != 0)
				kind = l.kind
			}
		}
		if !e.empty() {
			e.add(t, kind, l.pk(w), w, owner, hold, now)
		}
	}
}

// checkSpanFree checks, without writing, that [lo, hi) is free (or held by a lapsed hold).
func (t *txBuilder) checkSpanFree(l locks, lo, hi time.Time, now time.Time) {
	for _, w := range slotsOf(lo, hi) {
		e := newLockExpr()
		for _, i := range w.slots {
			e.take(i, false)
		}
		e.values[":now"] = num(now.Unix())
		t.add(l.kind, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &t.table, Key: pkSK(l.pk(w.window), skCells), ReturnValuesOnConditionCheckFailure: allOld,
			ConditionExpression: aws.String(strings.Join(e.cond, " AND ")), ExpressionAttributeNames: e.names,
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": num(now.Unix())},
		}})
	}
}
