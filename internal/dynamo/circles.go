package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// Circles (group sessions; the rules are in tandem/circle.go). Items:
//
//	expert partition, busySK(start, circleID)  the circle's busy entry, which is also its seat
//	                                           counter: seats, taken, waiting. Every seat, waitlist
//	                                           place and promotion is decided by one condition on it.
//	CIRCLE#id / CIRCLE                         the circle's facts, to find it by id
//	CIRCLE#id / WAIT#<key>                     one waitlist place; keys sort in arrival order
//	CIRCLE#id / WAITER#<learner>               the learner's standing (waiting or skipped)
//	CIRCLEQ#id / QUEUE#<key>                   a place not yet counted in the busy entry's waiting
//
// The waitlist is a queue folded into the count. Joining it writes the place with nothing
// another learner writes (place, queue marker, standing, idempotency record, a check that the
// learner is free), so a crowd joining at once does not collide. The busy entry's waiting
// count is then brought up to date by a fold (foldWaitlist): one transaction that adds the
// number of queued markers to it, conditioned on the circle being there, not called off and
// full (or already having a waitlist), and deletes those markers, each conditioned on being
// there, so no place is counted twice. Whoever folds counts everyone queued so far: a crowd
// becomes a few transactions on the circle's one hot item instead of one each. A request
// answers 202 only once its place is counted. Taking a place off (leave, skip, offer) is
// conditioned on its marker: a queued place's removal deletes the marker and leaves the count
// alone, a counted one's checks the marker is gone and takes one off the count.
//
// A seat is an ordinary booking item (circleId set) holding the learner's cells; the expert's
// cells are held once, by the circle id, for as long as the circle exists.

// CircleID is the circle of an expert's time at start: the same for every learner, so two
// learners creating it at once collide on its items and one of them joins instead.
func CircleID(org, expertID string, start time.Time) string {
	sum := sha256.Sum256([]byte(org + "\x00" + expertID + "\x00" + timeKey(start)))
	return "c" + hex.EncodeToString(sum[:13])
}

// circleBusyItem is how a circle's busy entry is written: unlike busyItem, the counters are
// always present, so conditions can compare them.
type circleBusyItem struct {
	PK            string   `dynamodbav:"PK"`
	SK            string   `dynamodbav:"SK"`
	Type          itemType `dynamodbav:"type"`
	BookingID     string   `dynamodbav:"bookingId"` // the circle id: what its cells name
	CircleID      string   `dynamodbav:"circleId"`
	SessionTypeID string   `dynamodbav:"sessionTypeId"`
	Start         string   `dynamodbav:"start"`
	End           string   `dynamodbav:"end"`
	BufferBefore  int      `dynamodbav:"bufferBeforeMin"`
	BufferAfter   int      `dynamodbav:"bufferAfterMin"`
	Seats         int      `dynamodbav:"seats"`
	Taken         int      `dynamodbav:"taken"`
	Waiting       int      `dynamodbav:"waiting"`
	DayCounter    string   `dynamodbav:"dayCounter,omitempty"`
	WeekCounter   string   `dynamodbav:"weekCounter,omitempty"`
	ExpiresAt     int64    `dynamodbav:"expiresAt"`
}

// circleItem is what never changes about a circle: who, what and when.
type circleItem struct {
	PK          string          `dynamodbav:"PK"`
	SK          string          `dynamodbav:"SK"`
	Type        itemType        `dynamodbav:"type"`
	ID          string          `dynamodbav:"id"`
	Org         string          `dynamodbav:"org"`
	Expert      partyItem       `dynamodbav:"expert"`
	SessionType sessionTypeItem `dynamodbav:"sessionType"`
	Start       string          `dynamodbav:"start"`
	End         string          `dynamodbav:"end"`
	MeetingURL  string          `dynamodbav:"meetingUrl,omitempty"`
	CreatedAt   string          `dynamodbav:"createdAt"`
	ExpiresAt   int64           `dynamodbav:"expiresAt"`
}

// circleItemFrom and toDomain are the one place a circle's facts are converted; the counts
// live on its busy entry (circleFromBusy).
func circleItemFrom(b *tandem.Booking, now time.Time, expiresAt int64) circleItem {
	return circleItem{PK: circlePK(b.OrgID, b.CircleID), SK: skCircle, Type: typeCircle, ID: b.CircleID, Org: b.OrgID,
		Expert: toPartyItem(b.Expert), SessionType: toSessionTypeItem(b.SessionType), Start: timeKey(b.Start), End: timeKey(b.End),
		MeetingURL: b.MeetingURL, CreatedAt: now.UTC().Format(time.RFC3339), ExpiresAt: expiresAt}
}

func (it *circleItem) toDomain() *tandem.Circle {
	st := it.SessionType.toDomain()
	return &tandem.Circle{ID: it.ID, OrgID: it.Org, Expert: it.Expert.toDomain(), SessionType: st, MeetingURL: it.MeetingURL,
		Start: parseKeyTime(it.Start), End: parseKeyTime(it.End), Seats: st.Seats}
}

// waitItem is a place on a circle's waitlist, keyed by arrival.
type waitItem struct {
	PK        string    `dynamodbav:"PK"`
	SK        string    `dynamodbav:"SK"`
	Type      itemType  `dynamodbav:"type"`
	Learner   partyItem `dynamodbav:"learner"`
	Key       string    `dynamodbav:"key"`
	JoinedAt  string    `dynamodbav:"joinedAt"`
	Note      string    `dynamodbav:"note,omitempty"`
	ExpiresAt int64     `dynamodbav:"expiresAt"`
}

