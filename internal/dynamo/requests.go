package dynamo

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// requestItem is a learner's request. GSI1 lists a learner's requests, newest first. Each
// topic has a small pointer item on GSI1 (ORG#o#REQTOPIC#t) for the experts' board; the
// board reads the requests themselves for their current status, so status changes touch one
// item only and a reopened request is back on the board at once.
type requestItem struct {
	PK, SK            string
	GSI1PK, GSI1SK    string
	Type              string                 `dynamodbav:"type"`
	ID                string                 `dynamodbav:"id"`
	Org               string                 `dynamodbav:"org"`
	LearnerID         string                 `dynamodbav:"learnerId"`
	LearnerName       string                 `dynamodbav:"learnerName"`
	LearnerDepartment string                 `dynamodbav:"learnerDepartment"`
	Topics            []string               `dynamodbav:"topics"`
	Goal              string                 `dynamodbav:"goal"`
	DurationMin       int                    `dynamodbav:"durationMin"`
	PreferredTimes    []tandem.PreferredTime `dynamodbav:"preferredTimes"`
	Language          string                 `dynamodbav:"language,omitempty"`
	Urgency           string                 `dynamodbav:"urgency"`
	Timezone          string                 `dynamodbav:"timezone"`
	Status            string                 `dynamodbav:"status"`
	CreatedAt         string                 `dynamodbav:"createdAt"`
	ExpiresAtUnix     int64                  `dynamodbav:"expiresAtUnix"`
	MatchedAt         string                 `dynamodbav:"matchedAt,omitempty"`
	BookingID         string                 `dynamodbav:"bookingId,omitempty"`
	Version           int64                  `dynamodbav:"version"`
}

type requestTopicItem struct {
	PK, SK         string
	GSI1PK, GSI1SK string
	Type           string `dynamodbav:"type"`
	RequestID      string `dynamodbav:"requestId"`
	ExpiresAt      int64  `dynamodbav:"expiresAt"` // TTL, a month after the request expires
}

func learnerRequestsPK(org, id string) string { return orgPrefix(org) + "LEARNER#" + id + "#REQUESTS" }
func requestTopicPK(org, topic string) string { return orgPrefix(org) + "REQTOPIC#" + topic }

func (it *requestItem) toDomain() *tandem.LearnerRequest {
	r := &tandem.LearnerRequest{ID: it.ID, OrgID: it.Org, LearnerID: it.LearnerID, LearnerName: it.LearnerName,
		LearnerDepartment: it.LearnerDepartment, Topics: it.Topics, Goal: it.Goal, DurationMin: it.DurationMin,
		PreferredTimes: it.PreferredTimes, Language: it.Language, Urgency: it.Urgency, Timezone: it.Timezone,
		Status: tandem.RequestStatus(it.Status), ExpiresAt: time.Unix(it.ExpiresAtUnix, 0).UTC(),
		BookingID: it.BookingID, Version: it.Version}
	r.CreatedAt, _ = time.Parse(time.RFC3339, it.CreatedAt)
	r.MatchedAt, _ = time.Parse(time.RFC3339, it.MatchedAt)
	return r
}

// CreateRequest writes the request, its board pointers and its expiry due entry (one
// transaction).
func (s *Store) CreateRequest(ctx context.Context, r *tandem.LearnerRequest) (err error) {
	defer tandem.Wrap(&err, "Store.CreateRequest")
	r.CreatedAt = s.now().UTC().Truncate(time.Second)
	r.Version = 1
	created := r.CreatedAt.Format(time.RFC3339)
	it := requestItem{PK: requestPK(r.OrgID, r.ID), SK: skRequest,
		GSI1PK: learnerRequestsPK(r.OrgID, r.LearnerID), GSI1SK: created + "#" + r.ID, Type: "request",
		ID: r.ID, Org: r.OrgID, LearnerID: r.LearnerID, LearnerName: r.LearnerName, LearnerDepartment: r.LearnerDepartment,
		Topics: r.Topics, Goal: r.Goal, DurationMin: r.DurationMin, PreferredTimes: r.PreferredTimes, Language: r.Language,
		Urgency: r.Urgency, Timezone: r.Timezone, Status: string(r.Status), CreatedAt: created,
		ExpiresAtUnix: r.ExpiresAt.Unix(), Version: 1}
	tx := newTx(s.table)
	if err := tx.put("request", it, "attribute_not_exists(PK)", nil); err != nil {
		return err
	}
	for _, t := range r.Topics {
		if err := tx.put("topic", requestTopicItem{PK: it.PK, SK: topicSK(t), GSI1PK: requestTopicPK(r.OrgID, t),
			GSI1SK: it.GSI1SK, Type: "requestTopic", RequestID: r.ID, ExpiresAt: r.ExpiresAt.Add(30 * 24 * time.Hour).Unix()}, "", nil); err != nil {
			return err
		}
	}
	if err := tx.put("due", dueItem{PK: duePK(r.ExpiresAt), SK: dueSK(r.OrgID, r.ID, "REQEXP"), Type: typeDue, Org: r.OrgID, BookingID: r.ID}, "", nil); err != nil {
		return err
	}
	_, err = s.commit(ctx, tx, "")
	return err
}

// GetRequest returns the request (one consistent GetItem). Errors: not_found.
func (s *Store) GetRequest(ctx context.Context, org, id string) (_ *tandem.LearnerRequest, err error) {
	defer tandem.Wrap(&err, "Store.GetRequest(%q)", id)
	it, err := getItem[requestItem](ctx, s, pkSK(requestPK(org, id), skRequest), true)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, tandem.Errorf(tandem.ENotFound, "No request with this id.")
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
	page := &RequestPage{Cursor: l.encode(ctx, out.LastEvaluatedKey)}
	for _, raw := range out.Items {
		var it requestItem
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return nil, err
		}
		page.Requests = append(page.Requests, it.toDomain())
	}
	return page, nil
}

