package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/tandemhq/tandem/internal/tandem"
	"golang.org/x/sync/errgroup"
)

// requestItem is a learner's request. GSI1 lists a learner's requests, newest first. Each
// topic has a small pointer item on GSI1 (ORG#o#REQTOPIC#t) for the experts' board, sorted by
// boardSK (rank, then age); the board reads the requests themselves for their current status,
// so status changes touch one item only and a reopened request is back on the board at once.
// A learner's open requests are held on a counter item (skOpenRequests, a string set of
// ids) whose size the posting transaction bounds.
type requestItem struct {
	PK                string              `dynamodbav:"PK"`
	SK                string              `dynamodbav:"SK"`
	GSI1PK            string              `dynamodbav:"GSI1PK"`
	GSI1SK            string              `dynamodbav:"GSI1SK"`
	Type              itemType            `dynamodbav:"type"`
	ID                string              `dynamodbav:"id"`
	Org               string              `dynamodbav:"org"`
	LearnerID         string              `dynamodbav:"learnerId"`
	LearnerName       string              `dynamodbav:"learnerName"`
	LearnerDepartment string              `dynamodbav:"learnerDepartment"`
	Topics            []string            `dynamodbav:"topics"`
	Goal              string              `dynamodbav:"goal"`
	DurationMin       int                 `dynamodbav:"durationMin"`
	PreferredTimes    []preferredTimeItem `dynamodbav:"preferredTimes"`
	Language          string              `dynamodbav:"language,omitempty"`
	Urgency           string              `dynamodbav:"urgency"`
	Timezone          string              `dynamodbav:"timezone"`
	Status            string              `dynamodbav:"status"`
	CreatedAt         string              `dynamodbav:"createdAt"`
	ExpiresAtUnix     int64               `dynamodbav:"expiresAtUnix"`
	MatchedAt         string              `dynamodbav:"matchedAt,omitempty"`
	BookingID         string              `dynamodbav:"bookingId,omitempty"`
	Version           int64               `dynamodbav:"version"`
}

// requestTopicItem is a board pointer. Pointers written before the board became fair have
// neither learnerId nor reqExpiresAt, and a GSI1SK without a rank (they sort first).
type requestTopicItem struct {
	PK           string   `dynamodbav:"PK"`
	SK           string   `dynamodbav:"SK"`
	GSI1PK       string   `dynamodbav:"GSI1PK"`
	GSI1SK       string   `dynamodbav:"GSI1SK"`
	Type         itemType `dynamodbav:"type"`
	RequestID    string   `dynamodbav:"requestId"`
	LearnerID    string   `dynamodbav:"learnerId,omitempty"`
	ReqExpiresAt int64    `dynamodbav:"reqExpiresAt,omitempty"` // the request's expiry (filtered on)
	ExpiresAt    int64    `dynamodbav:"expiresAt"`              // TTL, a month after the request expires
}

// openRequestsItem is a learner's open-request counter.
type openRequestsItem struct {
	Open []string `dynamodbav:"openRequests,stringset,omitempty"`
}

// preferredTimeItem is a stored tandem.PreferredTime (attribute names: the Go field names,
// as first stored).
type preferredTimeItem struct {
	Weekday   string `dynamodbav:"Weekday"`
	StartHour int    `dynamodbav:"StartHour"`
	EndHour   int    `dynamodbav:"EndHour"`
}

func toPreferredTimeItems(pts []tandem.PreferredTime) []preferredTimeItem {
	return convertAll(pts, func(pt tandem.PreferredTime) preferredTimeItem { return preferredTimeItem(pt) })
}

func fromPreferredTimeItems(items []preferredTimeItem) []tandem.PreferredTime {
	return convertAll(items, func(it preferredTimeItem) tandem.PreferredTime { return tandem.PreferredTime(it) })
}