// waitItemFrom and toDomain are the one place a waitlist place is converted.
func waitItemFrom(pk string, w tandem.Waiter, expiresAt int64) waitItem {
	return waitItem{PK: pk, SK: prefixWait + w.Key, Type: typeWait, Learner: toPartyItem(w.Learner), Key: w.Key,
		JoinedAt: w.JoinedAt.UTC().Format(time.RFC3339), Note: w.Note, ExpiresAt: expiresAt}
}

func (it *waitItem) toDomain() tandem.Waiter {
	joined, _ := time.Parse(time.RFC3339, it.JoinedAt)
	return tandem.Waiter{Learner: it.Learner.toDomain(), Key: it.Key, JoinedAt: joined, Note: it.Note}
}

// queueItem marks a waitlist place not yet counted in its circle's waiting count.
type queueItem struct {
	PK            string   `dynamodbav:"PK"`
	SK            string   `dynamodbav:"SK"`
	Type          itemType `dynamodbav:"type"`
	SessionTypeID string   `dynamodbav:"sessionTypeId"` // a fold counts only its circle's session type
	ExpiresAt     int64    `dynamodbav:"expiresAt"`
}

type waiterItem struct {
	PK         string   `dynamodbav:"PK"`
	SK         string   `dynamodbav:"SK"`
	Type       itemType `dynamodbav:"type"`
	State      string   `dynamodbav:"state"` // tandem.MemberWaiting or tandem.MemberSkipped
	Key        string   `dynamodbav:"key"`
	SkipReason string   `dynamodbav:"skipReason,omitempty"`
	ExpiresAt  int64    `dynamodbav:"expiresAt"`
}

func circleFromBusy(it *busyItem) tandem.Circle {
	return tandem.Circle{ID: it.CircleID, SessionType: tandem.SessionType{ID: it.SessionTypeID, BufferBeforeMin: it.BufferBefore, BufferAfterMin: it.BufferAfter},
		Start: parseKeyTime(it.Start), End: parseKeyTime(it.End), Seats: it.Seats, Taken: it.Taken, Waiting: it.Waiting, Cancelled: it.Cancelled}
}

// circleSpan is the circle as the cell helpers see a booking: its id names the cells.
func circleSpan(org, id string, st tandem.SessionType, start, end time.Time) *tandem.Booking {
	return &tandem.Booking{ID: id, OrgID: org, SessionType: st, Start: start, End: end}
}

// lastArrival makes waitlist keys strictly increasing within a process even when the clock
// does not move between two calls.
var lastArrival atomic.Int64

// arrivalKey orders waitlist places by arrival at the server (wall clock, not the store's
// clock, which tests and `tandem dev -now` may hold still), the learner id breaking a tie.
// arrived is when the request reached the server (SeatRequest.Arrived): the key is stamped
// with it, so a learner whose transaction had to be retried (a conflict on the circle's busy
// entry, or a seat that filled meanwhile) keeps the place their arrival gave them. Zero:
// stamped now, strictly after any key stamped now before.
func arrivalKey(arrived time.Time, learnerID string) string {
	if !arrived.IsZero() {
		return fmt.Sprintf("%020d#%s", arrived.UnixNano(), learnerID)
	}
	n := time.Now().UnixNano()
	for {
		last := lastArrival.Load()
		if n <= last {
			n = last + 1
		}
		if lastArrival.CompareAndSwap(last, n) {
			break
		}
	}
	return fmt.Sprintf("%020d#%s", n, learnerID)
}

// SeatRequest books a seat of a circle: BookRequest's fields (the Booking has CircleID set and
// is confirmed), plus what the caller knows of the circle and what to do when it is full.
type SeatRequest struct {
	BookRequest
	// CircleExists and CircleFull say what the caller's read saw of the circle; they only
	// choose which transaction is tried first.
	CircleExists, CircleFull bool
	// Waitlist asks to join the waitlist when no seat is free; WaitlistBody is then the
	// response stored under the idempotency key (status 202).
	Waitlist     bool
	WaitlistBody []byte
	// Arrived is when the request reached the server (wall clock): the waitlist's order.
	// Zero: when the place is written.
	Arrived time.Time
}

// SeatResult is how a seat request ended.
type SeatResult struct {
	Replay     *IdemRecord // a stored response for the same key and body
	Waitlisted bool        // the learner joined the waitlist (no booking was made)
}

