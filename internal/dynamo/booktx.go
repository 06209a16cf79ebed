package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// IdemRecord is what answers a retry of an unsafe request with an Idempotency-Key: a retry
// with the same key and body gets the same response; the same key with another body is
// refused. A booking (201) is its own record: its id is derived from the key, it keeps the
// request's Hash, and the response is rendered again from Booking, the booking as it was
// answered (see internal/booking, "The stored response"). A place on a waitlist (202) has no
// booking: its record, in the booking's place, stores Body.
type IdemRecord struct {
	UserID  string
	Key     string
	Hash    string // hash of the request body
	Status  int
	Body    []byte          // the stored response (202)
	Booking *tandem.Booking // the booking as answered (201)
}

// idemItem is the record of a response that made no booking (a waitlist place, 202). It is
// written where the booking would be (the key's booking id, SK BOOKING), so a booking and a
// waitlist place for one key exclude each other; it stays there, expired or not, until the
// table's TTL deletes it (a booking never replaces it: the stream sees one kind of item a key).
type idemItem struct {
	PK        string   `dynamodbav:"PK"`
	SK        string   `dynamodbav:"SK"`
	Type      itemType `dynamodbav:"type"`
	Hash      string   `dynamodbav:"hash"`
	Status    int      `dynamodbav:"status"`
	Body      string   `dynamodbav:"body"`
	ExpiresAt int64    `dynamodbav:"expiresAt"`
}

// IdempotencyTTL is how long a stored response can be replayed.
const IdempotencyTTL = 24 * time.Hour

// GetIdempotent returns the stored answer to the user's key, or nil: what is at the key of
// bookingID (the id the key derives), the booking the key made or a waitlist place's record
// (one consistent GetItem).
func (s *Store) GetIdempotent(ctx context.Context, org, userID, key, bookingID string) (_ *IdemRecord, err error) {
	defer tandem.Wrap(&err, "Store.GetIdempotent")
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: pkSK(bookingPK(org, bookingID), skBooking), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, translate(err, "")
	}
	return s.idemFrom(out.Item, userID, key)
}

// idemFrom reads an answer from a booking item (made by a request with a key; one made
// without has no hash, so no request matches it) or a waitlist place's record.
func (s *Store) idemFrom(item map[string]types.AttributeValue, userID, key string) (*IdemRecord, error) {
	if item == nil {
		return nil, nil
	}
	if t, ok := item["type"].(*types.AttributeValueMemberS); ok && t.Value == string(typeBooking) {
		var it bookingItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, err
		}
		return &IdemRecord{UserID: userID, Key: key, Hash: it.IdemHash, Status: 201, Booking: it.asAnswered()}, nil
	}
	var it idemItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return nil, err
	}
	if it.ExpiresAt != 0 && s.now().Unix() >= it.ExpiresAt {
		return nil, nil // expired: TTL deletes lazily, so reads ignore it
	}
	return &IdemRecord{UserID: userID, Key: key, Hash: it.Hash, Status: it.Status, Body: []byte(it.Body)}, nil
}

// BookRequest is everything the booking transaction writes.
type BookRequest struct {
	Booking *tandem.Booking // complete: id, parties, session type, times, status, hold
	// DayKey and WeekKey are the expert-local date and week (Monday) of the start; each is
	// set only when the matching limit is, and then the counter is checked and incremented.
	DayKey, WeekKey       string
	MaxPerDay, MaxPerWeek int
	// ActiveLimit caps the learner's live bookings (0: no cap).
	ActiveLimit int
	// Budget is the org's coaching budget (nil: none); the booking draws its minutes on it.
	Budget *tandem.Budget
	Idem   IdemRecord
	// Rules are the rules the booking was decided with; when they came from the container's
	// cache (Cached), the transaction guards them (bookrules.go).
	Rules *BookingRules
	// budgetParts are the budget draw's parts once planned (budget.go); nil: the home shard.
	budgetParts [2][]budgetPart
}