// requestItemFrom and toDomain are the one place a request is converted.
func requestItemFrom(r *tandem.LearnerRequest) requestItem {
	created := r.CreatedAt.UTC().Format(time.RFC3339)
	it := requestItem{PK: requestPK(r.OrgID, r.ID), SK: skRequest,
		GSI1PK: learnerRequestsPK(r.OrgID, r.LearnerID), GSI1SK: created + "#" + r.ID, Type: "request",
		ID: r.ID, Org: r.OrgID, LearnerID: r.LearnerID, LearnerName: r.LearnerName, LearnerDepartment: r.LearnerDepartment,
		Topics: r.Topics, Goal: r.Goal, DurationMin: r.DurationMin, PreferredTimes: toPreferredTimeItems(r.PreferredTimes), Language: r.Language,
		Urgency: r.Urgency, Timezone: r.Timezone, Status: string(r.Status), CreatedAt: created,
		ExpiresAtUnix: r.ExpiresAt.Unix(), BookingID: r.BookingID, Version: r.Version}
	if !r.MatchedAt.IsZero() {
		it.MatchedAt = r.MatchedAt.UTC().Format(time.RFC3339)
	}
	return it
}

func (it *requestItem) toDomain() *tandem.LearnerRequest {
	r := &tandem.LearnerRequest{ID: it.ID, OrgID: it.Org, LearnerID: it.LearnerID, LearnerName: it.LearnerName,
		LearnerDepartment: it.LearnerDepartment, Topics: it.Topics, Goal: it.Goal, DurationMin: it.DurationMin,
		PreferredTimes: fromPreferredTimeItems(it.PreferredTimes), Language: it.Language, Urgency: it.Urgency, Timezone: it.Timezone,
		Status: tandem.RequestStatus(it.Status), ExpiresAt: time.Unix(it.ExpiresAtUnix, 0).UTC(),
		BookingID: it.BookingID, Version: it.Version}
	r.CreatedAt, _ = time.Parse(time.RFC3339, it.CreatedAt)
	r.MatchedAt, _ = time.Parse(time.RFC3339, it.MatchedAt)
	return r
}

// OpenRequests returns the ids on the learner's open-request counter (one GetItem): their
// requests still looking for an expert, and possibly some that stopped since (released when
// the counter is next full).
func (s *Store) OpenRequests(ctx context.Context, org, learnerID string) (_ []string, err error) {
	defer tandem.Wrap(&err, "Store.OpenRequests")
	it, err := getItem[openRequestsItem](ctx, s, pkSK(userPK(org, learnerID), skOpenRequests), true)
	if err != nil || it == nil {
		return nil, err
	}
	return it.Open, nil
}

// CreateRequest posts the request with the board rank read from the learner's counter (one
// GetItem, then PostRequest), under tandem.MaxOpenRequests.
func (s *Store) CreateRequest(ctx context.Context, r *tandem.LearnerRequest) (err error) {
	open, err := s.OpenRequests(ctx, r.OrgID, r.LearnerID)
	if err != nil {
		return err
	}
	return s.PostRequest(ctx, r, len(open), tandem.MaxOpenRequests)
}

// openRequestsFull is the refusal of a request over the learner's cap.
func openRequestsFull(max int) error {
	return &tandem.Error{Code: tandem.ELimitExceeded,
		Message: fmt.Sprintf("You have %d open requests, the most you may have at once. Close one you no longer need, or wait until one is booked or expires.", max),
		Detail:  map[string]any{"limit": "open_requests", "max": max}}
}