// Board returns the requests still looking for an expert that share a topic with topics,
// newest first: one Query per topic in parallel (pointers, newest first), then one
// BatchGetItem for the requests' current state.
func (s *Store) Board(ctx context.Context, org string, topics []string, limit int) (_ []*tandem.LearnerRequest, err error) {
	defer tandem.Wrap(&err, "Store.Board")
	var (
		mu   sync.Mutex
		ids  = map[string]string{} // id → created key, for ordering
		errs = make([]error, len(topics))
		wg   sync.WaitGroup
	)
	for i, t := range topics {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := s.client.Query(ctx, &dynamodb.QueryInput{TableName: &s.table, IndexName: aws.String("GSI1"),
				KeyConditionExpression:    aws.String("GSI1PK = :p"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":p": strAttr(requestTopicPK(org, t))},
				ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(int32(limit))})
			if err != nil {
				errs[i] = translate(err, "")
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, raw := range out.Items {
				ids[str(raw["requestId"])] = str(raw["GSI1SK"])
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	order := make([]string, 0, len(ids))
	for id := range ids {
		order = append(order, id)
	}
	sort.Slice(order, func(i, j int) bool { return ids[order[i]] > ids[order[j]] })
	if len(order) > 100 {
		order = order[:100]
	}
	if len(order) == 0 {
		return nil, nil
	}
	keys := make([]map[string]types.AttributeValue, len(order))
	for i, id := range order {
		keys[i] = pkSK(requestPK(org, id), skRequest)
	}
	got := map[string]*tandem.LearnerRequest{}
	for len(keys) > 0 {
		out, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			s.table: {Keys: keys, ConsistentRead: aws.Bool(true)}}})
		if err != nil {
			return nil, translate(err, "")
		}
		for _, raw := range out.Responses[s.table] {
			var it requestItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return nil, err
			}
			got[it.ID] = it.toDomain()
		}
		keys = out.UnprocessedKeys[s.table].Keys
	}
	now := s.now()
	var board []*tandem.LearnerRequest
	for _, id := range order {
		if r := got[id]; r != nil && r.EffectiveStatus(now).Matchable() {
			board = append(board, r)
		}
	}
	if len(board) > limit {
		board = board[:limit]
	}
	return board, nil
}

type offerItem struct {
	PK, SK      string
	Type        string   `dynamodbav:"type"`
	RequestID   string   `dynamodbav:"requestId"`
	ExpertID    string   `dynamodbav:"expertId"`
	ExpertName  string   `dynamodbav:"expertName"`
	SessionType string   `dynamodbav:"sessionType"`
	Starts      []string `dynamodbav:"starts"`
	CreatedAt   string   `dynamodbav:"createdAt"`
}

// PutOffer records (or replaces) an expert's offer and marks the request offered, only while
// the request is still looking for an expert. Errors: conflict (Detail.status).
func (s *Store) PutOffer(ctx context.Context, org string, o *tandem.Offer) (err error) {
	defer tandem.Wrap(&err, "Store.PutOffer(%q)", o.RequestID)
	now := s.now().UTC().Truncate(time.Second)
	o.CreatedAt = now
	starts := make([]string, len(o.Starts))
	for i, t := range o.Starts {
		starts[i] = t.UTC().Format(time.RFC3339)
	}
	tx := newTx(s.table)
	if err := tx.put("offer", offerItem{PK: requestPK(org, o.RequestID), SK: "OFFER#" + o.ExpertID, Type: "offer",
		RequestID: o.RequestID, ExpertID: o.ExpertID, ExpertName: o.ExpertName, SessionType: o.SessionType,
		Starts: starts, CreatedAt: now.Format(time.RFC3339)}, "", nil); err != nil {
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
	var offers []*tandem.Offer
	for _, raw := range out.Items {
		var it offerItem
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return nil, err
		}
		o := &tandem.Offer{RequestID: it.RequestID, ExpertID: it.ExpertID, ExpertName: it.ExpertName, SessionType: it.SessionType}
		for _, s := range it.Starts {
			t, _ := time.Parse(time.RFC3339, s)
			o.Starts = append(o.Starts, t)
		}
		o.CreatedAt, _ = time.Parse(time.RFC3339, it.CreatedAt)
		offers = append(offers, o)
	}
	return offers, nil
}

// ExpireRequest records a request's expiry once it has passed (the scheduler's cleanup).
// Errors: conflict when it is not due or no longer looking for an expert.
func (s *Store) ExpireRequest(ctx context.Context, org, id string) (err error) {
	defer tandem.Wrap(&err, "Store.ExpireRequest(%q)", id)
	now := s.now().Unix()
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(requestPK(org, id), skRequest),
		UpdateExpression:         aws.String("SET #s = :expired ADD version :one"),
		ConditionExpression:      aws.String("#s IN (:open, :offered) AND expiresAtUnix <= :now"),
		ExpressionAttributeNames: map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":expired": strAttr(string(tandem.RequestExpired)),
			":open": strAttr(string(tandem.RequestOpen)), ":offered": strAttr(string(tandem.RequestOffered)), ":one": num(1), ":now": num(now)}})
	return translate(err, "The request is not due to expire.")
}

type settingsItem struct {
	PK, SK    string
	Type      string `dynamodbav:"type"`
	Doc       string `dynamodbav:"doc"`
	UpdatedAt string `dynamodbav:"updatedAt"`
}

func settingsPK(org string) string { return orgPrefix(org) + "SETTINGS" }

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

// PutSettings replaces the org's settings (one PutItem).
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
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return translate(err, "")
}