// Book writes a booking in exactly one TransactWriteItems: the booking, the expert's busy
// entry, the 5-minute lock slots (cells.go) for the expert (buffers included) and for the learner,
// the limit counters and the scheduler's due entries; the booking is its key's idempotency record. Every part is
// conditional, so a conflict anywhere writes nothing. A stored response for the same key is
// returned as replay (same body) or refused (unprocessable, different body).
// Errors: conflict (Detail.conflict = expert_busy | learner_busy), limit_exceeded
// (Detail.limit = day | week | active | budget_org | budget_department), unprocessable.
func (s *Store) Book(ctx context.Context, r BookRequest) (replay *IdemRecord, err error) {
	b := r.Booking
	defer tandem.Wrap(&err, "Store.Book(%q)", b.ID)
	if b.CircleID != "" {
		return nil, tandem.Errorf(tandem.EUnprocessable, "A seat of a group session is booked with BookSeat.")
	}
	now := s.now()
	expertSide := func(tx *txBuilder, item *bookingItem, hold int64) error {
		if r.MaxPerDay > 0 {
			item.DayCounter = dayCounterSK(r.DayKey)
		}
		if r.MaxPerWeek > 0 {
			item.WeekCounter = weekCounterSK(r.WeekKey)
		}
		st := b.SessionType
		busy := busyItem{PK: expertPK(b.OrgID, b.Expert.ID), SK: busySK(b.Start, b.ID), Type: typeBusy, BookingID: b.ID,
			Start: timeKey(b.Start), End: timeKey(b.End), BufferBefore: st.BufferBeforeMin, BufferAfter: st.BufferAfterMin,
			HoldUntil: hold, ExpiresAt: b.End.Add(60 * 24 * time.Hour).Unix()}
		if err := tx.put("busy", busy, "attribute_not_exists(PK)", nil); err != nil {
			return err
		}
		lo, hi := expertSpan(b)
		tx.takeSpan(expertLocks(b.OrgID, b.Expert.ID), lo, hi, b.ID, hold, now)
		s.addLimitCounters(tx, b, item.DayCounter, item.WeekCounter, r)
		return nil
	}
	// The token covers this call only (random: a retry of the request has the same booking id,
	// the key's): it makes the SDK's own retries of this call safe, while a client retry is a
	// new transaction. Replays of a committed booking are answered from the booking. A budget
	// draw planned again (commitDrawing) is another transaction, with its own token.
	call := tandem.NewID()
	failed, err := s.commitDrawing(ctx, &r, func(n int) (*failure, error) {
		tx, err := s.bookTx(r, now, expertSide)
		if err != nil {
			return nil, err
		}
		token := requestToken(s.table, b.OrgID, b.ID, call)
		if n > 0 {
			token = requestToken(token, "budget", strconv.Itoa(n))
		}
		return s.commitPatient(ctx, tx, token, contentionRounds)
	})
	if failed == nil {
		if errors.Is(err, ErrRulesChanged) { // a rebalance guarded by the rules failed
			s.ForgetBookingRules(b.OrgID, b.Expert.ID)
		}
		return nil, err
	}
	if failed.kind == kindRules {
		s.ForgetBookingRules(b.OrgID, b.Expert.ID)
		return nil, &tandem.Error{Code: tandem.EConflict, Message: explanations[kindRules].message, Err: ErrRulesChanged}
	}
	return s.idemOrExplain(failed, r.Idem)
}