// PostRequest writes the request, its board pointers (at rank, the number of the learner's
// open requests when they posted it), its expiry due entry and its id on the learner's
// open-request counter, in one transaction conditioned on the counter holding fewer than
// maxOpen ids. When it is full, ids of requests that stopped looking (booked, expired,
// closed) are released first, each only if its request is unchanged since read, and the post
// is tried again. Errors: limit_exceeded (Detail.limit = open_requests).
func (s *Store) PostRequest(ctx context.Context, r *tandem.LearnerRequest, rank, maxOpen int) (err error) {
	defer tandem.Wrap(&err, "Store.PostRequest")
	r.CreatedAt = s.now().UTC().Truncate(time.Second)
	r.Version = 1
	it := requestItemFrom(r)
	tx := newTx(s.table)
	if err := tx.put("request", it, "attribute_not_exists(PK)", nil); err != nil {
		return err
	}
	for _, t := range r.Topics {
		if err := tx.put("topic", requestTopicItem{PK: it.PK, SK: topicSK(t), GSI1PK: requestTopicPK(r.OrgID, t),
			GSI1SK: boardSK(rank, r.CreatedAt, r.ID), Type: "requestTopic", RequestID: r.ID, LearnerID: r.LearnerID,
			ReqExpiresAt: r.ExpiresAt.Unix(), ExpiresAt: r.ExpiresAt.Add(30 * 24 * time.Hour).Unix()}, "", nil); err != nil {
			return err
		}
	}
	if err := tx.put("due", dueItem{PK: duePK(r.ExpiresAt), SK: dueSK(r.OrgID, r.ID, "REQEXP"), Type: typeDue, Org: r.OrgID, BookingID: r.ID}, "", nil); err != nil {
		return err
	}
	tx.update(kindOpenRequests, userPK(r.OrgID, r.LearnerID), skOpenRequests, "SET #t = :type ADD openRequests :id",
		"attribute_not_exists(openRequests) OR size(openRequests) < :max", map[string]string{"#t": "type"},
		map[string]types.AttributeValue{":type": strAttr(string(typeCounter)), ":id": &types.AttributeValueMemberSS{Value: []string{r.ID}},
			":max": num(int64(maxOpen))})
	for attempt := 0; ; attempt++ {
		failed, err := s.commit(ctx, tx, "")
		switch {
		case failed == nil && contended(err) && attempt < 10:
			// Other posts or releases on the same counter: wait a little longer each time.
			if err := pause(ctx, attempt); err != nil {
				return err
			}
			continue
		case failed == nil:
			return err
		case failed.kind != kindOpenRequests:
			return explain(failed)
		}
		var held openRequestsItem
		if err := attributevalue.UnmarshalMap(failed.old, &held); err != nil {
			return err
		}
		released, err := s.releaseStopped(ctx, r.OrgID, r.LearnerID, held.Open)
		if err != nil {
			return err
		}
		if !released || attempt >= 8 {
			return openRequestsFull(maxOpen)
		}
	}
}

// releaseStopped takes off the learner's counter the ids of requests that no longer look for
// an expert, in one transaction in which each of those requests must be unchanged since read
// (a booked request reopened meanwhile stays counted). It reports whether it released any;
// false with a nil error when every id is still open.
func (s *Store) releaseStopped(ctx context.Context, org, learnerID string, ids []string) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, pkSK(requestPK(org, id), skRequest))
	}
	raws, err := s.batchGet(ctx, keys, true)
	if err != nil {
		return false, err
	}
	seen := map[string]*requestItem{}
	for _, raw := range raws {
		var it requestItem
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return false, err
		}
		seen[it.ID] = &it
	}
	now := s.now()
	tx := newTx(s.table)
	var stopped []string
	for _, id := range ids {
		it := seen[id]
		check := &types.ConditionCheck{TableName: &s.table, Key: pkSK(requestPK(org, id), skRequest)}
		switch {
		case it == nil:
			check.ConditionExpression = aws.String("attribute_not_exists(PK)")
		case !it.toDomain().EffectiveStatus(now).Matchable():
			check.ConditionExpression = aws.String("version = :v")
			check.ExpressionAttributeValues = map[string]types.AttributeValue{":v": num(it.Version)}
		default:
			continue
		}
		stopped = append(stopped, id)
		tx.add(kindReleased, types.TransactWriteItem{ConditionCheck: check})
	}
	if len(stopped) == 0 {
		return false, nil
	}
	tx.update(kindOpenRequests, userPK(org, learnerID), skOpenRequests, "DELETE openRequests :ids", "", nil,
		map[string]types.AttributeValue{":ids": &types.AttributeValueMemberSS{Value: stopped}})
	failed, err := s.commit(ctx, tx, "")
	if failed != nil || contended(err) {
		return true, nil // a request changed since read, or contention: read again and retry
	}
	return err == nil, err
}

// contended reports an error that a retry a moment later may not meet: transactions that
// kept conflicting on the same item (commit has backed off already), or a server error such
// as DynamoDB Local's time-out waiting for an item lock under many concurrent transactions.
func contended(err error) bool {
	var ae smithy.APIError
	return tandem.ErrorCode(err) == tandem.EConflict || errors.As(err, &ae) && ae.ErrorCode() == "InternalServerError"
}