// BookSeat takes a seat in the circle of r.Booking: creating the circle (its busy entry and
// facts, the expert's cells and limit counters) when there is none, else taking a seat
// conditioned on one being free and nobody waiting; when full, joining the waitlist if asked
// (joinWaitlist). Each attempt is one TransactWriteItems; a condition that fails because the
// circle appeared, filled or emptied meanwhile switches to the transaction that now applies,
// so at most one learner ever gets the last seat. A seat's transaction that only collided
// with others (a crowd on the circle's busy entry) reads the busy entry, which collides with
// nothing, and takes the path that now applies after a pause: once the circle is full the
// crowd moves to the waitlist, where nobody collides. Errors as for Book, plus conflict with
// Detail.conflict = circle_full (Detail.circleId) or already_waiting.
func (s *Store) BookSeat(ctx context.Context, r SeatRequest) (_ SeatResult, err error) {
	b := r.Booking
	defer tandem.Wrap(&err, "Store.BookSeat(%q)", b.CircleID)
	mode := "join"
	switch {
	case !r.CircleExists:
		mode = "create"
	case r.CircleFull && r.Waitlist:
		mode = "wait"
	}
	call := tandem.NewID()                     // the transactions' tokens are this call's (see Book)
	key := arrivalKey(r.Arrived, b.Learner.ID) // the learner's place in line, however often this is retried
	contended := 0
	for attempt := 0; attempt < 12; attempt++ {
		if mode == "wait" {
			res, next, err := s.joinWaitlist(ctx, r, key, call, attempt)
			if next == "" || err != nil {
				return res, err
			}
			mode = next
			continue
		}
		now := s.now()
		run := func(n int) (*failure, error) {
			var (
				tx  *txBuilder
				err error
			)
			if mode == "create" {
				tx, err = s.bookTx(r.BookRequest, now, func(tx *txBuilder, item *bookingItem, _ int64) error {
					return s.createCircleParts(tx, r, now)
				})
			} else {
				tx, err = s.bookTx(r.BookRequest, now, func(tx *txBuilder, _ *bookingItem, _ int64) error {
					tx.update("circle_join", expertPK(b.OrgID, b.Expert.ID), busySK(b.Start, b.CircleID), "ADD taken :one",
						"attribute_exists(PK) AND sessionTypeId = :st AND taken < seats AND waiting = :zero AND attribute_not_exists(cancelled)", nil,
						map[string]types.AttributeValue{":one": num(1), ":zero": num(0), ":st": strAttr(b.SessionType.ID)})
					return nil
				})
			}
			if err != nil {
				return nil, err
			}
			return s.commit(ctx, tx, requestToken(s.table, b.OrgID, b.ID, call, mode, strconv.Itoa(attempt), strconv.Itoa(n)))
		}
		// A seat's budget draw is planned again like a booking's (commitDrawing).
		failed, err := s.commitDrawing(ctx, &r.BookRequest, run)
		if failed == nil {
			if !errors.Is(err, ErrContended) || contended == circleContentionRounds {
				return SeatResult{}, err
			}
			contended++
			attempt-- // a collision decides nothing: it does not count as an attempt
			if err := s.backoff(ctx, min(contended, 4)); err != nil {
				return SeatResult{}, err
			}
			busy, err := s.getCircleBusy(ctx, b.OrgID, b.Expert.ID, b.Start, b.CircleID)
			if err != nil {
				return SeatResult{}, err
			}
			if mode, err = nextSeatMode(busy, b, r.Waitlist); err != nil {
				return SeatResult{}, err
			}
			continue
		}
		var old *busyItem
		if failed.old != nil {
			old = new(busyItem)
			if err := attributevalue.UnmarshalMap(failed.old, old); err != nil {
				return SeatResult{}, err
			}
		}
		switch failed.kind {
		case "circle_new":
			mode = "join" // someone created it first
		case "circle_join":
			if mode, err = nextSeatMode(old, b, r.Waitlist); err != nil {
				return SeatResult{}, err
			}
		default:
			replay, err := s.idemOrExplain(failed, r.Idem)
			return SeatResult{Replay: replay}, err
		}
	}
	return SeatResult{}, tandem.Errorf(tandem.EConflict, "The group session changed too often at the same time; please retry.")
}

// nextSeatMode is the path a seat request takes given the circle's busy entry as it is now
// (nil: there is none): create it, join it, wait for a seat, or the reason it cannot.
func nextSeatMode(busy *busyItem, b *tandem.Booking, waitlist bool) (string, error) {
	if busy == nil {
		return "create", nil // it dissolved meanwhile (or was never there)
	}
	c := circleFromBusy(busy)
	switch {
	case c.Cancelled:
		return "", circleCancelled()
	case busy.SessionTypeID != b.SessionType.ID:
		return "", explain(&failure{kind: "expert"})
	case c.SeatsLeft() > 0:
		return "join", nil
	case waitlist:
		return "wait", nil
	}
	return "", &tandem.Error{Code: tandem.EConflict, Message: "This group session is full.",
		Detail: map[string]any{"conflict": "circle_full", "circleId": b.CircleID, "waiting": c.Waiting}}
}

// joinWaitlist puts the learner in line (key) and answers once their place is counted:
// Waitlisted, a replay, or an error; or, when the circle changed so that the place does not
// apply (it dissolved, or a seat is free with nobody waiting), the mode to try instead.
//
// On a quiet circle one transaction writes the place and counts it (1 write). When that
// collides on the busy entry (a crowd), the place is queued instead, which collides with
// nobody, and counted by a fold (foldWaitlist): its own, or another learner's that got there
// first.
func (s *Store) joinWaitlist(ctx context.Context, r SeatRequest, key, call string, attempt int) (_ SeatResult, next string, err error) {
	b := r.Booking
	for _, queue := range []bool{false, true} {
		tx, err := s.placeTx(r, key, queue, s.now())
		if err != nil {
			return SeatResult{}, "", err
		}
		token := requestToken(s.table, b.OrgID, b.ID, call, "wait", strconv.Itoa(attempt), strconv.FormatBool(queue))
		var failed *failure
		if queue { // nothing in it is another learner's: only the learner's own calendar can collide
			failed, err = s.commitPatient(ctx, tx, token, contentionRounds)
		} else { // one try: a collision means a crowd, which the queue is for
			failed, err = s.commitTries(ctx, tx, token, 1)
		}
		var old *busyItem
		if failed != nil && failed.kind == kindCircleWait && failed.old != nil {
			old = new(busyItem)
			if err := attributevalue.UnmarshalMap(failed.old, old); err != nil {
				return SeatResult{}, "", err
			}
		}
		switch {
		case failed != nil && failed.kind == kindCircleWait:
			next, err := nextSeatMode(old, b, r.Waitlist)
			return SeatResult{}, next, err
		case failed != nil && failed.kind == kindWaiter:
			return SeatResult{}, "", &tandem.Error{Code: tandem.EConflict, Message: "You are already on the waitlist of this group session.",
				Detail: map[string]any{"conflict": "already_waiting", "circleId": b.CircleID}}
		case failed != nil:
			replay, err := s.idemOrExplain(failed, r.Idem)
			if err == nil && replay != nil && replay.Status == http.StatusAccepted {
				// The first try may have ended between queueing its place and counting it.
				_, _, err = s.foldWaitlist(ctx, b.OrgID, b.Expert.ID, b.Start, b.CircleID, b.SessionType.ID, "", false)
			}
			return SeatResult{Replay: replay}, "", err
		case err == nil && !queue:
			return SeatResult{Waitlisted: true}, "", nil
		case err != nil && !(errors.Is(err, ErrContended) && !queue):
			return SeatResult{}, "", err
		}
	}
	busy, _, err := s.foldWaitlist(ctx, b.OrgID, b.Expert.ID, b.Start, b.CircleID, b.SessionType.ID, key, false)
	if err != nil || busy == nil {
		return SeatResult{Waitlisted: err == nil}, "", err
	}
	// The place does not apply to the circle as it is: take it back, then see what does.
	gone, err := s.unqueue(ctx, b, key)
	switch {
	case err != nil:
		return SeatResult{}, "", err
	case !gone && busy.Cancelled:
		return SeatResult{}, "", circleCancelled() // skipped by the call-off meanwhile
	case !gone:
		return SeatResult{Waitlisted: true}, "", nil // counted meanwhile: the learner waits after all
	}
	if busy.PK == "" {
		busy = nil // the circle is gone
	}
	next, err = nextSeatMode(busy, b, r.Waitlist)
	return SeatResult{}, next, err
}

