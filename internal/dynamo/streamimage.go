package dynamo

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/availability"
	"github.com/tandemhq/tandem/internal/tandem"
)

// StreamChange is one stream record decoded into domain values: the old and new state of a
// booking, a learner's feedback, a request or an expert's availability. Other items are
// Kind "" and ignored by the consumer.
type StreamChange struct {
	EventID string
	At      time.Time // approximate time of the change
	Kind    string    // "booking", "feedback", "request", "availability" or ""
	Org     string
	// Imported is an insert by the bulk history import, already counted by it.
	Imported bool

	OldBooking, NewBooking   *tandem.Booking
	OldFeedback, NewFeedback *FeedbackFact
	OldRequest, NewRequest   *tandem.LearnerRequest
	Availability             *AvailabilityFact
	// Kind "notification": an inbox entry and its e-mail state (internal/notify's sender).
	OldNotification, NewNotification *Notification
	// Kind "offer": an expert's offer on a learner's request, as put (nil when deleted).
	NewOffer *tandem.Offer
	// Kind "cohortPlan": a program's cohort plan before and after (publishing sets its status).
	OldCohortPlan, NewCohortPlan *tandem.CohortPlan
	// Kind "mentorship": a mentorship before and after; kind "checkIn": a progress check-in
	// as put (check-ins are never changed), with its mentorship's id.
	OldMentorship, NewMentorship *tandem.Mentorship
	MentorshipRev                string // names the new state: version and health writes since
	NewCheckIn                   *tandem.CheckIn
	CheckInMentorship            string
}

// FeedbackFact is a learner's feedback with what aggregation needs about its session.
type FeedbackFact struct {
	Feedback          tandem.Feedback
	SessionStart      time.Time
	LearnerDepartment string
	ExpertDepartment  string
}

// AvailabilityFact is an expert's schedule as of a change.
type AvailabilityFact struct {
	ExpertID  string
	Schedule  availability.Schedule
	UpdatedAt time.Time
}