// pause waits a random 10–40 ms times the attempt number (from 1), or until ctx ends.
func pause(ctx context.Context, attempt int) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Duration((attempt+1)*(10+rand.IntN(30))) * time.Millisecond):
		return nil
	}
}

// releaseOpenRequest takes a request off its learner's open-request counter in tx (without a
// condition: releasing twice, or an id the counter does not hold, changes nothing). Every
// transaction that moves a request out of open or offered adds it.
func (t *txBuilder) releaseOpenRequest(org, learnerID, requestID string) {
	t.update(kindOpenRequests, userPK(org, learnerID), skOpenRequests, "SET #t = :type DELETE openRequests :id", "",
		map[string]string{"#t": "type"}, map[string]types.AttributeValue{":type": strAttr(string(typeCounter)),
			":id": &types.AttributeValueMemberSS{Value: []string{requestID}}})
}

// GetRequest returns the request (one consistent GetItem). Errors: not_found.
func (s *Store) GetRequest(ctx context.Context, org, id string) (_ *tandem.LearnerRequest, err error) {
	defer tandem.Wrap(&err, "Store.GetRequest(%q)", id)
	it, err := getFound[requestItem](ctx, s, pkSK(requestPK(org, id), skRequest), true, "No request with this id.")
	if err != nil {
		return nil, err
	}
	return it.toDomain(), nil
}

// RequestPage is a page of requests.
type RequestPage struct {
	Requests []*tandem.LearnerRequest
	Cursor   string
}

// ListLearnerRequests lists the learner's requests, newest first (one Query on GSI1).
func (s *Store) ListLearnerRequests(ctx context.Context, org, learnerID, cursor string, limit int) (_ *RequestPage, err error) {
	defer tandem.Wrap(&err, "Store.ListLearnerRequests")
	partition := learnerRequestsPK(org, learnerID)
	l := listing{name: "requests", org: org, pkName: "GSI1PK", skName: "GSI1SK", partition: partition}
	start, err := l.decode(ctx, cursor)
	if err != nil {
		return nil, err
	}
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression: aws.String("GSI1PK = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(partition)},
		ScanIndexForward: aws.Bool(false), ExclusiveStartKey: start, Limit: aws.Int32(int32(limit))})
	if err != nil {
		return nil, translate(err, "")
	}
	requests, err := fromItems(out.Items, func(it *requestItem) (*tandem.LearnerRequest, error) { return it.toDomain(), nil })
	if err != nil {
		return nil, err
	}
	page := &RequestPage{Requests: requests, Cursor: l.encode(ctx, out.LastEvaluatedKey)}
	return page, nil
}

// BoardQuery asks for a page of the board: requests sharing a topic with Topics, not posted
// by Exclude, after Cursor (a page's Cursor; "" for the first page).
type BoardQuery struct {
	Topics  []string
	Exclude string
	Cursor  string
	Limit   int
}

// boardRounds bounds the reads of one board page: a round is one Query per topic in parallel
// and one BatchGetItem; a page may hold fewer than the limit (the cursor continues).
const boardRounds = 3