func circleCancelled() error {
	return &tandem.Error{Code: tandem.EConflict, Message: "The expert cancelled this group session.", Detail: map[string]any{"conflict": "circle_cancelled"}}
}

// createCircleParts adds the circle's busy entry (first seat taken), its facts, the expert's
// cells and the expert's limit counters, which the circle (not the seat) records.
func (s *Store) createCircleParts(tx *txBuilder, r SeatRequest, now time.Time) error {
	b := r.Booking
	st := b.SessionType
	busy := circleBusyItem{PK: expertPK(b.OrgID, b.Expert.ID), SK: busySK(b.Start, b.CircleID), Type: typeBusy,
		BookingID: b.CircleID, CircleID: b.CircleID, SessionTypeID: st.ID, Start: timeKey(b.Start), End: timeKey(b.End),
		BufferBefore: st.BufferBeforeMin, BufferAfter: st.BufferAfterMin, Seats: st.Seats, Taken: 1,
		ExpiresAt: b.End.Add(60 * 24 * time.Hour).Unix()}
	if r.MaxPerDay > 0 {
		busy.DayCounter = dayCounterSK(r.DayKey)
	}
	if r.MaxPerWeek > 0 {
		busy.WeekCounter = weekCounterSK(r.WeekKey)
	}
	if err := tx.put("circle_new", busy, "attribute_not_exists(PK)", nil); err != nil {
		return err
	}
	if err := tx.put("circle_new", circleItemFrom(b, now, busy.ExpiresAt), "attribute_not_exists(PK)", nil); err != nil {
		return err
	}
	span := circleSpan(b.OrgID, b.CircleID, st, b.Start, b.End)
	lo, hi := expertSpan(span)
	tx.takeSpan(expertLocks(b.OrgID, b.Expert.ID), lo, hi, span.ID, 0, now)
	s.addLimitCounters(tx, b, busy.DayCounter, busy.WeekCounter, r.BookRequest)
	return nil
}

// placeTx writes the learner's place in line: the place (keyed by key, their arrival), the
// learner's standing (one per learner), a check that the learner is free at that time, the
// idempotency record answering 202, and either the place's queue marker (queue: nothing
// another learner's place touches; foldWaitlist counts it) or its count on the busy entry,
// conditioned on the circle being full or having a waitlist already.
func (s *Store) placeTx(r SeatRequest, key string, queue bool, now time.Time) (*txBuilder, error) {
	b := r.Booking
	tx := newTx(s.table)
	idem := idemItem{PK: bookingPK(b.OrgID, b.ID), SK: skBooking, Type: typeIdem, Hash: r.Idem.Hash,
		Status: 202, Body: string(r.WaitlistBody), ExpiresAt: now.Add(IdempotencyTTL).Unix()}
	if err := tx.put("idempotency", idem, "attribute_not_exists(PK) OR expiresAt < :nowUnix",
		map[string]types.AttributeValue{":nowUnix": num(now.Unix())}); err != nil {
		return nil, err
	}
	expires := b.End.Add(60 * 24 * time.Hour).Unix()
	pk := circlePK(b.OrgID, b.CircleID)
	if err := tx.putNamed("waiter", waiterItem{PK: pk, SK: prefixWaiter + b.Learner.ID, Type: typeWaiter, State: tandem.MemberWaiting, Key: key, ExpiresAt: expires},
		"attribute_not_exists(PK) OR #st <> :waiting", map[string]string{"#st": "state"},
		map[string]types.AttributeValue{":waiting": strAttr(tandem.MemberWaiting)}); err != nil {
		return nil, err
	}
	if err := tx.put("wait", waitItemFrom(pk, tandem.Waiter{Learner: b.Learner, Key: key, JoinedAt: now, Note: b.Note}, expires),
		"attribute_not_exists(PK)", nil); err != nil {
		return nil, err
	}
	if queue {
		if err := tx.put(kindQueued, queueItem{PK: circleQueuePK(b.OrgID, b.CircleID), SK: prefixQueue + key, Type: typeQueue, SessionTypeID: b.SessionType.ID, ExpiresAt: expires},
			"", nil); err != nil {
			return nil, err
		}
	} else {
		tx.update(kindCircleWait, expertPK(b.OrgID, b.Expert.ID), busySK(b.Start, b.CircleID), "ADD waiting :one",
			"attribute_exists(PK) AND sessionTypeId = :st AND attribute_not_exists(cancelled) AND (taken >= seats OR waiting > :zero)", nil,
			map[string]types.AttributeValue{":one": num(1), ":zero": num(0), ":st": strAttr(b.SessionType.ID)})
	}
	lo, hi := learnerSpan(b)
	tx.checkSpanFree(learnerLocks(b.OrgID, b.Learner.ID), lo, hi, now)
	return tx, nil
}

