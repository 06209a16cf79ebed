package dynamo

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// expertItem is the stored form of an expert profile. The same shape is stored under
// SK=PROFILE and, as a copy, under SK=TOPIC#t for each topic (search by topic in one Query).
type expertItem struct {
	PK           string            `dynamodbav:"PK"`
	SK           string            `dynamodbav:"SK"`
	GSI1PK       string            `dynamodbav:"GSI1PK"`
	GSI1SK       string            `dynamodbav:"GSI1SK"`
	Type         itemType          `dynamodbav:"type"`
	ID           string            `dynamodbav:"id"`
	Org          string            `dynamodbav:"org"`
	Name         string            `dynamodbav:"name"`
	Email        string            `dynamodbav:"email"`
	Department   string            `dynamodbav:"department"`
	Headline     string            `dynamodbav:"headline"`
	Bio          string            `dynamodbav:"bio,omitempty"`
	Topics       []string          `dynamodbav:"topics"`
	Languages    []string          `dynamodbav:"languages"`
	Timezone     string            `dynamodbav:"timezone"`
	SessionTypes []sessionTypeItem `dynamodbav:"sessionTypes"`
	MeetingURL   string            `dynamodbav:"meetingUrl,omitempty"`
	BookingMode  string            `dynamodbav:"bookingMode"`
	Limits       limitsItem        `dynamodbav:"limits"`
	ratingTally
	SearchText string `dynamodbav:"searchText"`
	Version    int64  `dynamodbav:"version"`
	UpdatedAt  string `dynamodbav:"updatedAt"`
}

// sessionTypeItem is a stored tandem.SessionType. Its attribute names are the Go field names
// the profile was first stored with: existing items depend on them.
type sessionTypeItem struct {
	ID              string `dynamodbav:"ID"`
	Name            string `dynamodbav:"Name"`
	DurationMin     int    `dynamodbav:"DurationMin"`
	BufferBeforeMin int    `dynamodbav:"BufferBeforeMin"`
	BufferAfterMin  int    `dynamodbav:"BufferAfterMin"`
	Seats           int    `dynamodbav:"Seats"`
}

func toSessionTypeItem(st tandem.SessionType) sessionTypeItem { return sessionTypeItem(st) }

func (it sessionTypeItem) toDomain() tandem.SessionType { return tandem.SessionType(it) }

func toSessionTypeItems(sts []tandem.SessionType) []sessionTypeItem {
	return convertAll(sts, toSessionTypeItem)
}

func fromSessionTypeItems(items []sessionTypeItem) []tandem.SessionType {
	return convertAll(items, sessionTypeItem.toDomain)
}

// limitsItem is a stored tandem.Limits (attribute names: the Go field names, as stored).
type limitsItem struct {
	MinNoticeMin      int `dynamodbav:"MinNoticeMin"`
	HorizonDays       int `dynamodbav:"HorizonDays"`
	MaxPerDay         int `dynamodbav:"MaxPerDay"`
	MaxPerWeek        int `dynamodbav:"MaxPerWeek"`
	StartIncrementMin int `dynamodbav:"StartIncrementMin"`
}

// toExpertItem is the profile item of e at version; topicCopy is its copy under one topic.
func toExpertItem(e *tandem.Expert, version int64) expertItem {
	search := strings.ToLower(strings.Join(append([]string{e.Name, e.Headline, e.Bio, e.Department}, e.Topics...), " "))
	return expertItem{
		PK: expertPK(e.OrgID, e.ID), SK: skProfile,
		GSI1PK: expertsGSI1PK(e.OrgID), GSI1SK: expertGSI1SK(e.Name, e.ID),
		Type: typeExpert, ID: e.ID, Org: e.OrgID, Name: e.Name, Email: e.Email, Department: e.Department,
		Headline: e.Headline, Bio: e.Bio, Topics: e.Topics, Languages: e.Languages, Timezone: e.Timezone,
		SessionTypes: toSessionTypeItems(e.SessionTypes), MeetingURL: e.MeetingURL, BookingMode: string(e.BookingMode),
		Limits: limitsItem(e.Limits), ratingTally: tallyOf(e.Rating), SearchText: search, Version: version,
		UpdatedAt: e.UpdatedAt.UTC().Format(time.RFC3339),
	}
}