// Board returns a page of the requests still looking for an expert that share a topic with
// the query's, fairly ordered: every learner's first open request before anyone's second
// (and so on), and within that the longest-waiting first. Each round reads the pointers after
// the cursor from every topic in parallel (expired and the caller's own filtered out), merges
// them in key order up to the first key some topic has not read past, and reads those
// requests' current state in one BatchGetItem.
func (s *Store) Board(ctx context.Context, org string, q BoardQuery) (_ *RequestPage, err error) {
	defer tandem.Wrap(&err, "Store.Board")
	after, err := decodeBoardCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	page := &RequestPage{}
	if len(q.Topics) == 0 || q.Limit <= 0 {
		return page, nil
	}
	now := s.now()
	type pointer struct{ key, id string }
	for round := 0; round < boardRounds; round++ {
		found := make([][]pointer, len(q.Topics))
		frontier := make([]string, len(q.Topics)) // "" = topic read to its end
		g, gctx := errgroup.WithContext(ctx)
		for i, t := range q.Topics {
			g.Go(func() error {
				in := &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String("GSI1"),
					KeyConditionExpression: aws.String("GSI1PK = :p"),
					FilterExpression:       aws.String("(attribute_not_exists(reqExpiresAt) OR reqExpiresAt > :now) AND (attribute_not_exists(learnerId) OR learnerId <> :me)"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(requestTopicPK(org, t)),
						":now": num(now.Unix()), ":me": strAttr(q.Exclude)},
					ScanIndexForward: aws.Bool(true), Limit: aws.Int32(int32(q.Limit))}
				if after != "" {
					in.KeyConditionExpression = aws.String("GSI1PK = :p AND GSI1SK > :after")
					in.ExpressionAttributeValues[":after"] = strAttr(after)
				}
				out, err := s.client.Query(gctx, in)
				if err != nil {
					return translate(err, "")
				}
				for _, raw := range out.Items {
					found[i] = append(found[i], pointer{key: str(raw["GSI1SK"]), id: str(raw["requestId"])})
				}
				frontier[i] = str(out.LastEvaluatedKey["GSI1SK"])
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		// Complete up to the smallest key a topic has not read past.
		limit := ""
		for _, f := range frontier {
			if f != "" && (limit == "" || f < limit) {
				limit = f
			}
		}
		first := map[string]pointer{}
		for _, ps := range found {
			for _, p := range ps {
				if (limit == "" || p.key <= limit) && (first[p.id].key == "" || p.key < first[p.id].key) {
					first[p.id] = p
				}
			}
		}
		cands := slices.SortedFunc(maps.Values(first), func(a, b pointer) int { return strings.Compare(a.key, b.key) })
		if len(cands) > 100 { // one BatchGetItem
			cands, limit = cands[:100], cands[99].key
		}
		keys := make([]map[string]types.AttributeValue, len(cands))
		for i, p := range cands {
			keys[i] = pkSK(requestPK(org, p.id), skRequest)
		}
		got := map[string]*tandem.LearnerRequest{}
		if len(keys) > 0 {
			raws, err := s.batchGet(ctx, keys, true)
			if err != nil {
				return nil, err
			}
			for _, raw := range raws {
				var it requestItem
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return nil, err
				}
				got[it.ID] = it.toDomain()
			}
		}
		for _, p := range cands {
			if r := got[p.id]; r != nil && r.LearnerID != q.Exclude && r.EffectiveStatus(now).Matchable() {
				page.Requests = append(page.Requests, r)
				if len(page.Requests) == q.Limit {
					page.Cursor = encodeBoardCursor(p.key)
					return page, nil
				}
			}
		}
		if limit == "" {
			return page, nil // every topic read to its end
		}
		after = limit
	}
	page.Cursor = encodeBoardCursor(after)
	return page, nil
}

// A board cursor is the key of the last pointer a page covered, made opaque. It names no
// partition (the query's org and topics do), so it cannot reach into another org.
func encodeBoardCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("board:" + key))
}

func decodeBoardCursor(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	key, ok := strings.CutPrefix(string(b), "board:")
	if err != nil || !ok || key == "" || len(key) > 300 || !utf8.ValidString(key) {
		return "", cursorError(msgMalformed)
	}
	return key, nil
}

type offerItem struct {
	PK          string   `dynamodbav:"PK"`
	SK          string   `dynamodbav:"SK"`
	Type        itemType `dynamodbav:"type"`
	RequestID   string   `dynamodbav:"requestId"`
	ExpertID    string   `dynamodbav:"expertId"`
	ExpertName  string   `dynamodbav:"expertName"`
	SessionType string   `dynamodbav:"sessionType"`
	Starts      []string `dynamodbav:"starts"`
	CreatedAt   string   `dynamodbav:"createdAt"`
}

// offerItemFrom and toDomain are the one place an offer is converted.
func offerItemFrom(org string, o *tandem.Offer) offerItem {
	starts := make([]string, len(o.Starts))
	for i, t := range o.Starts {
		starts[i] = t.UTC().Format(time.RFC3339)
	}
	return offerItem{PK: requestPK(org, o.RequestID), SK: "OFFER#" + o.ExpertID, Type: "offer", RequestID: o.RequestID,
		ExpertID: o.ExpertID, ExpertName: o.ExpertName, SessionType: o.SessionType, Starts: starts,
		CreatedAt: o.CreatedAt.UTC().Format(time.RFC3339)}
}