// foldPage is how many queued places one fold counts at most (a transaction holds 100 items:
// the busy entry, the markers and, when forced, a due entry).
const foldPage = 98

// foldWaitlist counts the circle's queued places of session type st into its busy entry's
// waiting count, in transactions of up to foldPage markers, until mine (a place's key) is
// counted, or, with mine empty, until none is queued. It returns nil when done, or the busy
// entry as it is when the places cannot be counted: an empty one (PK "") when the circle is
// gone, else one that is called off, of another session type, or (unless forced) has a free
// seat and nobody waiting. Forced (a promotion), places are counted into a circle with free
// seats too, with a due entry to offer them. It also returns how many places it counted itself.
func (s *Store) foldWaitlist(ctx context.Context, org, expertID string, start time.Time, circleID, st, mine string, force bool) (_ *busyItem, counted int, err error) {
	pk := circleQueuePK(org, circleID)
	for round := 0; ; round++ {
		out, err := s.client.Query(ctx, &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(true),
			KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :q)"), Limit: aws.Int32(foldPage),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(pk), ":q": strAttr(prefixQueue)}})
		if err := translate(err, ""); tandem.ErrorCode(err) == tandem.ELimitExceeded && round < 3*circleContentionRounds {
			// The queue's partition is at its read throughput: look again after a pause.
			if err := s.pause(ctx, time.Duration(5+rand.IntN(20*min(round+1, 4)))*time.Millisecond); err != nil {
				return nil, counted, err
			}
			continue
		} else if err != nil {
			return nil, counted, err
		}
		var page []queueItem
		if err := attributevalue.UnmarshalListOfMaps(out.Items, &page); err != nil {
			return nil, counted, err
		}
		tx, found := newTx(s.table), false
		var sks []string
		for _, q := range page {
			found = found || q.SK == prefixQueue+mine
			if q.SessionTypeID == st { // another type's place is its owner's to take back
				sks = append(sks, q.SK)
			}
		}
		last := len(page) < foldPage || (mine != "" && prefixQueue+mine < page[len(page)-1].SK)
		if len(sks) == 0 || (mine != "" && !found && last) {
			return nil, counted, nil // counted (or nothing to count)
		}
		cond := "attribute_exists(PK) AND sessionTypeId = :st AND attribute_not_exists(cancelled)"
		if !force {
			cond += " AND (taken >= seats OR waiting > :zero)"
		}
		values := map[string]types.AttributeValue{":n": num(int64(len(sks))), ":st": strAttr(st)}
		if !force {
			values[":zero"] = num(0)
		}
		tx.update(kindCircleWait, expertPK(org, expertID), busySK(start, circleID), "ADD waiting :n", cond, nil, values)
		for _, sk := range sks {
			tx.delete(kindQueued, pk, sk, "attribute_exists(PK)", nil)
		}
		if force {
			now := s.now()
			_ = tx.put(kindDue, dueItem{PK: duePK(now), SK: dueSK(org, circleID, "PROMOTE"), Type: typeDue, Org: org, BookingID: circleID}, "", nil)
		}
		// One try: whoever this collided with has likely counted these places already.
		failed, err := s.commitTries(ctx, tx, "", 1)
		switch {
		case failed != nil && failed.kind == kindCircleWait:
			busy := &busyItem{}
			if failed.old != nil {
				if err := attributevalue.UnmarshalMap(failed.old, busy); err != nil {
					return nil, counted, err
				}
			}
			return busy, counted, nil
		case failed != nil && failed.kind == kindQueued, errors.Is(err, ErrContended):
			// Someone else is counting: look again after a short pause.
			if round == 3*circleContentionRounds {
				return nil, counted, err
			}
			if err := s.pause(ctx, time.Duration(2+rand.IntN(8*min(round+1, 4)))*time.Millisecond); err != nil {
				return nil, counted, err
			}
		case err != nil:
			return nil, counted, err
		default:
			counted += len(sks)
			if mine != "" && found {
				return nil, counted, nil
			}
		}
	}
}

// unqueue takes back the learner's place (key) before it is counted: the place, its marker
// (conditioned on being there: a fold that counted it first wins), the standing and the
// idempotency record. It reports false when the place was counted meanwhile (it stays).
func (s *Store) unqueue(ctx context.Context, b *tandem.Booking, key string) (bool, error) {
	pk := circlePK(b.OrgID, b.CircleID)
	tx := newTx(s.table)
	tx.delete(kindQueued, circleQueuePK(b.OrgID, b.CircleID), prefixQueue+key, "attribute_exists(PK)", nil)
	tx.delete(kindWaitGone, pk, prefixWait+key, "", nil)
	tx.delete(kindWaiter, pk, prefixWaiter+b.Learner.ID, "", nil)
	tx.delete(kindIdempotency, bookingPK(b.OrgID, b.ID), skBooking, "", nil)
	failed, err := s.commit(ctx, tx, "")
	if failed != nil && failed.kind == kindQueued {
		return false, nil
	}
	return err == nil, err
}

// FoldWaitlist counts every queued place of the circle, even into free seats (a promotion
// does this, so the first in line is counted before being offered a seat). It reports
// whether it counted any; a circle called off has its places skipped, not counted.
// Errors: not_found (the circle is gone).
func (s *Store) FoldWaitlist(ctx context.Context, c *tandem.Circle) (counted bool, err error) {
	defer tandem.Wrap(&err, "Store.FoldWaitlist(%q)", c.ID)
	busy, n, err := s.foldWaitlist(ctx, c.OrgID, c.Expert.ID, c.Start, c.ID, c.SessionType.ID, "", true)
	if err == nil && busy != nil && busy.PK == "" {
		err = tandem.Errorf(tandem.ENotFound, "No group session with this id.")
	}
	return n > 0, err
}