// DecodeStreamRecord reads a DynamoDB stream record (as Lambda delivers it) into a change.
func DecodeStreamRecord(rec events.DynamoDBEventRecord) (*StreamChange, error) {
	c := &StreamChange{EventID: rec.EventID, At: rec.Change.ApproximateCreationDateTime.Time.UTC()}
	oldItem, err := fromEventImage(rec.Change.OldImage)
	if err != nil {
		return nil, err
	}
	newItem, err := fromEventImage(rec.Change.NewImage)
	if err != nil {
		return nil, err
	}
	kind := itemType(str(newItem["type"]))
	if kind == "" {
		kind = itemType(str(oldItem["type"]))
	}
	decode := func(item map[string]types.AttributeValue, v any) (bool, error) {
		if len(item) == 0 {
			return false, nil
		}
		return true, attributevalue.UnmarshalMap(item, v)
	}
	switch kind {
	case typeBooking:
		c.Kind = "booking"
		for _, pair := range []struct {
			item map[string]types.AttributeValue
			out  **tandem.Booking
		}{{oldItem, &c.OldBooking}, {newItem, &c.NewBooking}} {
			var it bookingItem
			if ok, err := decode(pair.item, &it); err != nil {
				return nil, err
			} else if ok {
				*pair.out = it.toDomain()
				c.Org = it.Org
				c.Imported = it.Imported && len(oldItem) == 0
			}
		}
	case typeFeedback:
		for _, pair := range []struct {
			item map[string]types.AttributeValue
			out  **FeedbackFact
		}{{oldItem, &c.OldFeedback}, {newItem, &c.NewFeedback}} {
			var it feedbackItem
			if ok, err := decode(pair.item, &it); err != nil {
				return nil, err
			} else if ok && it.Role == string(tandem.RoleLearner) {
				fact, err := fromFeedbackItemFact(&it)
				if err != nil {
					return nil, err
				}
				c.Kind, c.Org = "feedback", it.Org
				*pair.out = fact
			}
		}
	case typeRequest:
		c.Kind = "request"
		for _, pair := range []struct {
			item map[string]types.AttributeValue
			out  **tandem.LearnerRequest
		}{{oldItem, &c.OldRequest}, {newItem, &c.NewRequest}} {
			var it requestItem
			if ok, err := decode(pair.item, &it); err != nil {
				return nil, err
			} else if ok {
				*pair.out = it.toDomain()
				c.Org = it.Org
			}
		}
	case typeNotification:
		c.Kind = "notification"
		for _, pair := range []struct {
			item map[string]types.AttributeValue
			out  **Notification
		}{{oldItem, &c.OldNotification}, {newItem, &c.NewNotification}} {
			var it notificationItem
			if ok, err := decode(pair.item, &it); err != nil {
				return nil, err
			} else if ok {
				n, err := fromNotificationItem(&it)
				if err != nil {
					return nil, err
				}
				*pair.out, c.Org = n, it.Org
			}
		}
	case typeCohortDoc:
		c.Kind = "cohortPlan"
		for _, pair := range []struct {
			item map[string]types.AttributeValue
			out  **tandem.CohortPlan
		}{{oldItem, &c.OldCohortPlan}, {newItem, &c.NewCohortPlan}} {
			var it cohortPlanItem
			if ok, err := decode(pair.item, &it); err != nil {
				return nil, err
			} else if ok {
				org, rest, _ := strings.Cut(strings.TrimPrefix(it.PK, "ORG#"), "#")
				cp, err := it.toDomain(strings.TrimPrefix(rest, "PROGRAM#"))
				if err != nil {
					return nil, err
				}
				*pair.out, c.Org = cp, org
			}
		}
	case typeOffer:
		var it offerItem
		if ok, err := decode(newItem, &it); err != nil || !ok {
			return c, err
		}
		org, _, _ := strings.Cut(strings.TrimPrefix(it.PK, "ORG#"), "#")
		c.Kind, c.Org, c.NewOffer = "offer", org, it.toDomain()
	case typeMentorship:
		c.Kind = "mentorship"
		for _, pair := range []struct {
			item map[string]types.AttributeValue
			out  **tandem.Mentorship
		}{{oldItem, &c.OldMentorship}, {newItem, &c.NewMentorship}} {
			var it mentorshipItem
			// Reflections' words are no consumer's business, and DynamoDB Local's stream gives
			// an empty map (no reflections yet) another attribute's value: leave them out.
			delete(pair.item, "reflections")
			if ok, err := decode(pair.item, &it); err != nil {
				return nil, err
			} else if ok {
				*pair.out, c.Org = it.toDomain(), it.Org
				c.MentorshipRev = fmt.Sprintf("v%d.%d", it.Version, it.HealthVersion)
			}
		}
	case typeMentorCheckIn:
		var it checkInItem
		if ok, err := decode(newItem, &it); err != nil || !ok {
			return c, err
		}
		org, rest, _ := strings.Cut(strings.TrimPrefix(it.PK, "ORG#"), "#")
		c.Kind, c.Org, c.CheckInMentorship = "checkIn", org, strings.TrimPrefix(rest, "MENTORSHIP#")
		c.NewCheckIn = it.toDomain()
		c.NewCheckIn.Comment = "" // the figures use ratings only
	case typeAvailability:
		var it availabilityItem
		if ok, err := decode(newItem, &it); err != nil || !ok {
			return c, err
		}
		fact, err := fromAvailabilityItem(&it)
		if err != nil {
			return nil, err
		}
		c.Kind, c.Org, c.Availability = "availability", it.Org, fact
	}
	return c, nil
}

// fromEventImage converts a Lambda stream image into SDK attribute values.
func fromEventImage(img map[string]events.DynamoDBAttributeValue) (map[string]types.AttributeValue, error) {
	if len(img) == 0 {
		return nil, nil
	}
	out := make(map[string]types.AttributeValue, len(img))
	for k, v := range img {
		av, err := fromEventValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", k, err)
		}
		out[k] = av
	}
	return out, nil
}

func fromEventValue(v events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}, nil
	case events.DataTypeList:
		list := v.List()
		out := make([]types.AttributeValue, len(list))
		for i, e := range list {
			av, err := fromEventValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = av
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case events.DataTypeMap:
		m, err := fromEventImage(v.Map())
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, fmt.Errorf("unsupported stream attribute type %v", v.DataType())
}

// MonthOf is the aggregation month of an instant: its UTC calendar month, "2027-03".
func MonthOf(t time.Time) string { return t.UTC().Format("2006-01") }