// bookTx builds a booking's transaction: the booking item (its key's idempotency record), the
// learner's side (cells, due entries, live-booking counter, budget draw, request) and, through
// expertSide, what holds the expert's time (a one-to-one booking's busy entry, cells and
// limit counters, or a circle's). The booking item is written last, after expertSide has
// recorded on it the counters it took.
func (s *Store) bookTx(r BookRequest, now time.Time, expertSide func(tx *txBuilder, item *bookingItem, hold int64) error) (*txBuilder, error) {
	b := r.Booking
	tx := newTx(s.table)
	item := bookingItemFrom(b, now)
	item.UpdatedAt, b.UpdatedAt = item.CreatedAt, b.CreatedAt // as the response shows it (a replay renders it again)
	item.DayCounter, item.WeekCounter, item.ActiveCounted = "", "", r.ActiveLimit > 0
	hold := int64(0)
	if b.Status == tandem.StatusPending && !b.HoldUntil.IsZero() {
		hold = b.HoldUntil.Unix()
	}
	// Then the cached rules' guards: a booking decided with stale rules is decided again.
	if r.Rules != nil && r.Rules.Cached {
		tx.guardRules(r.Rules)
	}
	if err := expertSide(tx, &item, hold); err != nil {
		return nil, err
	}
	draw := drawFor(b, r.Budget, r.budgetParts)
	if draw != nil {
		if err := draw.tooBig(); err != nil {
			return nil, err
		}
		draw.record(&item)
	}
	// The booking is the idempotency record of its key (its id derives from the key) and goes
	// first: a retry of a committed booking fails on it, and is answered from it (ALL_OLD),
	// before the cells its own booking holds.
	kind := kindBooking
	if r.Idem.Key != "" {
		kind, item.IdemHash = kindIdempotency, r.Idem.Hash
	}
	if err := tx.put(kind, item, "attribute_not_exists(PK)", nil); err != nil {
		return nil, err
	}
	tx.lastFirst()
	if err := s.addLearnerParts(tx, b, hold, now); err != nil {
		return nil, err
	}
	if item.ActiveCounted {
		tx.increment("active", userPK(b.OrgID, b.Learner.ID), skActive, r.ActiveLimit)
	}
	if draw != nil {
		tx.drawBudget(b.OrgID, draw)
	}
	if b.RequestID != "" {
		// The learner's request becomes booked in the same transaction, only if it is theirs
		// and still looking: an offer cannot be accepted twice. The first booking's time
		// stays as the match time (time to match), even after a reopen.
		tx.update("request", requestPK(b.OrgID, b.RequestID), skRequest,
			"SET #s = :booked, bookingId = :b, matchedAt = if_not_exists(matchedAt, :at) ADD version :one",
			"learnerId = :l AND #s IN (:open, :offered) AND expiresAtUnix > :now", map[string]string{"#s": "status"},
			map[string]types.AttributeValue{":booked": strAttr(string(tandem.RequestBooked)), ":b": strAttr(b.ID),
				":at": strAttr(now.UTC().Truncate(time.Second).Format(time.RFC3339)), ":one": num(1), ":l": strAttr(b.Learner.ID),
				":open": strAttr(string(tandem.RequestOpen)), ":offered": strAttr(string(tandem.RequestOffered)), ":now": num(now.Unix())})
	}
	return tx, nil
}

// addLimitCounters takes the expert's per-day and per-week counters that are set.
func (s *Store) addLimitCounters(tx *txBuilder, b *tandem.Booking, day, week string, r BookRequest) {
	if day != "" {
		tx.increment("day", expertPK(b.OrgID, b.Expert.ID), day, r.MaxPerDay)
	}
	if week != "" {
		tx.increment("week", expertPK(b.OrgID, b.Expert.ID), week, r.MaxPerWeek)
	}
}

// idemOrExplain answers a failed booking transaction: the answer stored for the same key (the
// booking it made, or a waitlist place's record) is a replay (same body) or refused (different
// body); any other failed condition is explained.
func (s *Store) idemOrExplain(failed *failure, idem IdemRecord) (*IdemRecord, error) {
	if failed.kind != kindIdempotency {
		return nil, explain(failed)
	}
	rec, err := s.idemFrom(failed.old, idem.UserID, idem.Key)
	if err != nil {
		return nil, err
	}
	if rec != nil && rec.Hash == idem.Hash {
		return rec, nil
	}
	return nil, tandem.Errorf(tandem.EUnprocessable, "This Idempotency-Key was already used with a different request.")
}