// releaseSeat adds to a transition's transaction what giving up a live seat does to its
// circle (c, as read with the booking), as decide (the use case) says: dissolve it, or hand
// the seat back to the counter, with a due entry to offer it if asked.
func releaseSeat(tx *txBuilder, org string, c *busyItem, expertID string, decide func(tandem.Circle) SeatRelease, now time.Time) error {
	if c == nil {
		return nil // the circle is already gone (nothing left to release)
	}
	if decide == nil {
		return fmt.Errorf("seat of circle %s given up without a ReleaseSeat decision", c.CircleID)
	}
	circle := circleFromBusy(c)
	circle.OrgID, circle.Expert.ID = org, expertID
	d := decide(circle)
	if d.Dissolve {
		dissolveParts(tx, org, expertID, c)
		return nil
	}
	tx.update("circle_release", c.PK, c.SK, "ADD taken :minus", "taken > :one OR (taken = :one AND waiting > :zero)", nil,
		map[string]types.AttributeValue{":minus": num(-1), ":one": num(1), ":zero": num(0)})
	if d.Offer {
		_ = tx.put("due", dueItem{PK: duePK(now), SK: dueSK(org, c.CircleID, "PROMOTE"), Type: typeDue, Org: org, BookingID: c.CircleID}, "", nil)
	}
	return nil
}

// dissolveParts deletes the circle as read in c (conditioned on its counts being unchanged),
// frees the expert's cells and gives back the limit counters it took.
func dissolveParts(tx *txBuilder, org, expertID string, c *busyItem) {
	tx.delete("circle_release", c.PK, c.SK, "taken = :t AND waiting = :w",
		map[string]types.AttributeValue{":t": num(int64(c.Taken)), ":w": num(int64(c.Waiting))})
	tx.delete("circle_facts", circlePK(org, c.CircleID), skCircle, "", nil)
	span := circleSpan(org, c.CircleID, tandem.SessionType{BufferBeforeMin: c.BufferBefore, BufferAfterMin: c.BufferAfter},
		parseKeyTime(c.Start), parseKeyTime(c.End))
	lo, hi := expertSpan(span)
	tx.releaseSpan(expertLocks(org, expertID), lo, hi, c.CircleID)
	if c.DayCounter != "" {
		tx.decrement("counter", expertPK(org, expertID), c.DayCounter)
	}
	if c.WeekCounter != "" {
		tx.decrement("counter", expertPK(org, expertID), c.WeekCounter)
	}
}

// DissolveEmpty dissolves the circle (its entries, the expert's cells and limit counters),
// conditioned on nobody holding a seat in it or waiting for one: a seat taken or a place
// joined meanwhile keeps it, and nothing is done. (The use case decides when to dissolve:
// when the waitlist emptied while a freed seat was being offered, everyone having left or
// been skipped.)
func (s *Store) DissolveEmpty(ctx context.Context, c *tandem.Circle) error {
	for attempt := 0; attempt < 5; attempt++ {
		busy, err := s.getCircleBusy(ctx, c.OrgID, c.Expert.ID, c.Start, c.ID)
		if err != nil || busy == nil || busy.Taken > 0 || busy.Waiting > 0 {
			return err
		}
		tx := newTx(s.table)
		dissolveParts(tx, c.OrgID, c.Expert.ID, busy)
		failed, err := s.commit(ctx, tx, "")
		if failed == nil {
			return err
		}
		if failed.kind != "circle_release" {
			return explain(failed)
		}
	}
	return nil
}

// getCircleBusy reads a circle's busy entry (one consistent GetItem); nil if it is gone.
func (s *Store) getCircleBusy(ctx context.Context, org, expertID string, start time.Time, id string) (*busyItem, error) {
	return getItem[busyItem](ctx, s, pkSK(expertPK(org, expertID), busySK(start, id)), true)
}

// GetCircle returns the circle with its current counts: its facts, then its busy entry (two
// consistent GetItems). Errors: not_found.
func (s *Store) GetCircle(ctx context.Context, org, id string) (_ *tandem.Circle, err error) {
	defer tandem.Wrap(&err, "Store.GetCircle(%q)", id)
	c, err := s.CircleFacts(ctx, org, id)
	if err != nil {
		return nil, err
	}
	return c, s.CircleCounts(ctx, c)
}

// CircleFacts reads what never changes about a circle (one consistent GetItem); its counts
// are left zero. Errors: not_found.
func (s *Store) CircleFacts(ctx context.Context, org, id string) (*tandem.Circle, error) {
	facts, err := getItem[circleItem](ctx, s, pkSK(circlePK(org, id), skCircle), true)
	if err != nil {
		return nil, err
	}
	if facts == nil {
		return nil, tandem.Errorf(tandem.ENotFound, "No group session with this id.")
	}
	return facts.toDomain(), nil
}

// CircleCounts reads the circle's busy entry (one consistent GetItem) into c's counts.
// Errors: not_found (dissolved).
func (s *Store) CircleCounts(ctx context.Context, c *tandem.Circle) error {
	busy, err := s.getCircleBusy(ctx, c.OrgID, c.Expert.ID, c.Start, c.ID)
	if err != nil {
		return err
	}
	if busy == nil {
		return tandem.Errorf(tandem.ENotFound, "No group session with this id.")
	}
	c.Seats, c.Taken, c.Waiting, c.Cancelled = busy.Seats, busy.Taken, busy.Waiting, busy.Cancelled
	return nil
}