func (it *offerItem) toDomain() *tandem.Offer {
	o := &tandem.Offer{RequestID: it.RequestID, ExpertID: it.ExpertID, ExpertName: it.ExpertName, SessionType: it.SessionType}
	for _, s := range it.Starts {
		t, _ := time.Parse(time.RFC3339, s)
		o.Starts = append(o.Starts, t)
	}
	o.CreatedAt, _ = time.Parse(time.RFC3339, it.CreatedAt)
	return o
}

// PutOffer records (or replaces) an expert's offer and marks the request offered, only while
// the request is still looking for an expert. Errors: conflict (Detail.status).
func (s *Store) PutOffer(ctx context.Context, org string, o *tandem.Offer) (err error) {
	defer tandem.Wrap(&err, "Store.PutOffer(%q)", o.RequestID)
	now := s.now().UTC().Truncate(time.Second)
	o.CreatedAt = now
	tx := newTx(s.table)
	if err := tx.put("offer", offerItemFrom(org, o), "", nil); err != nil {
		return err
	}
	tx.update("request", requestPK(org, o.RequestID), skRequest, "SET #s = :offered ADD version :one",
		"#s IN (:open, :offered) AND expiresAtUnix > :now", map[string]string{"#s": "status"},
		map[string]types.AttributeValue{":offered": strAttr(string(tandem.RequestOffered)), ":open": strAttr(string(tandem.RequestOpen)),
			":one": num(1), ":now": num(now.Unix())})
	failed, err := s.commit(ctx, tx, "")
	if failed != nil && failed.kind == "request" {
		return requestClosed(failed.old)
	}
	return err
}

func requestClosed(old map[string]types.AttributeValue) error {
	e := &tandem.Error{Code: tandem.EConflict, Message: "The request is no longer looking for an expert.",
		Detail: map[string]any{"conflict": "request_closed"}}
	var it requestItem
	if old != nil && attributevalue.UnmarshalMap(old, &it) == nil {
		e.Detail["status"] = it.Status
	}
	return e
}

// GetOffers returns the offers on a request (one Query).
func (s *Store) GetOffers(ctx context.Context, org, requestID string) (_ []*tandem.Offer, err error) {
	defer tandem.Wrap(&err, "Store.GetOffers(%q)", requestID)
	out, err := s.client.Query(ctx, &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :o)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(requestPK(org, requestID)), ":o": strAttr("OFFER#")}})
	if err != nil {
		return nil, translate(err, "")
	}
	return fromItems(out.Items, func(it *offerItem) (*tandem.Offer, error) { return it.toDomain(), nil })
}

// ExpireRequest records a request's expiry once it has passed (the scheduler's cleanup), and
// in the same transaction takes it off the learner's open-request counter and the board.
// Errors: not_found; conflict when it is not due or no longer looking for an expert.
func (s *Store) ExpireRequest(ctx context.Context, org, id string) (err error) {
	defer tandem.Wrap(&err, "Store.ExpireRequest(%q)", id)
	r, err := s.GetRequest(ctx, org, id)
	if err != nil {
		return err
	}
	tx := newTx(s.table)
	tx.update("request", requestPK(org, id), skRequest, "SET #s = :expired ADD version :one",
		"#s IN (:open, :offered) AND expiresAtUnix <= :now", map[string]string{"#s": "status"},
		map[string]types.AttributeValue{":expired": strAttr(string(tandem.RequestExpired)),
			":open": strAttr(string(tandem.RequestOpen)), ":offered": strAttr(string(tandem.RequestOffered)), ":one": num(1),
			":now": num(s.now().Unix())})
	s.stopLooking(tx, r)
	failed, err := s.commit(ctx, tx, "")
	if failed != nil {
		return tandem.Errorf(tandem.EConflict, "The request is not due to expire.")
	}
	return err
}