// topicCopy is the profile's copy in topic t's index partition (no bio: the card needs none,
// and it keeps copies small).
func (it expertItem) topicCopy(org, topic string) expertItem {
	it.SK = topicSK(topic)
	it.GSI1PK = topicGSI1PK(org, topic)
	it.Type = typeExpertTopic
	it.Bio = ""
	return it
}

func fromExpertItem(it *expertItem) (*tandem.Expert, error) {
	updated, err := parseStoredTime("expert updatedAt", it.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &tandem.Expert{
		ID: it.ID, OrgID: it.Org, Name: it.Name, Email: it.Email, Department: it.Department,
		Headline: it.Headline, Bio: it.Bio, Topics: it.Topics, Languages: it.Languages,
		Timezone: it.Timezone, SessionTypes: fromSessionTypeItems(it.SessionTypes), MeetingURL: it.MeetingURL,
		BookingMode: tandem.BookingMode(it.BookingMode), Limits: tandem.Limits(it.Limits), Rating: it.summary(),
		UpdatedAt: updated,
	}, nil
}

// GetExpert returns the expert's profile (one GetItem). Errors: not_found.
func (s *Store) GetExpert(ctx context.Context, org, id string) (_ *tandem.Expert, err error) {
	defer tandem.Wrap(&err, "Store.GetExpert(%q)", id)
	it, err := s.getExpertItem(ctx, org, id, false)
	if err != nil {
		return nil, err
	}
	return fromExpertItem(it)
}

func (s *Store) getExpertItem(ctx context.Context, org, id string, consistent bool) (*expertItem, error) {
	return getFound[expertItem](ctx, s, pkSK(expertPK(org, id), skProfile), consistent, "No expert with this id.")
}

// PutExpert creates or replaces the expert's profile and its topic index entries atomically.
// It reads the current profile to learn which topic entries to remove, then writes in one
// transaction guarded by the version it read; a concurrent edit makes it re-read and retry,
// so the topic entries always match the profile. The rating summary is server-owned and kept.
func (s *Store) PutExpert(ctx context.Context, e *tandem.Expert) (err error) {
	defer tandem.Wrap(&err, "Store.PutExpert(%q)", e.ID)
	for attempt := 0; ; attempt++ {
		err = s.putExpertOnce(ctx, e)
		if tandem.ErrorCode(err) != tandem.EConflict || attempt == 2 {
			return err
		}
	}
}

func (s *Store) putExpertOnce(ctx context.Context, e *tandem.Expert) error {
	old, err := s.getExpertItem(ctx, e.OrgID, e.ID, true)
	var version int64
	var oldTopics []string
	switch {
	case err == nil:
		version = old.Version
		oldTopics = old.Topics
		e.Rating = old.summary()
	case tandem.ErrorCode(err) == tandem.ENotFound:
	default:
		return err
	}
	e.UpdatedAt = s.now().UTC().Truncate(time.Second)
	item := toExpertItem(e, version+1)
	tx := newTx(s.table)
	cond, values := "attribute_not_exists(PK)", map[string]types.AttributeValue(nil)
	if old != nil {
		cond, values = "version = :v", map[string]types.AttributeValue{":v": num(version)}
	}
	if err := tx.put(kindProfile, item, cond, values); err != nil {
		return err
	}
	for _, t := range e.Topics {
		if err := tx.put(kindExpertTopic, item.topicCopy(e.OrgID, t), "", nil); err != nil {
			return err
		}
	}
	for _, t := range oldTopics {
		if !slices.Contains(e.Topics, t) {
			tx.delete(kindExpertTopic, item.PK, topicSK(t), "", nil)
		}
	}
	failed, err := s.commit(ctx, tx, "")
	if failed != nil {
		return explain(failed)
	}
	return err
}

// ratingTally is an expert's rating summary as top-level counters, so a feedback
// transaction can adjust it with ADD (exact under concurrency, no read-modify-write). It is
// kept on the profile and on every topic copy; each adjustment also bumps the profile's
// version, so a concurrent profile edit re-reads instead of writing back stale counts.
type ratingTally struct {
	RatingCount int `dynamodbav:"ratingCount"`
	RatingSum   int `dynamodbav:"ratingSum"`
	Rating1     int `dynamodbav:"rating1"`
	Rating2     int `dynamodbav:"rating2"`
	Rating3     int `dynamodbav:"rating3"`
	Rating4     int `dynamodbav:"rating4"`
	Rating5     int `dynamodbav:"rating5"`
}

func tallyOf(r tandem.RatingSummary) ratingTally {
	sum := 0
	for i, n := range r.Distribution {
		sum += (i + 1) * n
	}
	d := r.Distribution
	return ratingTally{RatingCount: r.Count, RatingSum: sum, Rating1: d[0], Rating2: d[1], Rating3: d[2], Rating4: d[3], Rating5: d[4]}
}

func (t ratingTally) summary() tandem.RatingSummary {
	r := tandem.RatingSummary{Count: t.RatingCount, Distribution: [5]int{t.Rating1, t.Rating2, t.Rating3, t.Rating4, t.Rating5}}
	if t.RatingCount > 0 {
		r.Average = math.Round(float64(t.RatingSum)/float64(t.RatingCount)*100) / 100
	}
	return r
}

// ExpertQuery selects experts. Topic narrows to one topic's index partition; Language and
// Text filter within the page.
type ExpertQuery struct {
	Topic    string
	Language string
	Text     string
	Cursor   string
	Limit    int
}

// ExpertPage is one page of search results; Cursor is empty on the last page.
type ExpertPage struct {
	Experts []*tandem.Expert
	Cursor  string
}

// SearchExperts runs exactly one Query on GSI1 per page (no Scan). Errors: invalid (cursor).
func (s *Store) SearchExperts(ctx context.Context, org string, q ExpertQuery) (_ *ExpertPage, err error) {
	defer tandem.Wrap(&err, "Store.SearchExperts")
	partition := expertsGSI1PK(org)
	if q.Topic != "" {
		partition = topicGSI1PK(org, q.Topic)
	}
	l := listing{name: "experts", org: org, pkName: "GSI1PK", skName: "GSI1SK", partition: partition}
	start, err := l.decode(ctx, q.Cursor)
	if err != nil {
		return nil, err
	}
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		IndexName:                 aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: partition}},
		ExclusiveStartKey:         start,
		Limit:                     aws.Int32(int32(q.Limit)),
	}
	var filters []string
	if q.Language != "" {
		filters = append(filters, "contains(languages, :lang)")
		in.ExpressionAttributeValues[":lang"] = &types.AttributeValueMemberS{Value: q.Language}
	}
	if text := strings.ToLower(strings.TrimSpace(q.Text)); text != "" {
		for i, word := range strings.Fields(text) {
			if i == 5 {
				break
			}
			name := ":q" + string(rune('0'+i))
			filters = append(filters, "contains(searchText, "+name+")")
			in.ExpressionAttributeValues[name] = &types.AttributeValueMemberS{Value: word}
		}
	}
	if len(filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
	}
	out, err := s.client.Query(ctx, in)
	if err != nil {
		return nil, translate(err, "")
	}
	experts, err := fromItems(out.Items, fromExpertItem)
	if err != nil {
		return nil, err
	}
	return &ExpertPage{Experts: experts, Cursor: l.encode(ctx, out.LastEvaluatedKey)}, nil
}

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