// Waitlist lists a circle's waitlist in order, the first limit places (0: all) (one
// consistent Query per page).
func (s *Store) Waitlist(ctx context.Context, org, id string, limit int) (_ []tandem.Waiter, err error) {
	defer tandem.Wrap(&err, "Store.Waitlist(%q)", id)
	in := &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(circlePK(org, id)), ":w": strAttr(prefixWait)}}
	if limit > 0 {
		in.Limit = aws.Int32(int32(limit))
	}
	items, err := queryAll[waitItem](ctx, s.client, in, limit)
	if err != nil {
		return nil, err
	}
	list := make([]tandem.Waiter, 0, len(items))
	for _, it := range items {
		list = append(list, it.toDomain())
	}
	return list, nil
}

// Seats lists the circle's seat bookings (any status): one Query on the expert's bookings
// ending at the circle's end, filtered to the circle.
func (s *Store) Seats(ctx context.Context, c *tandem.Circle) (_ []*tandem.Booking, err error) {
	defer tandem.Wrap(&err, "Store.Seats(%q)", c.ID)
	return s.circleBookings(ctx, "GSI1", "GSI1PK", "GSI1SK", expertBookingsPK(c.OrgID, c.Expert.ID), c)
}

func (s *Store) circleBookings(ctx context.Context, index, pkName, skName, partition string, c *tandem.Circle) ([]*tandem.Booking, error) {
	items, err := queryAll[bookingItem](ctx, s.client, &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String(index),
		KeyConditionExpression: aws.String(pkName + " = :p AND begins_with(" + skName + ", :end)"),
		FilterExpression:       aws.String("circleId = :c"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(partition),
			":end": strAttr(timeKey(c.End) + "#"), ":c": strAttr(c.ID)}}, 0)
	if err != nil {
		return nil, err
	}
	list := make([]*tandem.Booking, 0, len(items))
	for i := range items {
		list = append(list, items[i].toDomain())
	}
	return list, nil
}

// Membership is where the learner stands with the circle: a live seat or offer (their
// bookings ending with the circle), else their waitlist standing and, while waiting, their
// position (a count of the places up to theirs). Reads run in parallel: one round trip, two
// while waiting.
func (s *Store) Membership(ctx context.Context, c *tandem.Circle, learnerID string) (_ tandem.CircleMember, err error) {
	defer tandem.Wrap(&err, "Store.Membership(%q)", c.ID)
	var (
		seats     []*tandem.Booking
		waiter    *waiterItem
		g         errgroup.Group
		now       = s.now()
		pk        = circlePK(c.OrgID, c.ID)
		memberNil = tandem.CircleMember{State: tandem.MemberNone}
	)
	g.Go(func() (err error) {
		seats, err = s.circleBookings(ctx, "GSI2", "GSI2PK", "GSI2SK", learnerBookingsPK(c.OrgID, learnerID), c)
		return err
	})
	g.Go(func() (err error) {
		waiter, err = getItem[waiterItem](ctx, s, pkSK(pk, prefixWaiter+learnerID), true)
		return err
	})
	if err := g.Wait(); err != nil {
		return memberNil, err
	}
	for _, b := range seats {
		switch b.EffectiveStatus(now) {
		case tandem.StatusConfirmed:
			return tandem.CircleMember{State: tandem.MemberSeat, BookingID: b.ID}, nil
		case tandem.StatusPending:
			return tandem.CircleMember{State: tandem.MemberOffered, BookingID: b.ID, HoldUntil: b.HoldUntil}, nil
		}
	}
	if waiter == nil {
		return memberNil, nil
	}
	if waiter.State == tandem.MemberSkipped {
		return tandem.CircleMember{State: tandem.MemberSkipped, SkipReason: waiter.SkipReason}, nil
	}
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(true), Select: types.SelectCount,
		KeyConditionExpression:    aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(pk), ":lo": strAttr(prefixWait), ":hi": strAttr(prefixWait + waiter.Key)}})
	if err != nil {
		return memberNil, translate(err, "")
	}
	return tandem.CircleMember{State: tandem.MemberWaiting, Position: int(out.Count)}, nil
}

// LeaveWaitlist takes the learner off the circle's waitlist (one read, one transaction; one
// more if their place was counted or queued in between) and reports whether they left a
// place or a standing. Leaving when not waiting is not an error (safe to retry).
func (s *Store) LeaveWaitlist(ctx context.Context, c *tandem.Circle, learnerID string) (left bool, err error) {
	defer tandem.Wrap(&err, "Store.LeaveWaitlist(%q)", c.ID)
	pk := circlePK(c.OrgID, c.ID)
	w, err := getItem[waiterItem](ctx, s, pkSK(pk, prefixWaiter+learnerID), true)
	if err != nil || w == nil {
		return false, err
	}
	gone, err := s.removePlace(ctx, c, w.Key, w.State == tandem.MemberWaiting, func(tx *txBuilder) {
		tx.delete("waiter", pk, prefixWaiter+learnerID, "", nil)
	})
	if gone {
		return false, nil // promoted or skipped meanwhile: nothing left to leave
	}
	return err == nil, err
}

// removePlace takes the place with key off the circle's waitlist (if place; else only what
// also adds), in one transaction with also's items. The place is counted, or still queued
// (foldWaitlist): a counted place's removal checks its marker is gone and takes one off the
// waiting count; a queued one's deletes its marker (conditioned on it being there) and
// leaves the count alone. The counted form is tried first; each refusal by the marker means
// the other form applies. It reports gone when the place was no longer there.
func (s *Store) removePlace(ctx context.Context, c *tandem.Circle, key string, place bool, also func(*txBuilder)) (gone bool, err error) {
	pk := circlePK(c.OrgID, c.ID)
	queued := false
	for attempt := 0; ; attempt++ {
		tx := newTx(s.table)
		also(tx)
		if place {
			tx.delete("wait_gone", pk, prefixWait+key, "attribute_exists(PK)", nil)
			if queued {
				tx.delete(kindQueued, circleQueuePK(c.OrgID, c.ID), prefixQueue+key, "attribute_exists(PK)", nil)
			} else {
				tx.checkAbsent(kindQueued, circleQueuePK(c.OrgID, c.ID), prefixQueue+key)
				tx.update("counter", expertPK(c.OrgID, c.Expert.ID), busySK(c.Start, c.ID), "ADD waiting :minus", "waiting > :zero", nil,
					map[string]types.AttributeValue{":minus": num(-1), ":zero": num(0)})
			}
		}
		failed, err := s.commit(ctx, tx, "")
		switch {
		case failed != nil && failed.kind == kindQueued && attempt < 3:
			queued = !queued // counted or queued in between
		case failed != nil && failed.kind == kindWaitGone:
			return true, nil
		default:
			return false, err
		}
	}
}

