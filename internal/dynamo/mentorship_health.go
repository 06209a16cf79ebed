package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Mentorship health: what internal/mentorships' health job and the notification consumer
// need beyond mentorships.go. Health is derived, so its writes do not take a new version;
// each is conditioned on the health (and status) it was decided on, so two deciders never
// both move it (the loser's write changes nothing), and a stalled write carries the stall's
// identity (stallKey, stalledAt: computed from the data, the same for every write of the
// same stall) from which the consumer derives one nudge per stall.

// DueHealth is the due entry kind of an org's mentorship health pass: one per org and hour
// (BookingID healthDueID); Start holds the mentorship id a bounded pass resumes after, and
// Attempt how many active mentorships the pass has seen so far.
const (
	DueHealth   = "HEALTH"
	healthDueID = "mentorships"
)

// MentorshipHealthWrite is a health decision: from (Old, OldReason) to (Health, Reason), on
// a mentorship whose status was Status when decided.
type MentorshipHealthWrite struct {
	Org, ID              string
	Status               tandem.MentorshipStatus
	OldHealth, OldReason string
	Health, Reason       string
	// StallKey and StalledAt identify a stall (set when Health is stalled).
	StallKey  string
	StalledAt time.Time
}

// SetMentorshipHealthIf stores a health decision (one conditional UpdateItem) only if the
// stored health, reason and status are still those it was decided on; changed is false when
// they were not (someone else decided first: nothing is written).
func (s *Store) SetMentorshipHealthIf(ctx context.Context, w MentorshipHealthWrite) (changed bool, err error) {
	defer tandem.Wrap(&err, "Store.SetMentorshipHealthIf(%q)", w.ID)
	values := map[string]types.AttributeValue{":h": strAttr(w.Health), ":r": strAttr(w.Reason), ":st": strAttr(string(w.Status))}
	cond := "attribute_exists(PK) AND #st = :st"
	for _, f := range []struct{ attr, old, ph string }{{"health", w.OldHealth, ":oh"}, {"healthReason", w.OldReason, ":or"}} {
		if f.old == "" {
			cond += " AND (attribute_not_exists(" + f.attr + ") OR " + f.attr + " = :empty)"
			values[":empty"] = strAttr("")
		} else {
			cond += " AND " + f.attr + " = " + f.ph
			values[f.ph] = strAttr(f.old)
		}
	}
	// healthVersion: with version it names every state of the item, for the HR figures'
	// stream markers (internal/streams), as SetMentorshipHealth's writes do.
	update := "SET health = :h, healthReason = :r"
	values[":one"] = num(1)
	if w.StallKey != "" {
		update += ", stallKey = :k, stalledAt = :at"
		values[":k"], values[":at"] = strAttr(w.StallKey), strAttr(timeKey(w.StalledAt))
		update += " ADD healthVersion :one"
	} else {
		update += " ADD healthVersion :one REMOVE stallKey, stalledAt"
	}
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: pkSK(mentorshipsPK(w.Org), mentorshipSK(w.ID)),
		UpdateExpression: aws.String(update), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: map[string]string{"#st": "status"}, ExpressionAttributeValues: values})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return false, nil
	}
	if err != nil {
		return false, translate(err, "")
	}
	return true, nil
}

// OrgMentorshipsPage reads up to limit of the org's mentorships after the one with id after
// ("" from the first), in id order: one Query on the org's MENTORSHIPS partition. next is the
// id to resume after, "" when there are no more.
func (s *Store) OrgMentorshipsPage(ctx context.Context, org, after string, limit int) (_ []*tandem.Mentorship, next string, err error) {
	defer tandem.Wrap(&err, "Store.OrgMentorshipsPage")
	in := &dynamodb.QueryInput{TableName: &s.table, Limit: aws.Int32(int32(limit)),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(mentorshipsPK(org)),
			":p": strAttr(prefixMentorship)}}
	if after != "" {
		in.ExclusiveStartKey = pkSK(mentorshipsPK(org), mentorshipSK(after))
	}
	out, err := s.client.Query(ctx, in)
	if err != nil {
		return nil, "", translate(err, "")
	}
	var items []mentorshipItem
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
		return nil, "", err
	}
	ms := make([]*tandem.Mentorship, 0, len(items))
	for i := range items {
		ms = append(ms, items[i].toDomain())
	}
	if len(out.LastEvaluatedKey) > 0 && len(ms) > 0 {
		next = ms[len(ms)-1].ID
	}
	return ms, next, nil
}

// ScheduleMentorshipHealth puts the org's health pass in the hour of at, resuming after the
// mentorship id after with seen active ones counted so far. onlyNew leaves an entry already
// there as it is (a pass in progress keeps its place).
func (s *Store) ScheduleMentorshipHealth(ctx context.Context, org string, at time.Time, after string, seen int, onlyNew bool) (err error) {
	defer tandem.Wrap(&err, "Store.ScheduleMentorshipHealth")
	it := toDueItem(at, org, healthDueID, DueHealth)
	it.Start, it.Attempt = after, seen
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return err
	}
	in := &dynamodb.PutItemInput{TableName: &s.table, Item: av}
	if onlyNew {
		in.ConditionExpression = aws.String("attribute_not_exists(PK)")
	}
	_, err = s.client.PutItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil
	}
	return translate(err, "")
}

// MentorshipChange is a mentorship's stream record: the item before and after (nil when
// absent), with the stall identity of the new image (SetMentorshipHealthIf).
type MentorshipChange struct {
	Org       string
	At        time.Time // approximate time of the change
	Old, New  *tandem.Mentorship
	StallKey  string
	StalledAt time.Time
}

// DecodeMentorshipRecord reads a stream record of a mentorship item (nil for any other item).
func DecodeMentorshipRecord(rec events.DynamoDBEventRecord) (*MentorshipChange, error) {
	typ := func(img map[string]events.DynamoDBAttributeValue) string {
		if v, ok := img["type"]; ok && v.DataType() == events.DataTypeString {
			return v.String()
		}
		return ""
	}
	if typ(rec.Change.NewImage) != string(typeMentorship) && typ(rec.Change.OldImage) != string(typeMentorship) {
		return nil, nil
	}
	c := &MentorshipChange{At: rec.Change.ApproximateCreationDateTime.Time.UTC()}
	for _, pair := range []struct {
		img map[string]events.DynamoDBAttributeValue
		out **tandem.Mentorship
	}{{rec.Change.OldImage, &c.Old}, {rec.Change.NewImage, &c.New}} {
		item, err := fromEventImage(pair.img)
		if err != nil || len(item) == 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		// Reflections are not news here (closing is), and an empty reflections map has
		// reached us holding another attribute's values (DynamoDB Local's stream through the
		// SDK's decoder): leave them out.
		delete(item, "reflections")
		var it mentorshipItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, err
		}
		*pair.out, c.Org = it.toDomain(), it.Org
		if pair.out == &c.New {
			c.StallKey = str(item["stallKey"])
			c.StalledAt = parseKeyTime(str(item["stalledAt"]))
		}
	}
	return c, nil
}