// addLearnerParts adds the learner's side of a live booking: due entries and the cells.
func (s *Store) addLearnerParts(tx *txBuilder, b *tandem.Booking, hold int64, now time.Time) error {
	if err := tx.put("due", dueItem{PK: duePK(b.End), SK: dueSK(b.OrgID, b.ID, "END"), Type: typeDue, Org: b.OrgID, BookingID: b.ID}, "", nil); err != nil {
		return err
	}
	if hold != 0 {
		if err := tx.put("due", dueItem{PK: duePK(b.HoldUntil), SK: dueSK(b.OrgID, b.ID, "HOLD"), Type: typeDue, Org: b.OrgID, BookingID: b.ID}, "", nil); err != nil {
			return err
		}
	}
	lo, hi := learnerSpan(b)
	tx.takeSpan(learnerLocks(b.OrgID, b.Learner.ID), lo, hi, b.ID, hold, now)
	return nil
}

// requestToken derives a transaction's ClientRequestToken (at most 36 characters).
func requestToken(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:36]
}

// failure is the part of a cancelled transaction whose condition failed, with the item as it
// was (ReturnValuesOnConditionCheckFailure=ALL_OLD), so no extra read is needed to explain it.
type failure struct {
	kind txKind
	old  map[string]types.AttributeValue
}

// ErrContended is in the chain of the conflict returned when a transaction kept colliding
// with concurrent ones on the same items (no condition failed): whoever it collided with may
// still be committing (see internal/booking, "Concurrent retries with one key").
var ErrContended = errors.New("transaction contended by concurrent ones")

// commit runs the transaction. It retries (a few times, with jitter) only when DynamoDB
// cancelled it for a concurrent transaction on the same items and no condition failed; the
// happy path is exactly one call. It returns the first failed condition, if any, with its
// explanation as the error (so a caller that does not look at the failure still answers it).
func (s *Store) commit(ctx context.Context, tx *txBuilder, token string) (*failure, error) {
	return s.commitTries(ctx, tx, token, 5)
}

// commitTries is commit with at most tries attempts through conflicts (commit's 5; a waitlist
// fold tries once, since whoever it collided with has likely counted its places already).
func (s *Store) commitTries(ctx context.Context, tx *txBuilder, token string, tries int) (*failure, error) {
	if tx.err != nil {
		return nil, tx.err
	}
	for attempt := 0; ; attempt++ {
		in := &dynamodb.TransactWriteItemsInput{TransactItems: tx.items}
		if token != "" {
			in.ClientRequestToken = aws.String(requestToken(token, strconv.Itoa(attempt)))
		}
		_, err := s.client.TransactWriteItems(ctx, in)
		if err == nil {
			return nil, nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return nil, translate(err, "")
		}
		contended := false
		for i, r := range tce.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "ConditionalCheckFailed":
				f := &failure{kind: tx.kinds[i], old: r.Item}
				return f, explainCause(f, err)
			case "TransactionConflict", "ThrottlingError":
				// A partition over its throughput is retried like a collision: after a pause
				// (AWS: "retry with exponential backoff"); the SDK's retryer does not retry a
				// cancelled transaction.
				contended = true
			}
		}
		if !contended || attempt >= tries-1 {
			if contended {
				err = fmt.Errorf("%w: %w", ErrContended, err)
			}
			return nil, &tandem.Error{Code: tandem.EConflict, Message: "Another change to this time is in progress; please retry.", Err: err}
		}
		if err := s.pause(ctx, time.Duration(5+rand.IntN(20*(attempt+1)))*time.Millisecond); err != nil {
			return nil, err
		}
	}
}

// stateConflict explains an illegal transition with the booking's current state.
func stateConflict(old map[string]types.AttributeValue) error {
	e := &tandem.Error{Code: tandem.EConflict, Message: "The booking is not in a state that allows this."}
	var it bookingItem
	if old != nil && attributevalue.UnmarshalMap(old, &it) == nil {
		e.Detail = map[string]any{"status": it.Status}
	}
	return e
}