// CloseRequest closes the learner's request while it is open or offered (their "no longer
// needed"), and in the same transaction takes it off their open-request counter and the
// board. Errors: conflict (Detail.conflict = request_closed, Detail.status).
func (s *Store) CloseRequest(ctx context.Context, r *tandem.LearnerRequest) (err error) {
	defer tandem.Wrap(&err, "Store.CloseRequest(%q)", r.ID)
	now := s.now().UTC().Truncate(time.Second)
	tx := newTx(s.table)
	tx.update("request", requestPK(r.OrgID, r.ID), skRequest, "SET #s = :closed, closedAt = :at ADD version :one",
		"learnerId = :l AND #s IN (:open, :offered)", map[string]string{"#s": "status"},
		map[string]types.AttributeValue{":closed": strAttr(string(tandem.RequestClosed)), ":at": strAttr(now.Format(time.RFC3339)),
			":one": num(1), ":l": strAttr(r.LearnerID), ":open": strAttr(string(tandem.RequestOpen)),
			":offered": strAttr(string(tandem.RequestOffered))})
	s.stopLooking(tx, r)
	failed, err := s.commit(ctx, tx, "")
	if failed != nil {
		return explain(failed)
	}
	if err == nil {
		r.Status, r.Version = tandem.RequestClosed, r.Version+1
	}
	return err
}

// stopLooking adds to tx what follows a request's last stop: its release from the learner's
// counter and the deletion of its board pointers.
func (s *Store) stopLooking(tx *txBuilder, r *tandem.LearnerRequest) {
	tx.releaseOpenRequest(r.OrgID, r.LearnerID, r.ID)
	for _, t := range r.Topics {
		tx.delete("topic", requestPK(r.OrgID, r.ID), topicSK(t), "", nil)
	}
}

type settingsItem struct {
	PK        string   `dynamodbav:"PK"`
	SK        string   `dynamodbav:"SK"`
	Type      itemType `dynamodbav:"type"`
	Doc       string   `dynamodbav:"doc"`
	UpdatedAt string   `dynamodbav:"updatedAt"`
}

// GetSettings returns the org's settings, or the defaults if HR has set none (one GetItem).
func (s *Store) GetSettings(ctx context.Context, org string) (_ tandem.OrgSettings, err error) {
	defer tandem.Wrap(&err, "Store.GetSettings")
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: pkSK(settingsPK(org), "SETTINGS")})
	if err != nil {
		return tandem.OrgSettings{}, translate(err, "")
	}
	if out.Item == nil {
		return tandem.DefaultOrgSettings(), nil
	}
	var it settingsItem
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return tandem.OrgSettings{}, err
	}
	st := tandem.DefaultOrgSettings()
	if err := json.Unmarshal([]byte(it.Doc), &st); err != nil {
		return tandem.OrgSettings{}, err
	}
	return st, nil
}

// PutSettings replaces the org's settings (one PutItem; again while it meets a transaction).
// With a budget, it then rebalances
// the budget's usage groups that the new caps leave unsound (budget.go: one Query, then a
// Query and a transaction per such group), so a lowered cap holds from when it returns.
func (s *Store) PutSettings(ctx context.Context, org string, st *tandem.OrgSettings) (err error) {
	defer tandem.Wrap(&err, "Store.PutSettings")
	st.UpdatedAt = s.now().UTC().Truncate(time.Second)
	doc, err := json.Marshal(st)
	if err != nil {
		return err
	}
	av, err := attributevalue.MarshalMap(settingsItem{PK: settingsPK(org), SK: "SETTINGS", Type: "settings", Doc: string(doc), UpdatedAt: st.UpdatedAt.Format(time.RFC3339)})
	if err != nil {
		return err
	}
	// Every booking decided with cached rules holds the settings item in its transaction (a
	// ConditionCheck, bookrules.go), so under load the write can meet one: try again after a
	// pause, as commitPatient does, before answering the conflict.
	for round := 0; ; round++ {
		_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
		var tcf *types.TransactionConflictException
		if !errors.As(err, &tcf) || round == contentionRounds {
			break
		}
		if err := s.backoff(ctx, round+1); err != nil {
			return err
		}
	}
	if err != nil {
		return translate(err, "")
	}
	_, err = s.RebalanceBudget(ctx, org, st.Budget)
	return err
}