// SeatOffer is the use case's decision to offer a freed seat of Circle to Waiter: Booking is
// the learner's pending seat booking (Offer set, held until the offer lapses), taken with the
// learner's live-booking cap and the org's budget like any booking.
type SeatOffer struct {
	Circle      *tandem.Circle // with the counts the decision was made on
	Waiter      tandem.Waiter  // the first place in line
	Booking     *tandem.Booking
	ActiveLimit int
	Budget      *tandem.Budget
}

// OfferSeat carries out a SeatOffer in one transaction: it takes the seat (conditioned on one
// being free, someone waiting and the circle not being called off), removes the place and
// the learner's standing (conditioned on both still being there) and writes the pending seat
// booking with its cells, cap and budget draw. It decides nothing: stale reports that what
// the offer was decided on no longer holds (someone else promoted, left or offered first),
// and the caller reads again. Errors (the learner cannot take the seat): conflict
// (Detail.conflict = learner_busy), limit_exceeded (Detail.limit = active | budget_org |
// budget_department).
func (s *Store) OfferSeat(ctx context.Context, o SeatOffer) (stale bool, err error) {
	c, w, b := o.Circle, o.Waiter, o.Booking
	defer tandem.Wrap(&err, "Store.OfferSeat(%q)", c.ID)
	r := BookRequest{Booking: b, ActiveLimit: o.ActiveLimit, Budget: o.Budget}
	failed, err := s.commitDrawing(ctx, &r, func(int) (*failure, error) {
		tx, err := s.bookTx(r, s.now(), func(tx *txBuilder, _ *bookingItem, _ int64) error {
			s.takeFromWaitlist(tx, c, w)
			tx.update("circle_promote", expertPK(c.OrgID, c.Expert.ID), busySK(c.Start, c.ID), "ADD taken :one, waiting :minus",
				"taken < seats AND waiting > :zero AND attribute_not_exists(cancelled)", nil,
				map[string]types.AttributeValue{":one": num(1), ":minus": num(-1), ":zero": num(0)})
			return nil
		})
		if err != nil {
			return nil, err // longer than a whole budget period (limit_exceeded)
		}
		return s.commit(ctx, tx, "")
	})
	if failed == nil {
		return false, err
	}
	switch failed.kind {
	case "circle_promote", "wait_gone", "booking", kindQueued:
		return true, nil
	}
	return false, explain(failed)
}

// takeFromWaitlist removes the waiter's place and standing, conditioned on both being there
// and the place being counted (its queue marker gone: the promoter folds first).
func (s *Store) takeFromWaitlist(tx *txBuilder, c *tandem.Circle, w tandem.Waiter) {
	pk := circlePK(c.OrgID, c.ID)
	tx.delete("wait_gone", pk, prefixWait+w.Key, "attribute_exists(PK)", nil)
	tx.checkAbsent(kindQueued, circleQueuePK(c.OrgID, c.ID), prefixQueue+w.Key)
	tx.add("wait_gone", types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: pkSK(pk, prefixWaiter+w.Learner.ID),
		ConditionExpression: aws.String("#st = :waiting AND #k = :key"), ExpressionAttributeNames: map[string]string{"#st": "state", "#k": "key"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":waiting": strAttr(tandem.MemberWaiting), ":key": strAttr(w.Key)}}})
}

// SkipWaiter takes a learner off the waitlist and records why (the use case's reason), so
// they can see it. A place already gone is not an error.
func (s *Store) SkipWaiter(ctx context.Context, c *tandem.Circle, w tandem.Waiter, reason string) (err error) {
	defer tandem.Wrap(&err, "Store.SkipWaiter(%q)", c.ID)
	pk := circlePK(c.OrgID, c.ID)
	_, err = s.removePlace(ctx, c, w.Key, true, func(tx *txBuilder) {
		_ = tx.put("waiter", waiterItem{PK: pk, SK: prefixWaiter + w.Learner.ID, Type: typeWaiter, State: tandem.MemberSkipped, Key: w.Key,
			SkipReason: reason, ExpiresAt: c.End.Add(60 * 24 * time.Hour).Unix()}, "", nil)
	})
	return err
}

// ClearDue deletes a due entry the scheduler has handled (PROMOTE entries are not removed by
// a booking transition).
func (s *Store) ClearDue(ctx context.Context, hour time.Time, d Due) (err error) {
	defer tandem.Wrap(&err, "Store.ClearDue")
	_, err = s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: pkSK(duePK(hour), dueSK(d.Org, d.BookingID, d.Kind))})
	return translate(err, "")
}

// MarkCircleCancelled marks the circle as being called off (one conditional UpdateItem): no
// more seats, places or offers are taken in it. Errors: conflict (the circle is gone).
func (s *Store) MarkCircleCancelled(ctx context.Context, c *tandem.Circle) (err error) {
	defer tandem.Wrap(&err, "Store.MarkCircleCancelled(%q)", c.ID)
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table,
		Key: pkSK(expertPK(c.OrgID, c.Expert.ID), busySK(c.Start, c.ID)), UpdateExpression: aws.String("SET cancelled = :t"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}})
	return translate(err, "")
}
